/**
 * A small harness for the market contract: fixed keys, transactions built as plain objects (signatures are the
 * ledger's business), and a "chain" of one overlay over an empty state where each transaction runs in a child
 * overlay merged only on success — what the ledger's applyTx does around the contract.
 */

import { createMarketContract, MARKET_ADMIN_KEY } from '../../../src/contract/index.js';
import { encodeAddress } from '../../../src/contract/records.js';
import { type Address, type KeyPair, keyPairFromPrivateKey, sha256 } from '../../../src/crypto/index.js';
import type { ValidationResult } from '../../../src/errors/result.js';
import type { StateContract } from '../../../src/ledger/contract.js';
import type { GridPrice, MarketOpenPayload } from '../../../src/ledger/marketTx.js';
import { LedgerState, StateOverlay } from '../../../src/ledger/state.js';
import type { MarketPayloads, MarketTransaction, MarketTxKind } from '../../../src/ledger/tx.js';

export const T0 = 1_700_000_000_000;
export const HOUR_MS = 3_600_000;
export const SLOT_MS = 900_000;
export const LEAD_MS = 300_000;
/** Slot 0 starts an hour after T0; its gate closes 5 minutes before. */
export const START_MS = T0 + HOUR_MS;
export const gateOf = (slot: number): number => START_MS + slot * SLOT_MS - LEAD_MS;

export const LAMBDA_B = 300_000n;
export const LAMBDA_S = 100_000n;

const keys = new Map<number, KeyPair>();
export function key(byte: number): KeyPair {
  let pair = keys.get(byte);
  if (!pair) {
    pair = keyPairFromPrivateKey(new Uint8Array(32).fill(byte));
    keys.set(byte, pair);
  }
  return pair;
}

export const admin = key(1);
export const prosumer1 = key(11);
export const prosumer2 = key(12);
export const consumer1 = key(21);
export const consumer2 = key(22);
export const outsider = key(30);
/** Meter key of the participant whose key byte is `byte`. */
export const meterOf = (byte: number): KeyPair => key(100 + byte);

export function marketTx<K extends MarketTxKind>(
  kind: K,
  sender: { readonly publicKey: Uint8Array },
  payload: MarketPayloads[K],
  timestampMs = T0,
): MarketTransaction {
  return {
    kind,
    version: 1,
    chainId: 1337,
    senderPublicKey: sender.publicKey,
    nonce: 0,
    feeMicro: 0n,
    timestampMs,
    signature: new Uint8Array(64),
    payload,
  } as MarketTransaction;
}

export function openPayload(overrides: Partial<MarketOpenPayload> = {}): MarketOpenPayload {
  return {
    action: 'open',
    startMs: START_MS,
    slotDurationMs: SLOT_MS,
    gateClosureLeadMs: LEAD_MS,
    maxSlotsAhead: 8,
    mechanism: 'uniform-auction',
    paramsJson: '{"k":0.5}',
    gridAccount: key(99).address,
    gridPrices: [{ importMicroPerKwh: LAMBDA_B, exportMicroPerKwh: LAMBDA_S }] as GridPrice[],
    shortfallPenaltyMicroPerKwh: 50_000n,
    ...overrides,
  };
}

export class Market {
  readonly contract: StateContract = createMarketContract();
  readonly overlay: StateOverlay;
  height = 1;
  timestampMs = T0;
  private txCounter = 0;
  /** Hash of the last applied transaction (an order's id). */
  lastTxHash = new Uint8Array(32);
  readonly addresses = new Set<Address>();

  constructor(options: { admin?: KeyPair | null; base?: LedgerState } = {}) {
    this.overlay = new StateOverlay(options.base ?? LedgerState.empty());
    const adminKey = options.admin === undefined ? admin : options.admin;
    if (adminKey !== null) this.overlay.set(MARKET_ADMIN_KEY, encodeAddress(adminKey.address));
  }

  fund(address: Address, balanceMicro: bigint): void {
    this.overlay.setAccount(address, { balanceMicro, nonce: 0 });
    this.addresses.add(address);
  }

  balance(address: Address): bigint {
    return this.overlay.account(address).balanceMicro;
  }

  /** Σ balances of every funded address + what the contract holds. */
  total(): bigint {
    let sum = this.contract.heldMicro(this.overlay);
    for (const address of this.addresses) sum += this.balance(address);
    return sum;
  }

  send<K extends MarketTxKind>(kind: K, sender: KeyPair, payload: MarketPayloads[K]): ValidationResult {
    return this.sendFrom(kind, sender.publicKey, sender.address, payload);
  }

  /** Like {@link send} with an explicit sender (for meters, whose key is not a KeyPair of a participant). */
  sendFrom<K extends MarketTxKind>(
    kind: K,
    senderPublicKey: Uint8Array,
    sender: Address,
    payload: MarketPayloads[K],
  ): ValidationResult {
    const tx = marketTx(kind, { publicKey: senderPublicKey }, payload, this.timestampMs);
    const txHash = new Uint8Array(sha256(Buffer.from(`tx-${this.txCounter++}`)));
    const child = this.overlay.child();
    const check = this.contract.checkTx(tx);
    if (!check.ok) return check;
    const result = this.contract.applyTx(child, tx, {
      height: this.height,
      timestampMs: this.timestampMs,
      txHash,
      sender,
    });
    if (result.ok) {
      child.mergeInto(this.overlay);
      this.lastTxHash = txHash;
    }
    return result;
  }

  /** A new block at `timestampMs`: gate closure runs first. */
  block(timestampMs: number): ValidationResult {
    this.height++;
    this.timestampMs = timestampMs;
    return this.contract.beginBlock(this.overlay, { height: this.height, timestampMs });
  }

  state(): LedgerState {
    return LedgerState.empty().apply(this.overlay.changes());
  }
}

/** Registers `who` with its meter key and has the admin approve it. */
export function join(market: Market, who: KeyPair, byte: number, role: 'prosumer' | 'consumer'): void {
  const registered = market.send('register', who, {
    role,
    meterPublicKey: meterOf(byte).publicKey,
    pvW: role === 'prosumer' ? 5000 : 0,
    batteryWh: 0,
    location: 'feeder-1',
  });
  if (!registered.ok) throw new Error(`register: ${registered.code} ${registered.reason}`);
  const approved = market.send('approve', admin, { participant: who.address });
  if (!approved.ok) throw new Error(`approve: ${approved.code} ${approved.reason}`);
}

/** A market with admin, two prosumers, two consumers (approved, funded 10 coins each) and an open schedule. */
export function communityMarket(open: Partial<MarketOpenPayload> = {}): Market {
  const market = new Market();
  for (const who of [admin, prosumer1, prosumer2, consumer1, consumer2, outsider])
    market.fund(who.address, 10_000_000n);
  join(market, prosumer1, 11, 'prosumer');
  join(market, prosumer2, 12, 'prosumer');
  join(market, consumer1, 21, 'consumer');
  join(market, consumer2, 22, 'consumer');
  const opened = market.send('market', admin, openPayload(open));
  if (!opened.ok) throw new Error(`open: ${opened.code} ${opened.reason}`);
  return market;
}
