/**
 * GridPeer dashboard (MISSION U1): one page, hash-routed views, talking only to the node's REST API and its
 * server-sent event stream. The header shows this node's network and height, live.
 */
import { type KeyboardEvent, useCallback, useEffect, useRef, useState } from 'react';
import { api, type Status } from './api.js';
import { shortHash } from './format.js';
import { LiveContext, type LiveState, ROUTES, type Route, type StreamEvent, useHashRoute } from './hooks.js';
import { ActionsView } from './views/Actions.js';
import { ChainView } from './views/Chain.js';
import { CommunityView } from './views/Community.js';
import { MarketView } from './views/Market.js';
import { NetworkView } from './views/Network.js';

const LABELS: Record<Route, string> = {
  network: 'Network',
  chain: 'Chain',
  market: 'Market',
  community: 'Community',
  actions: 'Actions',
};

const MAX_EVENTS = 200;

interface HeadData {
  hash: string;
  height: number;
  reorg?: { forkHeight: number; disconnected: string[]; connected: string[]; readmitted?: number };
}

function parse(data: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(data);
    return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** One EventSource for the page; events are kept (newest first) so the Network log survives tab switches. */
function useLiveStream(initial: Status | undefined): LiveState {
  const [state, setState] = useState<LiveState>({
    height: null,
    headHash: null,
    headTick: 0,
    connected: false,
    events: [],
  });
  const nextId = useRef(1);

  useEffect(() => {
    if (initial === undefined) return;
    setState((s) => (s.height === null ? { ...s, height: initial.height, headHash: initial.headHash } : s));
  }, [initial]);

  useEffect(() => {
    if (typeof EventSource === 'undefined') return;
    const source = new EventSource('/v1/stream');
    const push = (event: Omit<StreamEvent, 'id' | 'atMs'>, update: Partial<LiveState> = {}) =>
      setState((s) => ({
        ...s,
        ...update,
        events: [{ ...event, id: nextId.current++, atMs: Date.now() }, ...s.events].slice(0, MAX_EVENTS),
      }));
    source.onopen = () => setState((s) => ({ ...s, connected: true }));
    source.onerror = () => setState((s) => (s.connected ? { ...s, connected: false } : s));
    source.addEventListener('hello', (e) => {
      const d = parse((e as MessageEvent<string>).data);
      if (d === null) return;
      const height = typeof d['height'] === 'number' ? d['height'] : null;
      const headHash = typeof d['headHash'] === 'string' ? d['headHash'] : null;
      push(
        { type: 'hello', detail: `connected; head #${height ?? '?'} ${shortHash(headHash)}` },
        { height, headHash, connected: true },
      );
    });
    source.addEventListener('head', (e) => {
      const d = parse((e as MessageEvent<string>).data) as HeadData | null;
      if (d === null) return;
      if (d.reorg !== undefined) {
        const r = d.reorg;
        push(
          {
            type: 'reorg',
            height: d.height,
            hash: d.hash,
            detail: `REORG at fork height ${r.forkHeight}: ${r.disconnected.length} block(s) disconnected, ${r.connected.length} connected, ${r.readmitted ?? 0} tx readmitted; new head #${d.height} ${shortHash(d.hash)}`,
          },
          {},
        );
      }
      setState((s) => ({
        ...s,
        height: d.height,
        headHash: d.hash,
        headTick: s.headTick + 1,
        events: [
          {
            id: nextId.current++,
            atMs: Date.now(),
            type: 'head' as const,
            height: d.height,
            hash: d.hash,
            detail: `new head #${d.height} ${shortHash(d.hash)}`,
          },
          ...s.events,
        ].slice(0, MAX_EVENTS),
      }));
    });
    source.addEventListener('block', (e) => {
      const d = parse((e as MessageEvent<string>).data);
      if (d === null) return;
      const height = Number(d['height']);
      const hash = String(d['hash']);
      push({
        type: 'block',
        height,
        hash,
        detail: `block #${height} ${shortHash(hash)} imported: ${String(d['status'])}`,
      });
    });
    source.addEventListener('tx', (e) => {
      const d = parse((e as MessageEvent<string>).data);
      if (d === null) return;
      push({
        type: 'tx',
        hash: String(d['hash']),
        detail: `tx ${String(d['kind'])} ${shortHash(String(d['hash']))} from ${shortHash(String(d['from'] ?? '—'), 12)}`,
      });
    });
    return () => source.close();
  }, []);

  return state;
}

export function App() {
  const [route, go] = useHashRoute();
  const [status, setStatus] = useState<Status | undefined>(undefined);
  const [statusError, setStatusError] = useState<string | undefined>(undefined);
  const live = useLiveStream(status);
  const tabRefs = useRef<Array<HTMLButtonElement | null>>([]);

  const loadStatus = useCallback(() => {
    api.status().then(
      (s) => {
        setStatus(s);
        setStatusError(undefined);
      },
      (error: unknown) => setStatusError(error instanceof Error ? error.message : String(error)),
    );
  }, []);

  // Status on load and on each new head (the height itself comes from the stream).
  // biome-ignore lint/correctness/useExhaustiveDependencies: reload on each head
  useEffect(() => loadStatus(), [loadStatus, live.headTick]);

  const onTabKey = (event: KeyboardEvent<HTMLButtonElement>, index: number) => {
    let next = -1;
    if (event.key === 'ArrowRight') next = (index + 1) % ROUTES.length;
    else if (event.key === 'ArrowLeft') next = (index - 1 + ROUTES.length) % ROUTES.length;
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = ROUTES.length - 1;
    if (next < 0) return;
    event.preventDefault();
    const target = ROUTES[next]!;
    go(target);
    tabRefs.current[next]?.focus();
  };

  const height = live.height ?? status?.height ?? null;

  return (
    <LiveContext.Provider value={live}>
      <button type="button" className="skip" onClick={() => document.getElementById('main')?.focus()}>
        Skip to content
      </button>
      <header className="app-header">
        <div className="brand">
          <span className="logo" aria-hidden="true">
            ⚡
          </span>
          <h1>GridPeer</h1>
        </div>
        <dl className="node-summary" aria-label="This node">
          <div>
            <dt>Node</dt>
            <dd title={window.location.origin}>{status?.url ?? window.location.host}</dd>
          </div>
          <div>
            <dt>Network</dt>
            <dd>
              {status ? `${status.network} (chain ${status.chainId})` : '…'}
              {status?.dev ? <span className="badge">dev</span> : null}
            </dd>
          </div>
          <div>
            <dt>Height</dt>
            <dd data-testid="header-height" aria-live="polite">
              {height ?? '…'}
            </dd>
          </div>
          <div>
            <dt>Live</dt>
            <dd>
              <span className={live.connected ? 'dot on' : 'dot off'} aria-hidden="true" />
              {live.connected ? 'streaming' : 'offline'}
            </dd>
          </div>
        </dl>
        <nav aria-label="Views">
          <div role="tablist" aria-label="Dashboard views" className="tabs">
            {ROUTES.map((r, i) => (
              <button
                key={r}
                ref={(el) => {
                  tabRefs.current[i] = el;
                }}
                type="button"
                role="tab"
                id={`tab-${r}`}
                aria-selected={route === r}
                aria-controls="main"
                data-testid={`nav-${r}`}
                className={route === r ? 'tab active' : 'tab'}
                onClick={() => go(r)}
                onKeyDown={(e) => onTabKey(e, i)}
              >
                {LABELS[r]}
              </button>
            ))}
          </div>
        </nav>
      </header>
      {statusError ? (
        <p className="error banner" role="alert">
          Cannot read this node's status: {statusError}
        </p>
      ) : null}
      <main id="main" role="tabpanel" aria-labelledby={`tab-${route}`} tabIndex={-1}>
        {route === 'network' && <NetworkView status={status} />}
        {route === 'chain' && <ChainView />}
        {route === 'market' && <MarketView />}
        {route === 'community' && <CommunityView />}
        {route === 'actions' && <ActionsView status={status} />}
      </main>
    </LiveContext.Provider>
  );
}
