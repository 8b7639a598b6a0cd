/**
 * @module contract/records
 * Canonical bytes of every record the market contract keeps in the state (DESIGN.md §4 "canonical encoding": the
 * state root hashes these bytes, so every node must write exactly the same ones). Fixed field order, big-endian
 * integers (`ledger/codec`), and strict decoding: an enum byte, flag or sign outside its values, or a trailing
 * byte, fails with a coded error. Money is bigint µcoin, energy integer Wh, addresses `gp…` strings.
 *
 * Layouts (`str8` = u8 length + UTF-8; `opt64` = u8 flag, then u64 only when the flag is 1; `i64` = u8 sign
 * (0 ≥ 0, 1 < 0) + u64 magnitude, a negative zero is not canonical):
 * ```
 * participant  role u8 | meterPublicKey [32] | pvW u32 | batteryWh u32 | location str8 | status u8
 *              | registeredHeight u64 | statusHeight u64 | rejectReason str8 | committedExportWh u64
 *              | deliveredWh u64 | shortfallWh u64 | committedImportWh u64 | consumedWh u64 | meteredSlots u64
 *              | shortfallSlots u64 | ratingSum u64 | ratingCount u64
 * config       open u8 | firstSlot u32 | lastSlot opt64 | startMs u64 | slotDurationMs u32 | gateClosureLeadMs u32
 *              | maxSlotsAhead u32 | mechanism str8 | paramsJson (u16 + UTF-8) | gridAccount [20]
 *              | priceCount u16 | priceCount × (import u64, export u64) | shortfallPenaltyMicroPerKwh u64
 * slot         orderCount u32 | status u8; cleared adds: clearedHeight u64 | clearedAtMs u64 | slotStartMs u64
 *              | slotDurationMs u32 | mechanism str8
 *              | fallbackReason str8 | clearingPrice opt64 | buyPrice opt64 | sellPrice opt64 | tradeCount u32
 *              | participantCount u32 | tradedWh u64 | peerEnergyWh u64 | gridImportWh u64 | gridExportWh u64
 *              | curtailedWh u64 | gridImportCostMicro u64 | gridExportRevenueMicro u64 | operatorMicro i64
 *              | unpaidMicro u64 | gridImportPrice u64 | gridExportPrice u64 | shortfallPenalty u64
 * order        txHash [32] | participant [20] | side u8 | energyWh u32 | limitPrice opt64 | lockedMicro u64
 *              | sequence u64 | status u8
 * order id     slot u32 | index u32
 * trade        slot u32 | index u32 | seller [20] | buyer [20] | offerTxHash [32] | bidTxHash [32] | energyWh u64
 *              | priceMicroPerKwh u64 | amountMicro u64 | sellerAmountMicro u64 | settledHeight u64
 * settlement   importWh u64 | exportWh u64 | peerImportWh u64 | peerExportWh u64 | netPaymentMicro i64
 *              | gridOnlyPaymentMicro i64 | lockedMicro u64 | unpaidMicro u64 | metered u8 | deliveredWh u64
 *              | consumedWh u64 | shortfallWh u64 | shortfallCostMicro u64 | penaltyMicro u64
 * rating       stars u8
 * amounts      escrow, escrowTotal, nextSlot, seq, topSlot: u64; grid, operator: i64; admin: [20]
 * ```
 */
import { ADDRESS_BYTES, type Address, addressFromBytes, addressToBytes, HASH_BYTES } from '../crypto/index.js';
import { GridPeerError } from '../errors/index.js';
import { Reader, Writer } from '../ledger/codec.js';
import {
  type GridPrice,
  type MarketOpenPayload,
  PARTICIPANT_ROLE_CODES,
  type ParticipantRole,
} from '../ledger/marketTx.js';
import type { Settlement } from '../market/types.js';

export type ParticipantStatus = 'pending' | 'approved' | 'rejected';
export type OrderStatus = 'open' | 'cancelled' | 'cleared';
export type SlotStatus = 'open' | 'cleared';
export type OrderSideName = 'offer' | 'bid';

