/** Network: this node and its peers (height, head, score), mining mode, and the live log of heads, reorgs, blocks. */
import { useMemo, useState } from 'react';
import { api, errorText, postJson, type Status } from '../api.js';
import { Card } from '../components.js';
import { formatClock, shortHash } from '../format.js';
import { useAsync, useInterval, useLive } from '../hooks.js';

export function NetworkView({ status }: { status: Status | undefined }) {
  const live = useLive();
  const peers = useAsync(() => api.peers(), [live.headTick]);
  useInterval(peers.reload, 5000);
  const [showTx, setShowTx] = useState(false);
  const events = useMemo(() => live.events.filter((e) => showTx || e.type !== 'tx'), [live.events, showTx]);
  const reorgs = live.events.filter((e) => e.type === 'reorg').length;
  const height = live.height ?? status?.height ?? null;
  // Mining on request (the seeds' mine_block): open on a dev network, the administrator's token otherwise.
  const [mined, setMined] = useState<{ ok: boolean; text: string } | null>(null);
  const mine = async () => {
    setMined({ ok: true, text: 'mining…' });
    try {
      const block = await postJson<{ height?: number; hash?: string }>('/v1/mine', {});
      setMined({ ok: true, text: `mined block ${String(block.height)} ${shortHash(block.hash)}` });
    } catch (error) {
      setMined({ ok: false, text: errorText(error) });
    }
  };

  return (
    <section aria-labelledby="network-title">
      <h2 id="network-title">Network</h2>
      <div className="cards">
        <Card label="Height" value={height ?? '…'} />
        <Card label="Head" value={shortHash(live.headHash ?? status?.headHash)} />
        <Card label="Peers" value={status?.peers ?? '…'} />
        <Card label="Mempool" value={status?.mempoolSize ?? '…'} />
        <Card label="Mining" value={status ? String(status.mining ?? 'off') : '…'} />
        <Card label="Consensus" value={status?.consensus ?? '—'} />
        <Card label="Reorgs seen" value={reorgs} />
      </div>

      <div className="buttons">
        <button type="button" data-testid="mine-block" onClick={() => void mine()}>
          Mine a block now
        </button>
        {mined ? (
          <span data-testid="mine-result" className={mined.ok ? '' : 'error'} role="status">
            {mined.text}
          </span>
        ) : null}
      </div>

      <h3>Nodes</h3>
      {peers.error ? <p className="error">{peers.error}</p> : null}
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">Node</th>
              <th scope="col">Height</th>
              <th scope="col">Head</th>
              <th scope="col">Score</th>
              <th scope="col">State</th>
            </tr>
          </thead>
          <tbody>
            <tr data-testid="node-row" className="self">
              <td>
                {status?.url ?? peers.data?.self ?? window.location.origin} <span className="badge">this node</span>
              </td>
              <td>{height ?? '…'}</td>
              <td className="mono" title={live.headHash ?? status?.headHash}>
                {shortHash(live.headHash ?? status?.headHash)}
              </td>
              <td>—</td>
              <td>mining: {status ? String(status.mining ?? 'off') : '…'}</td>
            </tr>
            {(peers.data?.peers ?? []).map((peer) => {
              const behind = height !== null && typeof peer.height === 'number' ? height - peer.height : null;
              const fork =
                typeof peer.height === 'number' &&
                peer.height === height &&
                peer.headHash !== null &&
                peer.headHash !== undefined &&
                peer.headHash !== (live.headHash ?? status?.headHash);
              return (
                <tr key={peer.url} data-testid="node-row">
                  <td>{peer.url}</td>
                  <td>{peer.height ?? '—'}</td>
                  <td className="mono" title={peer.headHash ?? ''}>
                    {shortHash(peer.headHash)}
                  </td>
                  <td>{peer.score}</td>
                  <td>
                    {fork ? (
                      <span className="badge warn">fork: same height, other head</span>
                    ) : behind !== null && behind > 0 ? (
                      `${behind} behind`
                    ) : behind !== null && behind < 0 ? (
                      `${-behind} ahead`
                    ) : (
                      'in sync'
                    )}
                    {peer.failures ? ` · ${peer.failures} failures` : ''}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {peers.data && peers.data.peers.length === 0 ? <p className="muted">No peers connected.</p> : null}

      <div className="row-between">
        <h3>Live events</h3>
        <label className="inline">
          <input type="checkbox" checked={showTx} onChange={(e) => setShowTx(e.target.checked)} /> show transactions
        </label>
      </div>
      <p className="muted">
        Stream {live.connected ? 'connected' : 'disconnected (reconnecting)'} · heads, reorgs and block imports from
        /v1/stream
      </p>
      <ol className="event-log" aria-live="polite" aria-label="Live events, newest first">
        {events.length === 0 ? <li className="muted">Waiting for events…</li> : null}
        {events.map((e) => (
          <li key={e.id} className={`event ${e.type}`} data-testid={e.type === 'reorg' ? 'event-reorg' : 'event-row'}>
            <time>{formatClock(e.atMs)}</time> <span className="badge">{e.type}</span> {e.detail}
          </li>
        ))}
      </ol>
    </section>
  );
}
