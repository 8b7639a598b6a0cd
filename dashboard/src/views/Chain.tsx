/**
 * Chain explorer: latest blocks, a block's transactions, a transaction lookup with its inclusion proof checked in
 * the browser, the node's tamper check (/is_valid) and a trade receipt checker (Merkle path to the state root).
 */
import { type FormEvent, type KeyboardEvent, useState } from 'react';
import { api, type BlockView, errorText, type TxLookup } from '../api.js';
import { Card, ErrorNote } from '../components.js';
import { coins, formatTime, payloadSummary, shortHash } from '../format.js';
import { useAsync, useLive } from '../hooks.js';
import { type CheckResult, verifyReceipt, verifyTxProof } from '../proof.js';

const PAGE = 20;

export function ChainView() {
  const live = useLive();
  const [before, setBefore] = useState<number | undefined>(undefined);
  const blocks = useAsync(() => api.blocks(PAGE, before), [before, before === undefined ? live.headTick : 0]);
  const [selected, setSelected] = useState<string | null>(null);

  const list = blocks.data?.blocks ?? [];
  const lowest = list.length > 0 ? list[list.length - 1]!.header.height : undefined;

  return (
    <section aria-labelledby="chain-title">
      <h2 id="chain-title">Chain explorer</h2>
      <div className="grid-2">
        <div>
          <div className="row-between">
            <h3>Blocks</h3>
            <div className="buttons">
              <button type="button" disabled={before === undefined} onClick={() => setBefore(undefined)}>
                Latest
              </button>
              <button type="button" disabled={lowest === undefined || lowest === 0} onClick={() => setBefore(lowest)}>
                Older
              </button>
            </div>
          </div>
          <ErrorNote error={blocks.error} />
          <div className="table-wrap">
            <table className="clickable">
              <thead>
                <tr>
                  <th scope="col">Height</th>
                  <th scope="col">Hash</th>
                  <th scope="col">Txs</th>
                  <th scope="col">Time</th>
                </tr>
              </thead>
              <tbody>
                {list.map((b) => (
                  <tr
                    key={b.hash}
                    data-testid="block-row"
                    tabIndex={0}
                    aria-selected={selected === b.hash}
                    className={selected === b.hash ? 'selected' : ''}
                    onClick={() => setSelected(b.hash)}
                    onKeyDown={(e: KeyboardEvent) => {
                      if (e.key === 'Enter' || e.key === ' ') {
                        e.preventDefault();
                        setSelected(b.hash);
                      }
                    }}
                  >
                    <td>{b.header.height}</td>
                    <td className="mono">{shortHash(b.hash, 16)}</td>
                    <td>{b.txs.length}</td>
                    <td>{formatTime(b.header.timestampMs)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
        <div>
          {selected === null ? (
            <p className="muted">Select a block (click or Enter) to see its transactions.</p>
          ) : (
            <BlockDetail id={selected} onClose={() => setSelected(null)} />
          )}
        </div>
      </div>
      <div className="grid-2">
        <TxLookupPanel />
        <div>
          <VerifyChainPanel />
          <ReceiptPanel />
        </div>
      </div>
    </section>
  );
}

function BlockDetail({ id, onClose }: { id: string; onClose: () => void }) {
  const block = useAsync<BlockView>(() => api.block(id), [id]);
  const b = block.data;
  return (
    <div className="panel" aria-live="polite" data-testid="block-detail">
      <div className="row-between">
        <h3>Block {b ? `#${b.header.height}` : ''}</h3>
        <button type="button" onClick={onClose} aria-label="Close block detail">
          Close
        </button>
      </div>
      <ErrorNote error={block.error} />
      {b ? (
        <>
          <dl className="kv">
            <dt>Hash</dt>
            <dd className="mono break">{b.hash}</dd>
            <dt>Previous</dt>
            <dd className="mono break">{b.header.prevHash}</dd>
            <dt>Tx root</dt>
            <dd className="mono break">{b.header.txRoot}</dd>
            <dt>State root</dt>
            <dd className="mono break">{b.header.stateRoot}</dd>
            <dt>Time</dt>
            <dd>{formatTime(b.header.timestampMs)}</dd>
            <dt>Miner</dt>
            <dd className="mono break">{b.header.miner}</dd>
            <dt>Bits / nonce</dt>
            <dd className="mono">
              {b.header.bits.toString(16)} / {b.header.nonce}
            </dd>
            <dt>Status</dt>
            <dd>
              {b.canonical === false ? 'not canonical (side branch)' : 'canonical'}
              {b.confirmations ? `, ${b.confirmations} confirmations` : ''}
            </dd>
          </dl>
          <h4>Transactions ({b.txs.length})</h4>
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Kind</th>
                  <th scope="col">Hash</th>
                  <th scope="col">From</th>
                  <th scope="col">Details</th>
                </tr>
              </thead>
              <tbody>
                {b.txs.map((tx) => (
                  <tr key={tx.hash} data-testid="tx-row">
                    <td>
                      <span className="badge">{tx.kind}</span>
                    </td>
                    <td className="mono" title={tx.hash}>
                      {shortHash(tx.hash)}
                    </td>
                    <td className="mono" title={tx.from ?? ''}>
                      {shortHash(tx.from, 12)}
                    </td>
                    <td className="details">
                      {tx.payload
                        ? payloadSummary(tx.payload)
                        : `to ${shortHash(tx.to, 12)} · ${coins(tx.amountMicro)} coins${tx.energyWh ? ` · ${tx.energyWh} Wh` : ''}`}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
    </div>
  );
}

function CheckView({ result, testId }: { result: CheckResult; testId?: string }) {
  return (
    <div
      className={result.valid ? 'result ok' : 'result bad'}
      data-testid={testId}
      data-valid={String(result.valid)}
      role="status"
    >
      <strong>{result.valid ? 'valid' : 'invalid'}</strong>
      {result.valid ? '' : ` — ${result.reason}`}
      {result.checks.length > 0 ? (
        <ul>
          {result.checks.map((c) => (
            <li key={c}>✓ {c}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

function TxLookupPanel() {
  const [hash, setHash] = useState('');
  const [result, setResult] = useState<TxLookup | null>(null);
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const h = hash.trim().toLowerCase();
    setResult(null);
    if (!/^[0-9a-f]{64}$/.test(h)) {
      setError('a transaction hash is 64 hex digits');
      return;
    }
    setBusy(true);
    try {
      setResult(await api.tx(h));
      setError(undefined);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="panel">
      <h3>Transaction lookup</h3>
      <form onSubmit={submit} className="inline-form">
        <label htmlFor="tx-hash">Hash</label>
        <input
          id="tx-hash"
          data-testid="tx-input"
          value={hash}
          onChange={(e) => setHash(e.target.value)}
          placeholder="64 hex digits"
          spellCheck={false}
          autoComplete="off"
        />
        <button type="submit" data-testid="tx-lookup" disabled={busy}>
          Look up
        </button>
      </form>
      <ErrorNote error={error} />
      {result ? (
        <div data-testid="tx-result">
          <div className="cards">
            <Card label="Status" value={result.status} />
            <Card label="Kind" value={result.tx.kind} />
            <Card
              label="Block"
              value={
                result.status === 'confirmed' ? `#${result.blockHeight}` : `expected #${result.expectedHeight ?? '?'}`
              }
            />
            {result.confirmations !== undefined ? <Card label="Confirmations" value={result.confirmations} /> : null}
          </div>
          <dl className="kv">
            <dt>From</dt>
            <dd className="mono break">{result.tx.from ?? '—'}</dd>
            <dt>Nonce / fee</dt>
            <dd>
              {result.tx.nonce} / {coins(result.tx.feeMicro)}
            </dd>
            <dt>Time</dt>
            <dd>{formatTime(result.tx.timestampMs)}</dd>
            <dt>Details</dt>
            <dd className="break">
              {result.tx.payload
                ? payloadSummary(result.tx.payload)
                : `to ${result.tx.to ?? '—'} · ${coins(result.tx.amountMicro)} coins`}
            </dd>
          </dl>
          {result.proof !== undefined ? (
            <>
              <h4>Inclusion proof (checked in this browser)</h4>
              <CheckView result={verifyTxProof(result.proof)} testId="tx-proof-result" />
            </>
          ) : (
            <p className="muted">Pending: no inclusion proof yet.</p>
          )}
        </div>
      ) : null}
    </div>
  );
}

function VerifyChainPanel() {
  const [result, setResult] = useState<{ valid: boolean; message: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async () => {
    setBusy(true);
    try {
      setResult(await api.isValid());
    } catch (err) {
      setResult({ valid: false, message: errorText(err) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="panel">
      <h3>Tamper check</h3>
      <p className="muted">
        The node re-verifies every block's hash links, proof of work and Merkle roots (/is_valid).
      </p>
      <button type="button" data-testid="verify-chain" onClick={run} disabled={busy}>
        {busy ? 'Verifying…' : 'Verify chain'}
      </button>
      <div
        data-testid="verify-result"
        data-valid={result === null ? undefined : String(result.valid)}
        role="status"
        className={result === null ? '' : result.valid ? 'result ok' : 'result bad'}
      >
        {result === null ? null : (
          <>
            <strong>{result.valid ? 'valid' : 'invalid'}</strong> — {result.message}
          </>
        )}
      </div>
    </div>
  );
}

function ReceiptPanel() {
  const [id, setId] = useState('');
  const [result, setResult] = useState<CheckResult | null>(null);
  const [trade, setTrade] = useState<Record<string, unknown> | null>(null);
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setResult(null);
    setTrade(null);
    const tradeId = id.trim();
    if (!/^\d{1,10}-\d{1,10}$/.test(tradeId)) {
      setError('a trade id is "<slot>-<index>", e.g. 12-0 (see the Market view)');
      return;
    }
    setBusy(true);
    try {
      const receipt = await api.receipt(tradeId);
      const t = (receipt as Record<string, unknown>)['trade'];
      setTrade(t !== null && typeof t === 'object' ? (t as Record<string, unknown>) : null);
      setResult(verifyReceipt(receipt));
      setError(undefined);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="panel">
      <h3>Trade receipt</h3>
      <p className="muted">
        Fetches /v1/receipts/:id and checks it here: the header hash, and the Merkle path from the trade's state entry
        to the header's state root.
      </p>
      <form onSubmit={submit} className="inline-form">
        <label htmlFor="receipt-id">Trade id</label>
        <input
          id="receipt-id"
          data-testid="receipt-input"
          value={id}
          onChange={(e) => setId(e.target.value)}
          placeholder="slot-index, e.g. 3-0"
          autoComplete="off"
        />
        <button type="submit" data-testid="receipt-check" disabled={busy}>
          Check receipt
        </button>
      </form>
      <div
        data-testid="receipt-result"
        data-valid={result === null ? (error === undefined ? undefined : 'false') : String(result.valid)}
        role="status"
      >
        {error !== undefined ? <p className="result bad">{error}</p> : null}
        {result !== null ? <CheckView result={result} /> : null}
        {trade !== null && result !== null ? (
          <p className="muted">
            {shortHash(String(trade['seller']), 12)} → {shortHash(String(trade['buyer']), 12)} ·{' '}
            {String(trade['energyWh'])} Wh · {coins(String(trade['amountMicro']))} coins
          </p>
        ) : null}
      </div>
    </div>
  );
}