/** What a participant committed and delivered over time (seed 001 §4.8), and what peers said of it. */
export interface ParticipantHistory {
  /** Σ peer exports the clearing committed it to (Wh). */
  readonly committedExportWh: number;
  /** Σ metered deliveries (Wh). */
  readonly deliveredWh: number;
  /** Σ committed exports it did not deliver (Wh). */
  readonly shortfallWh: number;
  /** Σ peer imports the clearing committed it to (Wh). */
  readonly committedImportWh: number;
  /** Σ metered consumption (Wh). */
  readonly consumedWh: number;
  readonly meteredSlots: number;
  readonly shortfallSlots: number;
  readonly ratingSum: number;
  readonly ratingCount: number;
}

export const EMPTY_HISTORY: ParticipantHistory = Object.freeze({
  committedExportWh: 0,
  deliveredWh: 0,
  shortfallWh: 0,
  committedImportWh: 0,
  consumedWh: 0,
  meteredSlots: 0,
  shortfallSlots: 0,
  ratingSum: 0,
  ratingCount: 0,
});

export interface ParticipantRecord {
  readonly role: ParticipantRole;
  readonly meterPublicKey: Uint8Array;
  readonly pvW: number;
  readonly batteryWh: number;
  readonly location: string;
  readonly status: ParticipantStatus;
  readonly registeredHeight: number;
  /** Height of the last approval or rejection (the registration's height while pending). */
  readonly statusHeight: number;
  /** Empty unless rejected. */
  readonly rejectReason: string;
  readonly history: ParticipantHistory;
}

/** The market schedule: the `market` open payload (ledger/marketTx.ts) plus where it stands. */
export interface MarketConfig extends Omit<MarketOpenPayload, 'action'> {
  readonly open: boolean;
  readonly firstSlot: number;
  /** The last slot of the schedule once the market is closed; null while it is open. */
  readonly lastSlot: number | null;
}

/** The outcome of a slot's clearing (the `ClearingResult` summary plus how it was settled on chain). */
export interface SlotClearing {
  readonly clearedHeight: number;
  /** Timestamp of the block that cleared it. */
  readonly clearedAtMs: number;
  /** The slot's start and length under the schedule it cleared in (a later schedule may number slots anew). */
  readonly slotStartMs: number;
  readonly slotDurationMs: number;
  /** The mechanism that produced the result (`grid-only` after a fallback). */
  readonly mechanism: string;
  /** Why the configured mechanism was replaced by grid-only; empty when it was not. */
  readonly fallbackReason: string;
  readonly clearingPriceMicroPerKwh: bigint | null;
  readonly buyPriceMicroPerKwh: bigint | null;
  readonly sellPriceMicroPerKwh: bigint | null;
  readonly tradeCount: number;
  readonly participantCount: number;
  /** Σ energy of the bilateral trades (Wh). */
  readonly tradedWh: number;
  /** Σ peer imports of the settlements (Wh): equals tradedWh for auctions, the pool's exchange for pools. */
  readonly peerEnergyWh: number;
  readonly gridImportWh: number;
  readonly gridExportWh: number;
  readonly curtailedWh: number;
  readonly gridImportCostMicro: bigint;
  readonly gridExportRevenueMicro: bigint;
  /** Signed: the budget identity's residual. */
  readonly operatorMicro: bigint;
  /** What participants owed beyond their escrow and balance (borne by the grid position). */
  readonly unpaidMicro: bigint;
  readonly gridImportPriceMicroPerKwh: bigint;
  readonly gridExportPriceMicroPerKwh: bigint;
  /** The schedule's penalty when the slot cleared: meter readings of the slot are charged at it (K10). */
  readonly shortfallPenaltyMicroPerKwh: bigint;
}

export interface SlotRecord {
  readonly orderCount: number;
  readonly status: SlotStatus;
  /** Null while open. */
  readonly clearing: SlotClearing | null;
}

export interface OrderRecord {
  readonly txHash: Uint8Array;
  readonly participant: Address;
  readonly side: OrderSideName;
  readonly energyWh: number;
  readonly limitPriceMicroPerKwh: bigint | null;
  /** µcoin moved from the balance into escrow when the order was placed (0 for an offer). */
  readonly lockedMicro: bigint;
  readonly sequence: number;
  readonly status: OrderStatus;
}

