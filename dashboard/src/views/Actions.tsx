/**
 * Participant and administrator actions, signed IN THIS BROWSER with the user's own key (@noble Ed25519): the node
 * only ever receives the signed canonical bytes (POST /v1/txs {hex}). Keys: the dev accounts (derived here from
 * their names, like the node's devAccounts) or an imported 64-hex private key kept in this tab's memory and
 * sessionStorage, never sent.
 */
import { type FormEvent, type ReactNode, useEffect, useMemo, useState } from 'react';
import { ApiError, api, type Status } from '../api.js';
import { toHex } from '../bytes.js';
import { TextField } from '../components.js';
import { coins, shortHash } from '../format.js';
import { useAsync, useLive } from '../hooks.js';
import {
  type BrowserKeyPair,
  coinsToMicro,
  createSignedTx,
  DEV_NAMES,
  devKeyPair,
  devMeterKeyPair,
  keyPairFromHex,
  kiloToUnit,
  type MarketKind,
  MECHANISMS,
  type Payloads,
  resolveAddress,
} from '../tx.js';

const IMPORTED = 'imported';
const STORAGE_KEY = 'gridpeer.dashboard.importedKey';

type Outcome =
  | { state: 'idle' }
  | { state: 'busy'; kind: string }
  | { state: 'ok'; kind: string; hash: string; expectedHeight: number }
  | { state: 'error'; kind: string; code: string; message: string; rule?: string; field?: string };

function readStoredKey(): string {
  try {
    return window.sessionStorage.getItem(STORAGE_KEY) ?? '';
  } catch {
    return '';
  }
}

function storeKey(hex: string): void {
  try {
    if (hex === '') window.sessionStorage.removeItem(STORAGE_KEY);
    else window.sessionStorage.setItem(STORAGE_KEY, hex);
  } catch {
    // storage unavailable (private mode): the key stays in memory only
  }
}

