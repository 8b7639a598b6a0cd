/** Small React hooks: hash routing, async loading with cancellation, and the live event stream context. */
import { createContext, type DependencyList, useCallback, useContext, useEffect, useRef, useState } from 'react';
import { errorText } from './api.js';

export const ROUTES = ['network', 'chain', 'market', 'community', 'actions'] as const;
export type Route = (typeof ROUTES)[number];

function routeFromHash(hash: string): Route {
  const name = hash.replace(/^#\/?/, '').split(/[/?]/)[0] ?? '';
  return (ROUTES as readonly string[]).includes(name) ? (name as Route) : 'network';
}

export function useHashRoute(): [Route, (route: Route) => void] {
  const [route, setRoute] = useState<Route>(() => routeFromHash(window.location.hash));
  useEffect(() => {
    const onChange = () => setRoute(routeFromHash(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  const go = useCallback((next: Route) => {
    window.location.hash = `#/${next}`;
    setRoute(next);
  }, []);
  return [route, go];
}

export interface AsyncState<T> {
  data: T | undefined;
  error: string | undefined;
  loading: boolean;
  reload: () => void;
}

/** Runs `load` when `deps` change (and on reload); stale answers are dropped. */
export function useAsync<T>(load: () => Promise<T>, deps: DependencyList): AsyncState<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  // biome-ignore lint/correctness/useExhaustiveDependencies: the caller's deps decide when to reload
  useEffect(() => {
    let live = true;
    setLoading(true);
    loadRef.current().then(
      (value) => {
        if (!live) return;
        setData(value);
        setError(undefined);
        setLoading(false);
      },
      (err: unknown) => {
        if (!live) return;
        setError(errorText(err));
        setLoading(false);
      },
    );
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, loading, reload };
}

export interface StreamEvent {
  id: number;
  type: 'head' | 'block' | 'tx' | 'hello' | 'reorg' | 'connection';
  atMs: number;
  height?: number;
  hash?: string;
  detail: string;
}

export interface LiveState {
  /** Latest canonical height seen (status, then `head` events). */
  height: number | null;
  headHash: string | null;
  /** Increases on every new head: views reload on it. */
  headTick: number;
  connected: boolean;
  events: readonly StreamEvent[];
}

export const LiveContext = createContext<LiveState>({
  height: null,
  headHash: null,
  headTick: 0,
  connected: false,
  events: [],
});

export function useLive(): LiveState {
  return useContext(LiveContext);
}

/** Re-runs `callback` every `ms` while mounted (and the tab is visible). */
export function useInterval(callback: () => void, ms: number): void {
  const ref = useRef(callback);
  ref.current = callback;
  useEffect(() => {
    const id = window.setInterval(() => {
      if (document.visibilityState === 'visible') ref.current();
    }, ms);
    return () => window.clearInterval(id);
  }, [ms]);
}