export interface OrderLocation {
  readonly slot: number;
  readonly index: number;
}

export interface TradeRecord {
  readonly slot: number;
  readonly index: number;
  readonly seller: Address;
  readonly buyer: Address;
  readonly offerTxHash: Uint8Array;
  readonly bidTxHash: Uint8Array;
  readonly energyWh: number;
  readonly priceMicroPerKwh: bigint;
  /** What the buyer pays. */
  readonly amountMicro: bigint;
  /** What the seller receives (less than amountMicro where the operator keeps a spread). */
  readonly sellerAmountMicro: bigint;
  readonly settledHeight: number;
}

/** A participant's settlement of a slot as the market computed it (`market/types` Settlement), plus the ledger's side. */
export interface SettlementRecord extends Omit<Settlement, 'participant'> {
  /** Escrow of the slot's bids released at clearing. */
  readonly lockedMicro: bigint;
  /** Owed and not paid, at clearing and at metering (the balance was short; borne by the grid position). */
  readonly unpaidMicro: bigint;
  readonly metered: boolean;
  readonly deliveredWh: number;
  readonly consumedWh: number;
  /** Committed peer export not delivered (K10). */
  readonly shortfallWh: number;
  /** shortfallWh at the slot's grid import price: the grid replaced the missing energy. */
  readonly shortfallCostMicro: bigint;
  /** shortfallWh at the schedule's shortfall penalty, kept by the operator. */
  readonly penaltyMicro: bigint;
}

export const EMPTY_SETTLEMENT: SettlementRecord = Object.freeze({
  importWh: 0,
  exportWh: 0,
  peerImportWh: 0,
  peerExportWh: 0,
  netPaymentMicro: 0n,
  gridOnlyPaymentMicro: 0n,
  lockedMicro: 0n,
  unpaidMicro: 0n,
  metered: false,
  deliveredWh: 0,
  consumedWh: 0,
  shortfallWh: 0,
  shortfallCostMicro: 0n,
  penaltyMicro: 0n,
});

// ── primitives ────────────────────────────────────────────────────────────────────────────────────────────────

const MAX_U64 = 2n ** 64n - 1n;

function badValue(what: string, field: string, value: unknown): GridPeerError {
  return new GridPeerError('CODEC_BAD_VALUE', `${what}: ${field} has no meaning for value ${String(value)}`, {
    field,
    value: String(value),
  });
}

function writeStr8(w: Writer, text: string): Writer {
  return w.bytes8(Buffer.from(text, 'utf8'));
}

function readStr8(r: Reader, field: string): string {
  return Buffer.from(r.bytes8(field)).toString('utf8');
}

function writeOpt64(w: Writer, value: bigint | null): Writer {
  return value === null ? w.u8(0) : w.u8(1).u64(value);
}

function readOpt64(r: Reader, what: string, field: string): bigint | null {
  const flag = r.u8(field);
  if (flag === 0) return null;
  if (flag !== 1) throw badValue(what, field, flag);
  return r.u64(field);
}

function writeI64(w: Writer, value: bigint): Writer {
  const magnitude = value < 0n ? -value : value;
  if (magnitude > MAX_U64) {
    throw new GridPeerError('CODEC_OUT_OF_RANGE', 'signed amount outside ±(2^64−1)', { value: value.toString() });
  }
  return w.u8(value < 0n ? 1 : 0).u64(magnitude);
}

function readI64(r: Reader, what: string, field: string): bigint {
  const sign = r.u8(field);
  const magnitude = r.u64(field);
  if (sign === 0) return magnitude;
  if (sign !== 1 || magnitude === 0n) throw badValue(what, field, `sign ${sign}`);
  return -magnitude;
}

function readBool(r: Reader, what: string, field: string): boolean {
  const flag = r.u8(field);
  if (flag > 1) throw badValue(what, field, flag);
  return flag === 1;
}