export function ActionsView({ status }: { status: Status | undefined }) {
  const live = useLive();
  const [keyName, setKeyName] = useState<string>(() => (readStoredKey() !== '' ? IMPORTED : 'Admin'));
  const [importHex, setImportHex] = useState<string>(readStoredKey);
  const [outcome, setOutcome] = useState<Outcome>({ state: 'idle' });

  const imported = useMemo<{ key: BrowserKeyPair | null; error: string | null }>(() => {
    const hex = importHex.trim();
    if (hex === '') return { key: null, error: null };
    try {
      return { key: keyPairFromHex(hex), error: null };
    } catch (error) {
      return { key: null, error: error instanceof Error ? error.message : String(error) };
    }
  }, [importHex]);

  useEffect(() => storeKey(imported.key ? importHex.trim() : ''), [imported.key, importHex]);

  const key: BrowserKeyPair | null = useMemo(() => {
    if (keyName === IMPORTED) return imported.key;
    return (DEV_NAMES as readonly string[]).includes(keyName) ? devKeyPair(keyName) : null;
  }, [keyName, imported.key]);

  const account = useAsync(
    () => (key === null ? Promise.resolve(null) : api.account(key.address)),
    [key?.address, live.headTick, outcome.state === 'ok' ? outcome.hash : ''],
  );
  const market = useAsync(() => api.market(), [live.headTick]);

  /** Signs `kind` with the selected key here and submits the bytes. */
  const submit = async <K extends MarketKind>(kind: K, build: () => Payloads[K]) => {
    if (key === null) {
      setOutcome({ state: 'error', kind, code: 'NO_KEY', message: 'choose a dev account or import a valid key first' });
      return;
    }
    setOutcome({ state: 'busy', kind });
    try {
      const payload = build();
      const [node, acct] = await Promise.all([
        status ? Promise.resolve(status) : api.status(),
        api.account(key.address),
      ]);
      const tx = createSignedTx(
        kind,
        payload,
        { chainId: node.chainId, nonce: acct.nextNonce, timestampMs: Date.now() },
        key,
      );
      const result = await api.submitTx(tx.hex);
      setOutcome({ state: 'ok', kind, hash: result.hash, expectedHeight: result.expectedHeight });
    } catch (error) {
      if (error instanceof ApiError) {
        const rule = typeof error.details['rule'] === 'string' ? error.details['rule'] : undefined;
        const field = typeof error.details['field'] === 'string' ? error.details['field'] : undefined;
        setOutcome({
          state: 'error',
          kind,
          code: error.code,
          message: error.message,
          ...(rule === undefined ? {} : { rule }),
          ...(field === undefined ? {} : { field }),
        });
      } else {
        setOutcome({
          state: 'error',
          kind,
          code: 'INVALID_INPUT',
          message: error instanceof Error ? error.message : String(error),
        });
      }
    }
  };

  const busy = outcome.state === 'busy';
  const config = market.data?.config ?? null;
  const nextSlot = market.data?.upcoming[0]?.slot;

  return (
    <section aria-labelledby="actions-title">
      <h2 id="actions-title">Actions</h2>
      <div className="panel">
        <h3>Signing key</h3>
        <p className="muted">
          Transactions are signed in this browser; the node only receives the signed bytes. Dev accounts derive their
          keys from public names: use them on dev networks only
          {status && status.dev === false ? ' (this is not a dev network)' : ''}.
        </p>
        <div className="form-grid">
          <label htmlFor="key-select">Key</label>
          <select id="key-select" data-testid="key-select" value={keyName} onChange={(e) => setKeyName(e.target.value)}>
            {DEV_NAMES.map((name) => (
              <option key={name} value={name}>
                {name} (dev)
              </option>
            ))}
            <option value={IMPORTED}>imported key</option>
          </select>
          <label htmlFor="key-import">Import private key</label>
          <input
            id="key-import"
            data-testid="key-import"
            type="password"
            autoComplete="off"
            spellCheck={false}
            placeholder="64 hex digits from a gridpeer keys new file"
            value={importHex}
            onChange={(e) => {
              setImportHex(e.target.value);
              if (e.target.value.trim() !== '') setKeyName(IMPORTED);
            }}
          />
        </div>
        {imported.error ? <p className="error">{imported.error}</p> : null}
        <dl className="kv">
          <dt>Address</dt>
          <dd className="mono break" data-testid="key-address">
            {key?.address ?? '—'}
          </dd>
          <dt>Balance</dt>
          <dd>{account.data ? `${coins(account.data.balanceMicro)} coins` : '—'}</dd>
          <dt>Next nonce</dt>
          <dd>{account.data?.nextNonce ?? '—'}</dd>
        </dl>
      </div>

      <ActionResult outcome={outcome} />

      <div className="grid-2">
        <RegisterForm keyName={keyName} signer={key} busy={busy} submit={submit} />
        <AdminForm busy={busy} submit={submit} />
        <MarketForm busy={busy} submit={submit} open={config?.open === true} />
        <OrderForm busy={busy} submit={submit} defaultSlot={nextSlot} />
        <CancelForm busy={busy} submit={submit} />
      </div>
    </section>
  );
}

type Submit = <K extends MarketKind>(kind: K, build: () => Payloads[K]) => Promise<void>;

function ActionResult({ outcome }: { outcome: Outcome }) {
  let body: ReactNode = <span className="muted">Sign and submit an action; its result shows here.</span>;
  if (outcome.state === 'busy') body = <span>Signing and submitting {outcome.kind}…</span>;
  if (outcome.state === 'ok') {
    body = (
      <span>
        ✓ {outcome.kind} accepted:{' '}
        <span className="mono break" data-testid="action-hash">
          {outcome.hash}
        </span>{' '}
        — expected in block #{outcome.expectedHeight}
      </span>
    );
  }
  if (outcome.state === 'error') {
    body = (
      <span>
        ✗ {outcome.kind} failed: <strong data-testid="action-error-code">{outcome.code}</strong> — {outcome.message}
        {outcome.rule ? ` (rule ${outcome.rule})` : ''}
        {outcome.field ? ` [field ${outcome.field}]` : ''}
      </span>
    );
  }
  return (
    <div
      className={`result sticky ${outcome.state === 'ok' ? 'ok' : outcome.state === 'error' ? 'bad' : ''}`}
      data-testid="action-result"
      data-state={outcome.state}
      role="status"
      aria-live="polite"
    >
      {body}
    </div>
  );
}

function prevent(handler: () => void) {
  return (event: FormEvent) => {
    event.preventDefault();
    handler();
  };
}

