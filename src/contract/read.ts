/**
 * @module contract/read
 * Queries over a committed {@link LedgerState} for the API and the CLI: the schedule, participants, slots with
 * their orders, trades and settlements, and the contract's holdings. Records come back decoded (bigint µcoin,
 * `gp…` addresses, bytes); the `…ToJSON` converters give the API's view (bigint → decimal string, bytes → hex).
 */
import { type Address, toHex } from '../crypto/index.js';
import { jsonSafe } from '../errors/index.js';
import type { GridPrice } from '../ledger/marketTx.js';
import type { LedgerState, StateReader } from '../ledger/state.js';
import {
  heldMicroOf,
  readAdminAddress,
  readConfig,
  readNextSlot,
  readParticipantRecord,
  readSlotRecord,
  readU64Key,
} from './access.js';
import {
  ESCROW_PREFIX,
  escrowKey,
  orderIdKey,
  orderKey,
  PARTICIPANT_PREFIX,
  settlementPrefix,
  TRADE_PREFIX,
  tradeKeyOf,
  tradePrefix,
} from './keys.js';
import {
  decodeOrder,
  decodeOrderLocation,
  decodeParticipant,
  decodeSettlement,
  decodeTrade,
  decodeU64,
  type MarketConfig,
  type OrderRecord,
  type ParticipantRecord,
  type SettlementRecord,
  type SlotClearing,
  type TradeRecord,
} from './records.js';
import { gateClosureMs, gridPriceOf, inSchedule, slotStartMs } from './schedule.js';

/** A decoded record as the API shows it: bigints as decimal strings, bytes as hex. */
export type Jsonified<T> = T extends bigint
  ? string
  : T extends Uint8Array
    ? string
    : T extends readonly (infer E)[]
      ? Jsonified<E>[]
      : T extends object
        ? { [K in keyof T]: Jsonified<T[K]> }
        : T;

function toJSONView<T>(value: T): Jsonified<T> {
  return jsonSafe(value) as Jsonified<T>;
}

export interface MarketConfigView extends MarketConfig {
  /** The next slot the contract will clear. */
  readonly nextSlot: number;
}

export interface ParticipantView extends ParticipantRecord {
  readonly address: Address;
  /** µcoin locked in its open bids. */
  readonly escrowMicro: bigint;
}

export interface OrderView extends OrderRecord {
  /** The order's id: the hex hash of its offer or bid transaction. */
  readonly id: string;
  readonly slot: number;
  readonly index: number;
}

export interface TradeView extends TradeRecord {
  /** `${slot}-${index}`. */
  readonly id: string;
}

export interface SettlementView extends SettlementRecord {
  readonly participant: Address;
}

export interface SlotView {
  readonly slot: number;
  readonly startMs: number;
  readonly gateClosureMs: number;
  readonly status: 'open' | 'cleared';
  readonly gridPrice: GridPrice;
  readonly orders: readonly OrderView[];
  readonly trades: readonly TradeView[];
  readonly settlements: readonly SettlementView[];
  /** The clearing's summary; null while the slot is open. */
  readonly result: SlotClearing | null;
}

export function readAdmin(state: StateReader): Address | undefined {
  return readAdminAddress(state);
}

export function readMarketConfig(state: StateReader): MarketConfigView | undefined {
  const config = readConfig(state);
  return config === undefined ? undefined : { ...config, nextSlot: readNextSlot(state) };
}

/**
 * When the next block has clearing work: the gate closure of the next slot to clear, or undefined when no slot is
 * left (no market, or a closed one whose slots all cleared). A node that mines only on demand uses it to mine a
 * block as soon as a gate closes, so slots clear without waiting for other transactions.
 */
export function nextClearingDueMs(state: StateReader): number | undefined {
  const config = readConfig(state);
  if (config === undefined) return undefined;
  const slot = readNextSlot(state);
  if (config.lastSlot !== null && slot > config.lastSlot) return undefined;
  return gateClosureMs(config, slot);
}

function participantView(state: StateReader, address: Address, record: ParticipantRecord): ParticipantView {
  return { address, ...record, escrowMicro: readU64Key(state, escrowKey(address)) };
}

export function readParticipant(state: StateReader, address: Address): ParticipantView | undefined {
  const record = readParticipantRecord(state, address);
  return record === undefined ? undefined : participantView(state, address, record);
}

/** Every registered participant, in address order. */
export function listParticipants(state: LedgerState): ParticipantView[] {
  const out: ParticipantView[] = [];
  for (const [key, value] of state.entriesWithPrefix(PARTICIPANT_PREFIX)) {
    const address = key.slice(PARTICIPANT_PREFIX.length);
    out.push(participantView(state, address, decodeParticipant(value)));
  }
  return out;
}

function orderView(slot: number, index: number, record: OrderRecord): OrderView {
  return { id: toHex(record.txHash), slot, index, ...record };
}

/** An order by its id (the hex hash of its offer or bid transaction). */
export function readOrder(state: StateReader, orderId: string): OrderView | undefined {
  const locationBytes = state.get(orderIdKey(orderId.toLowerCase()));
  if (locationBytes === undefined) return undefined;
  const { slot, index } = decodeOrderLocation(locationBytes);
  const bytes = state.get(orderKey(slot, index));
  return bytes === undefined ? undefined : orderView(slot, index, decodeOrder(bytes));
}