function writeAddress(w: Writer, address: Address, field: string): Writer {
  return w.fixed(addressToBytes(address, field), ADDRESS_BYTES);
}

function readAddress(r: Reader, field: string): Address {
  return addressFromBytes(r.fixed(ADDRESS_BYTES, field));
}

function enumCode<T extends string>(values: readonly T[], value: T): number {
  return values.indexOf(value);
}

function enumValue<T extends string>(values: readonly T[], r: Reader, what: string, field: string): T {
  const code = r.u8(field);
  const value = values[code];
  if (value === undefined) throw badValue(what, field, code);
  return value;
}

const PARTICIPANT_STATUSES: readonly ParticipantStatus[] = ['pending', 'approved', 'rejected'];
const ORDER_STATUSES: readonly OrderStatus[] = ['open', 'cancelled', 'cleared'];
const SLOT_STATUSES: readonly SlotStatus[] = ['open', 'cleared'];
/** Same codes as the transaction kinds' payloads would suggest: 0 offer (sell), 1 bid (buy). */
const ORDER_SIDES: readonly OrderSideName[] = ['offer', 'bid'];

// ── amounts ───────────────────────────────────────────────────────────────────────────────────────────────────

export function encodeU64(value: bigint): Uint8Array {
  return new Writer(8).u64(value).finish();
}

export function decodeU64(bytes: Uint8Array, what = 'amount'): bigint {
  const r = new Reader(bytes, what);
  const value = r.u64(what);
  r.end();
  return value;
}

export function encodeI64(value: bigint): Uint8Array {
  return writeI64(new Writer(9), value).finish();
}

export function decodeI64(bytes: Uint8Array, what = 'signed amount'): bigint {
  const r = new Reader(bytes, what);
  const value = readI64(r, what, what);
  r.end();
  return value;
}

export function encodeAddress(address: Address): Uint8Array {
  return writeAddress(new Writer(ADDRESS_BYTES), address, 'address').finish();
}

export function decodeAddress(bytes: Uint8Array, what = 'address'): Address {
  const r = new Reader(bytes, what);
  const address = readAddress(r, what);
  r.end();
  return address;
}

// ── participant ───────────────────────────────────────────────────────────────────────────────────────────────

export function encodeParticipant(p: ParticipantRecord): Uint8Array {
  const w = new Writer(160).u8(PARTICIPANT_ROLE_CODES[p.role]).fixed(p.meterPublicKey, 32).u32(p.pvW).u32(p.batteryWh);
  writeStr8(w, p.location).u8(enumCode(PARTICIPANT_STATUSES, p.status)).u64n(p.registeredHeight).u64n(p.statusHeight);
  writeStr8(w, p.rejectReason);
  const h = p.history;
  return w
    .u64n(h.committedExportWh)
    .u64n(h.deliveredWh)
    .u64n(h.shortfallWh)
    .u64n(h.committedImportWh)
    .u64n(h.consumedWh)
    .u64n(h.meteredSlots)
    .u64n(h.shortfallSlots)
    .u64n(h.ratingSum)
    .u64n(h.ratingCount)
    .finish();
}

export function decodeParticipant(bytes: Uint8Array): ParticipantRecord {
  const what = 'participant';
  const r = new Reader(bytes, what);
  const roleCode = r.u8('role');
  const role = (Object.keys(PARTICIPANT_ROLE_CODES) as ParticipantRole[]).find(
    (name) => PARTICIPANT_ROLE_CODES[name] === roleCode,
  );
  if (role === undefined) throw badValue(what, 'role', roleCode);
  const record: ParticipantRecord = {
    role,
    meterPublicKey: r.fixed(32, 'meterPublicKey'),
    pvW: r.u32('pvW'),
    batteryWh: r.u32('batteryWh'),
    location: readStr8(r, 'location'),
    status: enumValue(PARTICIPANT_STATUSES, r, what, 'status'),
    registeredHeight: r.u64n('registeredHeight'),
    statusHeight: r.u64n('statusHeight'),
    rejectReason: readStr8(r, 'rejectReason'),
    history: {
      committedExportWh: r.u64n('committedExportWh'),
      deliveredWh: r.u64n('deliveredWh'),
      shortfallWh: r.u64n('shortfallWh'),
      committedImportWh: r.u64n('committedImportWh'),
      consumedWh: r.u64n('consumedWh'),
      meteredSlots: r.u64n('meteredSlots'),
      shortfallSlots: r.u64n('shortfallSlots'),
      ratingSum: r.u64n('ratingSum'),
      ratingCount: r.u64n('ratingCount'),
    },
  };
  r.end();
  return record;
}