function RegisterForm({
  keyName,
  signer,
  busy,
  submit,
}: {
  keyName: string;
  signer: BrowserKeyPair | null;
  busy: boolean;
  submit: Submit;
}) {
  const [role, setRole] = useState<'prosumer' | 'consumer'>('prosumer');
  const defaultMeter = useMemo(() => {
    if ((DEV_NAMES as readonly string[]).includes(keyName)) return toHex(devMeterKeyPair(keyName).publicKey);
    return signer ? toHex(signer.publicKey) : '';
  }, [keyName, signer]);
  const [meter, setMeter] = useState('');
  const [pvKw, setPvKw] = useState('5');
  const [batteryKwh, setBatteryKwh] = useState('0');
  const [location, setLocation] = useState('feeder-1');
  return (
    <form
      className="panel"
      onSubmit={prevent(() =>
        submit('register', () => ({
          role,
          meterPublicKey: fromHexStrict(meter.trim() === '' ? defaultMeter : meter.trim(), 'meter public key'),
          pvW: kiloToUnit(pvKw, 'PV kW'),
          batteryWh: kiloToUnit(batteryKwh, 'battery kWh'),
          location,
        })),
      )}
    >
      <h3>Register a household</h3>
      <div className="form-grid">
        <label htmlFor="reg-role">Role</label>
        <select
          id="reg-role"
          data-testid="action-register-role"
          value={role}
          onChange={(e) => {
            const next = e.target.value === 'consumer' ? 'consumer' : 'prosumer';
            setRole(next);
            // A consumer has no PV by default; a prosumer starts from 5 kW.
            setPvKw(next === 'consumer' ? '0' : '5');
          }}
        >
          <option value="prosumer">prosumer</option>
          <option value="consumer">consumer</option>
        </select>
        <TextField
          id="reg-meter"
          label="Meter public key"
          testId="action-register-meter"
          value={meter}
          placeholder={defaultMeter === '' ? '64 hex digits' : `default ${shortHash(defaultMeter, 16)}`}
          spellCheck={false}
          autoComplete="off"
          onValue={setMeter}
        />
        <TextField
          id="reg-pv"
          label="PV (kW)"
          testId="action-register-pv"
          inputMode="decimal"
          value={pvKw}
          onValue={setPvKw}
        />
        <TextField
          id="reg-battery"
          label="Battery (kWh)"
          testId="action-register-battery"
          inputMode="decimal"
          value={batteryKwh}
          onValue={setBatteryKwh}
        />
        <TextField
          id="reg-location"
          label="Location"
          testId="action-register-location"
          value={location}
          onValue={setLocation}
        />
      </div>
      <button type="submit" data-testid="action-register-submit" disabled={busy}>
        Sign &amp; register
      </button>
    </form>
  );
}

function fromHexStrict(hex: string, field: string): Uint8Array {
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) throw new Error(`${field} must be 64 hex digits (32 bytes)`);
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

function AdminForm({ busy, submit }: { busy: boolean; submit: Submit }) {
  const [address, setAddress] = useState('');
  const [reason, setReason] = useState('');
  const pending = useAsync(() => api.participants(), [busy]);
  const candidates = (pending.data?.participants ?? []).filter((p) => p.status === 'pending');
  return (
    <form
      className="panel"
      onSubmit={prevent(() => submit('approve', () => ({ participant: resolveAddress(address, 'participant') })))}
    >
      <h3>Approve or reject (administrator)</h3>
      <div className="form-grid">
        <label htmlFor="approve-address">Participant</label>
        <input
          id="approve-address"
          data-testid="action-approve-address"
          list="pending-participants"
          value={address}
          placeholder="gp… address or dev name"
          onChange={(e) => setAddress(e.target.value)}
          spellCheck={false}
          autoComplete="off"
        />
        <TextField
          id="reject-reason"
          label="Reason (reject)"
          testId="action-reject-reason"
          value={reason}
          onValue={setReason}
        />
      </div>
      <datalist id="pending-participants">
        {candidates.map((p) => (
          <option key={p.address} value={p.address}>
            {p.role} · {p.location}
          </option>
        ))}
      </datalist>
      {candidates.length > 0 ? <p className="muted">{candidates.length} registration(s) pending.</p> : null}
      <div className="buttons">
        <button type="submit" data-testid="action-approve-submit" disabled={busy}>
          Sign &amp; approve
        </button>
        <button
          type="button"
          data-testid="action-reject-submit"
          disabled={busy}
          onClick={() => submit('reject', () => ({ participant: resolveAddress(address, 'participant'), reason }))}
        >
          Sign &amp; reject
        </button>
      </div>
    </form>
  );
}