function tradeView(record: TradeRecord): TradeView {
  return { id: `${record.slot}-${record.index}`, ...record };
}

/**
 * A slot with everything recorded for it, or undefined for a slot that has no record and is not part of the
 * current schedule.
 */
export function readSlot(state: LedgerState, slot: number): SlotView | undefined {
  if (!Number.isSafeInteger(slot) || slot < 0 || slot > 0xffffffff) return undefined;
  const record = readSlotRecord(state, slot);
  const config = readConfig(state);
  const clearing = record?.clearing ?? null;
  let startMs: number;
  let gridPrice: GridPrice;
  let gateMs: number;
  if (clearing !== null) {
    startMs = clearing.slotStartMs;
    gridPrice = {
      importMicroPerKwh: clearing.gridImportPriceMicroPerKwh,
      exportMicroPerKwh: clearing.gridExportPriceMicroPerKwh,
    };
    gateMs = config !== undefined && inSchedule(config, slot) ? gateClosureMs(config, slot) : clearing.slotStartMs;
  } else if (config !== undefined && inSchedule(config, slot)) {
    startMs = slotStartMs(config, slot);
    gridPrice = gridPriceOf(config, slot);
    gateMs = gateClosureMs(config, slot);
  } else {
    return undefined;
  }
  const orders: OrderView[] = [];
  for (let index = 0; index < (record?.orderCount ?? 0); index++) {
    const bytes = state.get(orderKey(slot, index));
    if (bytes !== undefined) orders.push(orderView(slot, index, decodeOrder(bytes)));
  }
  const trades: TradeView[] = [];
  for (const [, value] of state.entriesWithPrefix(tradePrefix(slot))) trades.push(tradeView(decodeTrade(value)));
  const settlements: SettlementView[] = [];
  const prefix = settlementPrefix(slot);
  for (const [key, value] of state.entriesWithPrefix(prefix)) {
    settlements.push({ participant: key.slice(prefix.length), ...decodeSettlement(value) });
  }
  return {
    slot,
    startMs,
    gateClosureMs: gateMs,
    status: record?.status ?? 'open',
    gridPrice,
    orders,
    trades,
    settlements,
    result: clearing,
  };
}

export interface TradeQuery {
  readonly slot?: number;
  readonly participant?: Address;
  /** At most this many, newest first (default 100). */
  readonly limit?: number;
}

/** Trades newest first (highest slot, then highest index), optionally of one slot and/or one participant. */
export function listTrades(state: LedgerState, query: TradeQuery = {}): TradeView[] {
  const limit = query.limit ?? 100;
  const prefix = query.slot === undefined ? TRADE_PREFIX : tradePrefix(query.slot);
  const matches: TradeView[] = [];
  for (const [, value] of state.entriesWithPrefix(prefix)) {
    const trade = decodeTrade(value);
    if (query.participant !== undefined && trade.seller !== query.participant && trade.buyer !== query.participant) {
      continue;
    }
    matches.push(tradeView(trade));
  }
  matches.reverse();
  return matches.slice(0, Math.max(0, limit));
}

/** The state key of trade `id` (`${slot}-${index}`), for receipts (Merkle proofs against a state root). */
export function tradeKey(id: string): string | undefined {
  const match = /^(\d{1,10})-(\d{1,10})$/.exec(id);
  if (match === null) return undefined;
  const slot = Number(match[1]);
  const index = Number(match[2]);
  if (slot > 0xffffffff || index > 0xffffffff) return undefined;
  return tradeKeyOf(slot, index);
}

export function readTrade(state: StateReader, id: string): TradeView | undefined {
  const key = tradeKey(id);
  const bytes = key === undefined ? undefined : state.get(key);
  return bytes === undefined ? undefined : tradeView(decodeTrade(bytes));
}

/** What the contract holds outside balances (escrow + grid + operator); Σ balances + this = issued supply. */
export function marketHeldMicro(state: StateReader): bigint {
  return heldMicroOf(state);
}

/** Σ of every participant's escrow by scanning `mkt/escrow/` (checks the running total `mkt/escrowTotal`). */
export function sumEscrowMicro(state: LedgerState): bigint {
  let total = 0n;
  for (const [key, value] of state.entriesWithPrefix(ESCROW_PREFIX)) total += decodeU64(value, key);
  return total;
}

export const marketConfigToJSON = (view: MarketConfigView): Jsonified<MarketConfigView> => toJSONView(view);
export const participantToJSON = (view: ParticipantView): Jsonified<ParticipantView> => toJSONView(view);
export const orderToJSON = (view: OrderView): Jsonified<OrderView> => toJSONView(view);
export const tradeToJSON = (view: TradeView): Jsonified<TradeView> => toJSONView(view);
export const settlementToJSON = (view: SettlementView): Jsonified<SettlementView> => toJSONView(view);
export const slotToJSON = (view: SlotView): Jsonified<SlotView> => toJSONView(view);