// ── config ────────────────────────────────────────────────────────────────────────────────────────────────────

export function encodeConfig(c: MarketConfig): Uint8Array {
  const w = new Writer(256).u8(c.open ? 1 : 0).u32(c.firstSlot);
  writeOpt64(w, c.lastSlot === null ? null : BigInt(c.lastSlot))
    .u64n(c.startMs)
    .u32(c.slotDurationMs)
    .u32(c.gateClosureLeadMs)
    .u32(c.maxSlotsAhead);
  writeStr8(w, c.mechanism);
  const params = Buffer.from(c.paramsJson, 'utf8');
  w.u16(params.length).raw(params);
  writeAddress(w, c.gridAccount, 'gridAccount').u16(c.gridPrices.length);
  for (const price of c.gridPrices) w.u64(price.importMicroPerKwh).u64(price.exportMicroPerKwh);
  return w.u64(c.shortfallPenaltyMicroPerKwh).finish();
}

export function decodeConfig(bytes: Uint8Array): MarketConfig {
  const what = 'market config';
  const r = new Reader(bytes, what);
  const open = readBool(r, what, 'open');
  const firstSlot = r.u32('firstSlot');
  const last = readOpt64(r, what, 'lastSlot');
  if (last !== null && last > 0xffffffffn) throw badValue(what, 'lastSlot', last);
  const startMs = r.u64n('startMs');
  const slotDurationMs = r.u32('slotDurationMs');
  const gateClosureLeadMs = r.u32('gateClosureLeadMs');
  const maxSlotsAhead = r.u32('maxSlotsAhead');
  const mechanism = readStr8(r, 'mechanism');
  const paramsJson = Buffer.from(r.fixed(r.u16('paramsJson'), 'paramsJson')).toString('utf8');
  const gridAccount = readAddress(r, 'gridAccount');
  const priceCount = r.u16('priceCount');
  const gridPrices: GridPrice[] = [];
  for (let i = 0; i < priceCount; i++) {
    gridPrices.push({ importMicroPerKwh: r.u64('importMicroPerKwh'), exportMicroPerKwh: r.u64('exportMicroPerKwh') });
  }
  const config: MarketConfig = {
    open,
    firstSlot,
    lastSlot: last === null ? null : Number(last),
    startMs,
    slotDurationMs,
    gateClosureLeadMs,
    maxSlotsAhead,
    mechanism,
    paramsJson,
    gridAccount,
    gridPrices,
    shortfallPenaltyMicroPerKwh: r.u64('shortfallPenaltyMicroPerKwh'),
  };
  r.end();
  return config;
}

// ── slot ──────────────────────────────────────────────────────────────────────────────────────────────────────

export function encodeSlot(s: SlotRecord): Uint8Array {
  const w = new Writer(200).u32(s.orderCount).u8(enumCode(SLOT_STATUSES, s.status));
  const c = s.clearing;
  if (s.status === 'cleared') {
    if (c === null) throw new GridPeerError('STORE_CORRUPT', 'a cleared slot record needs its clearing summary');
    w.u64n(c.clearedHeight).u64n(c.clearedAtMs).u64n(c.slotStartMs).u32(c.slotDurationMs);
    writeStr8(w, c.mechanism);
    writeStr8(w, c.fallbackReason);
    writeOpt64(w, c.clearingPriceMicroPerKwh);
    writeOpt64(w, c.buyPriceMicroPerKwh);
    writeOpt64(w, c.sellPriceMicroPerKwh)
      .u32(c.tradeCount)
      .u32(c.participantCount)
      .u64n(c.tradedWh)
      .u64n(c.peerEnergyWh)
      .u64n(c.gridImportWh)
      .u64n(c.gridExportWh)
      .u64n(c.curtailedWh)
      .u64(c.gridImportCostMicro)
      .u64(c.gridExportRevenueMicro);
    writeI64(w, c.operatorMicro)
      .u64(c.unpaidMicro)
      .u64(c.gridImportPriceMicroPerKwh)
      .u64(c.gridExportPriceMicroPerKwh)
      .u64(c.shortfallPenaltyMicroPerKwh);
  }
  return w.finish();
}