function MarketForm({ busy, submit, open }: { busy: boolean; submit: Submit; open: boolean }) {
  const [start, setStart] = useState('+1');
  const [slotMinutes, setSlotMinutes] = useState('15');
  const [gateSeconds, setGateSeconds] = useState('60');
  const [maxAhead, setMaxAhead] = useState('96');
  const [mechanism, setMechanism] = useState<string>('uniform-auction');
  const [params, setParams] = useState('{}');
  const [grid, setGrid] = useState('Grid');
  const [importPrice, setImportPrice] = useState('0.30');
  const [exportPrice, setExportPrice] = useState('0.10');
  const [penalty, setPenalty] = useState('0.05');

  const build = (): Payloads['market'] => {
    const minutes = Number(slotMinutes);
    if (!Number.isInteger(minutes) || minutes < 1) throw new Error('slot minutes must be a whole number ≥ 1');
    const slotMs = minutes * 60_000;
    let startMs: number;
    const text = start.trim();
    if (/^\+\d+$/.test(text)) startMs = (Math.floor(Date.now() / slotMs) + Number(text.slice(1))) * slotMs;
    else if (/^\d+$/.test(text)) startMs = Number(text);
    else {
      startMs = Date.parse(text);
      if (!Number.isFinite(startMs))
        throw new Error('start must be +N (slots from now), ms since 1970, or an ISO time');
    }
    const gate = Number(gateSeconds);
    if (!Number.isInteger(gate) || gate < 0) throw new Error('gate seconds must be a whole number ≥ 0');
    const ahead = Number(maxAhead);
    if (!Number.isInteger(ahead) || ahead < 1) throw new Error('max slots ahead must be a whole number ≥ 1');
    let paramsJson: string;
    try {
      const parsed: unknown = JSON.parse(params.trim() === '' ? '{}' : params);
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
      paramsJson = JSON.stringify(parsed);
    } catch {
      throw new Error('params must be a JSON object such as {"k":0.5}');
    }
    return {
      action: 'open',
      startMs,
      slotDurationMs: slotMs,
      gateClosureLeadMs: gate * 1000,
      maxSlotsAhead: ahead,
      mechanism,
      paramsJson,
      gridAccount: resolveAddress(grid, 'grid account'),
      gridPrices: [
        {
          importMicroPerKwh: coinsToMicro(importPrice, 'import price'),
          exportMicroPerKwh: coinsToMicro(exportPrice, 'export price'),
        },
      ],
      shortfallPenaltyMicroPerKwh: coinsToMicro(penalty, 'penalty'),
    };
  };

  return (
    <form className="panel" onSubmit={prevent(() => submit('market', build))}>
      <h3>Open or close the market (administrator)</h3>
      <p className="muted">The market is {open ? 'open' : 'not open'}.</p>
      <div className="form-grid">
        <TextField
          id="mk-start"
          label="Start"
          testId="action-market-start"
          value={start}
          placeholder="+N slots, ms or ISO time"
          onValue={setStart}
        />
        <TextField
          id="mk-slot"
          label="Slot (minutes)"
          testId="action-market-slot-minutes"
          inputMode="numeric"
          value={slotMinutes}
          onValue={setSlotMinutes}
        />
        <TextField
          id="mk-gate"
          label="Gate closure (s before)"
          testId="action-market-gate-seconds"
          inputMode="numeric"
          value={gateSeconds}
          onValue={setGateSeconds}
        />
        <label htmlFor="mk-ahead">Max slots ahead</label>
        <input id="mk-ahead" inputMode="numeric" value={maxAhead} onChange={(e) => setMaxAhead(e.target.value)} />
        <label htmlFor="mk-mechanism">Mechanism</label>
        <select
          id="mk-mechanism"
          data-testid="action-market-mechanism"
          value={mechanism}
          onChange={(e) => setMechanism(e.target.value)}
        >
          {MECHANISMS.map((m) => (
            <option key={m} value={m}>
              {m}
            </option>
          ))}
        </select>
        <TextField
          id="mk-params"
          label="Params (JSON)"
          testId="action-market-params"
          value={params}
          spellCheck={false}
          onValue={setParams}
        />
        <TextField
          id="mk-grid"
          label="Grid account"
          testId="action-market-grid"
          value={grid}
          placeholder="gp… or dev name"
          onValue={setGrid}
        />
        <TextField
          id="mk-import"
          label="Import price (coins/kWh)"
          testId="action-market-import-price"
          inputMode="decimal"
          value={importPrice}
          onValue={setImportPrice}
        />
        <TextField
          id="mk-export"
          label="Export price (coins/kWh)"
          testId="action-market-export-price"
          inputMode="decimal"
          value={exportPrice}
          onValue={setExportPrice}
        />
        <TextField
          id="mk-penalty"
          label="Shortfall penalty (coins/kWh)"
          testId="action-market-penalty"
          inputMode="decimal"
          value={penalty}
          onValue={setPenalty}
        />
      </div>
      <div className="buttons">
        <button type="submit" data-testid="action-market-open-submit" disabled={busy}>
          Sign &amp; open market
        </button>
        <button
          type="button"
          data-testid="action-market-close-submit"
          disabled={busy}
          onClick={() => submit('market', () => ({ action: 'close' }))}
        >
          Sign &amp; close market
        </button>
      </div>
    </form>
  );
}