export function decodeSlot(bytes: Uint8Array): SlotRecord {
  const what = 'slot';
  const r = new Reader(bytes, what);
  const orderCount = r.u32('orderCount');
  const status = enumValue(SLOT_STATUSES, r, what, 'status');
  let clearing: SlotClearing | null = null;
  if (status === 'cleared') {
    clearing = {
      clearedHeight: r.u64n('clearedHeight'),
      clearedAtMs: r.u64n('clearedAtMs'),
      slotStartMs: r.u64n('slotStartMs'),
      slotDurationMs: r.u32('slotDurationMs'),
      mechanism: readStr8(r, 'mechanism'),
      fallbackReason: readStr8(r, 'fallbackReason'),
      clearingPriceMicroPerKwh: readOpt64(r, what, 'clearingPriceMicroPerKwh'),
      buyPriceMicroPerKwh: readOpt64(r, what, 'buyPriceMicroPerKwh'),
      sellPriceMicroPerKwh: readOpt64(r, what, 'sellPriceMicroPerKwh'),
      tradeCount: r.u32('tradeCount'),
      participantCount: r.u32('participantCount'),
      tradedWh: r.u64n('tradedWh'),
      peerEnergyWh: r.u64n('peerEnergyWh'),
      gridImportWh: r.u64n('gridImportWh'),
      gridExportWh: r.u64n('gridExportWh'),
      curtailedWh: r.u64n('curtailedWh'),
      gridImportCostMicro: r.u64('gridImportCostMicro'),
      gridExportRevenueMicro: r.u64('gridExportRevenueMicro'),
      operatorMicro: readI64(r, what, 'operatorMicro'),
      unpaidMicro: r.u64('unpaidMicro'),
      gridImportPriceMicroPerKwh: r.u64('gridImportPriceMicroPerKwh'),
      gridExportPriceMicroPerKwh: r.u64('gridExportPriceMicroPerKwh'),
      shortfallPenaltyMicroPerKwh: r.u64('shortfallPenaltyMicroPerKwh'),
    };
  }
  r.end();
  return { orderCount, status, clearing };
}

// ── order ─────────────────────────────────────────────────────────────────────────────────────────────────────

export function encodeOrder(o: OrderRecord): Uint8Array {
  const w = new Writer(100).fixed(o.txHash, HASH_BYTES);
  writeAddress(w, o.participant, 'participant').u8(enumCode(ORDER_SIDES, o.side)).u32(o.energyWh);
  writeOpt64(w, o.limitPriceMicroPerKwh);
  return w.u64(o.lockedMicro).u64n(o.sequence).u8(enumCode(ORDER_STATUSES, o.status)).finish();
}

export function decodeOrder(bytes: Uint8Array): OrderRecord {
  const what = 'order';
  const r = new Reader(bytes, what);
  const order: OrderRecord = {
    txHash: r.fixed(HASH_BYTES, 'txHash'),
    participant: readAddress(r, 'participant'),
    side: enumValue(ORDER_SIDES, r, what, 'side'),
    energyWh: r.u32('energyWh'),
    limitPriceMicroPerKwh: readOpt64(r, what, 'limitPriceMicroPerKwh'),
    lockedMicro: r.u64('lockedMicro'),
    sequence: r.u64n('sequence'),
    status: enumValue(ORDER_STATUSES, r, what, 'status'),
  };
  r.end();
  return order;
}

export function encodeOrderLocation(l: OrderLocation): Uint8Array {
  return new Writer(8).u32(l.slot).u32(l.index).finish();
}