function OrderForm({ busy, submit, defaultSlot }: { busy: boolean; submit: Submit; defaultSlot: number | undefined }) {
  const [side, setSide] = useState<'offer' | 'bid'>('offer');
  const [slot, setSlot] = useState('');
  const [wh, setWh] = useState('1000');
  const [price, setPrice] = useState('');
  const build = (): Payloads['offer'] => {
    const slotText = slot.trim() === '' && defaultSlot !== undefined ? String(defaultSlot) : slot.trim();
    if (!/^\d+$/.test(slotText)) throw new Error('slot must be a slot number (see the Market view)');
    if (!/^\d+$/.test(wh.trim()) || Number(wh) < 1) throw new Error('energy must be a whole number of Wh ≥ 1');
    const base = { slot: Number(slotText), energyWh: Number(wh.trim()) };
    return price.trim() === '' ? base : { ...base, limitPriceMicroPerKwh: coinsToMicro(price, 'price') };
  };
  return (
    <form className="panel" onSubmit={prevent(() => submit(side, build))}>
      <h3>Place an offer or bid</h3>
      <div className="form-grid">
        <label htmlFor="ord-side">Side</label>
        <select
          id="ord-side"
          data-testid="action-order-side"
          value={side}
          onChange={(e) => setSide(e.target.value === 'bid' ? 'bid' : 'offer')}
        >
          <option value="offer">offer (sell)</option>
          <option value="bid">bid (buy)</option>
        </select>
        <TextField
          id="ord-slot"
          label="Slot"
          testId="action-order-slot"
          inputMode="numeric"
          value={slot}
          placeholder={defaultSlot === undefined ? 'slot number' : `next: ${defaultSlot}`}
          onValue={setSlot}
        />
        <TextField
          id="ord-wh"
          label="Energy (Wh)"
          testId="action-order-wh"
          inputMode="numeric"
          value={wh}
          onValue={setWh}
        />
        <TextField
          id="ord-price"
          label="Limit price (coins/kWh)"
          testId="action-order-price"
          inputMode="decimal"
          value={price}
          placeholder="optional: grid price"
          onValue={setPrice}
        />
      </div>
      <button type="submit" data-testid="action-order-submit" disabled={busy}>
        Sign &amp; place {side}
      </button>
    </form>
  );
}

function CancelForm({ busy, submit }: { busy: boolean; submit: Submit }) {
  const [id, setId] = useState('');
  return (
    <form
      className="panel"
      onSubmit={prevent(() =>
        submit('cancel', () => ({ orderTxHash: fromHexStrict(id.trim().toLowerCase(), 'order id') })),
      )}
    >
      <h3>Cancel an order</h3>
      <div className="form-grid">
        <TextField
          id="cancel-id"
          label="Order id"
          testId="action-cancel-id"
          value={id}
          placeholder="hash of the offer or bid (64 hex)"
          spellCheck={false}
          autoComplete="off"
          onValue={setId}
        />
      </div>
      <button type="submit" data-testid="action-cancel-submit" disabled={busy}>
        Sign &amp; cancel
      </button>
    </form>
  );
}