export function decodeOrderLocation(bytes: Uint8Array): OrderLocation {
  const r = new Reader(bytes, 'order location');
  const location = { slot: r.u32('slot'), index: r.u32('index') };
  r.end();
  return location;
}

// ── trade ─────────────────────────────────────────────────────────────────────────────────────────────────────

export function encodeTrade(t: TradeRecord): Uint8Array {
  const w = new Writer(176).u32(t.slot).u32(t.index);
  writeAddress(w, t.seller, 'seller');
  writeAddress(w, t.buyer, 'buyer');
  return w
    .fixed(t.offerTxHash, HASH_BYTES)
    .fixed(t.bidTxHash, HASH_BYTES)
    .u64n(t.energyWh)
    .u64(t.priceMicroPerKwh)
    .u64(t.amountMicro)
    .u64(t.sellerAmountMicro)
    .u64n(t.settledHeight)
    .finish();
}

export function decodeTrade(bytes: Uint8Array): TradeRecord {
  const r = new Reader(bytes, 'trade');
  const trade: TradeRecord = {
    slot: r.u32('slot'),
    index: r.u32('index'),
    seller: readAddress(r, 'seller'),
    buyer: readAddress(r, 'buyer'),
    offerTxHash: r.fixed(HASH_BYTES, 'offerTxHash'),
    bidTxHash: r.fixed(HASH_BYTES, 'bidTxHash'),
    energyWh: r.u64n('energyWh'),
    priceMicroPerKwh: r.u64('priceMicroPerKwh'),
    amountMicro: r.u64('amountMicro'),
    sellerAmountMicro: r.u64('sellerAmountMicro'),
    settledHeight: r.u64n('settledHeight'),
  };
  r.end();
  return trade;
}

// ── settlement ────────────────────────────────────────────────────────────────────────────────────────────────

export function encodeSettlement(s: SettlementRecord): Uint8Array {
  const w = new Writer(120).u64n(s.importWh).u64n(s.exportWh).u64n(s.peerImportWh).u64n(s.peerExportWh);
  writeI64(w, s.netPaymentMicro);
  writeI64(w, s.gridOnlyPaymentMicro);
  return w
    .u64(s.lockedMicro)
    .u64(s.unpaidMicro)
    .u8(s.metered ? 1 : 0)
    .u64n(s.deliveredWh)
    .u64n(s.consumedWh)
    .u64n(s.shortfallWh)
    .u64(s.shortfallCostMicro)
    .u64(s.penaltyMicro)
    .finish();
}

export function decodeSettlement(bytes: Uint8Array): SettlementRecord {
  const what = 'settlement';
  const r = new Reader(bytes, what);
  const settlement: SettlementRecord = {
    importWh: r.u64n('importWh'),
    exportWh: r.u64n('exportWh'),
    peerImportWh: r.u64n('peerImportWh'),
    peerExportWh: r.u64n('peerExportWh'),
    netPaymentMicro: readI64(r, what, 'netPaymentMicro'),
    gridOnlyPaymentMicro: readI64(r, what, 'gridOnlyPaymentMicro'),
    lockedMicro: r.u64('lockedMicro'),
    unpaidMicro: r.u64('unpaidMicro'),
    metered: readBool(r, what, 'metered'),
    deliveredWh: r.u64n('deliveredWh'),
    consumedWh: r.u64n('consumedWh'),
    shortfallWh: r.u64n('shortfallWh'),
    shortfallCostMicro: r.u64('shortfallCostMicro'),
    penaltyMicro: r.u64('penaltyMicro'),
  };
  r.end();
  return settlement;
}

// ── rating ────────────────────────────────────────────────────────────────────────────────────────────────────

export function encodeRating(stars: number): Uint8Array {
  return new Writer(1).u8(stars).finish();
}

export function decodeRating(bytes: Uint8Array): number {
  const r = new Reader(bytes, 'rating');
  const stars = r.u8('stars');
  r.end();
  if (stars < 1 || stars > 5) throw badValue('rating', 'stars', stars);
  return stars;
}
