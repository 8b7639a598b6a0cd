/**
 * @module contract/keys
 * The state keys of the market contract. Every key starts with `mkt/` (the contract's part of the state root,
 * `ledger/contract.ts`); slot numbers and indices are zero-padded to 10 digits so that the state's lexicographic
 * key order is numeric order, and a prefix scan of `mkt/trade/<slot>/` lists a slot's trades in index order.
 */
import type { Address } from '../crypto/index.js';
import { MARKET_ADMIN_KEY } from '../ledger/contract.js';

export { MARKET_ADMIN_KEY };

/** The market schedule (absent until the administrator first opens the market). */
export const CONFIG_KEY = 'mkt/config';
/** The next slot number to clear (u64); the first schedule starts at 0. */
export const NEXT_SLOT_KEY = 'mkt/nextSlot';
/** Global order counter: an order's `sequence`, its time priority. */
export const SEQUENCE_KEY = 'mkt/seq';
/** The highest slot any order was placed in (u64): closing the market keeps every slot with orders clearable. */
export const TOP_ORDER_SLOT_KEY = 'mkt/topSlot';
/** Σ of every `mkt/escrow/<address>`, kept as a running total so {@link heldMicro} reads one key. */
export const ESCROW_TOTAL_KEY = 'mkt/escrowTotal';
/** Signed net µcoin the community paid to the grid (MISSION K8). */
export const GRID_POSITION_KEY = 'mkt/grid';
/** Signed net µcoin kept by the market operator (clearing residuals and shortfall penalties). */
export const OPERATOR_POSITION_KEY = 'mkt/operator';

export const PARTICIPANT_PREFIX = 'mkt/part/';
export const METER_PREFIX = 'mkt/meter/';
export const SLOT_PREFIX = 'mkt/slot/';
export const ORDER_PREFIX = 'mkt/ord/';
export const ORDER_ID_PREFIX = 'mkt/oid/';
export const ESCROW_PREFIX = 'mkt/escrow/';
export const TRADE_PREFIX = 'mkt/trade/';
export const SETTLEMENT_PREFIX = 'mkt/set/';
export const RATING_PREFIX = 'mkt/rate/';

/** A slot number or index as 10 digits (u32 values have at most 10). */
export function pad10(value: number): string {
  return String(value).padStart(10, '0');
}

export const participantKey = (address: Address): string => PARTICIPANT_PREFIX + address;
export const meterKey = (meterAddress: Address): string => METER_PREFIX + meterAddress;
export const slotKey = (slot: number): string => SLOT_PREFIX + pad10(slot);
export const orderKey = (slot: number, index: number): string => `${ORDER_PREFIX}${pad10(slot)}/${pad10(index)}`;
export const orderIdKey = (txHashHex: string): string => ORDER_ID_PREFIX + txHashHex;
export const escrowKey = (address: Address): string => ESCROW_PREFIX + address;
export const tradePrefix = (slot: number): string => `${TRADE_PREFIX}${pad10(slot)}/`;
export const tradeKeyOf = (slot: number, index: number): string => tradePrefix(slot) + pad10(index);
export const settlementPrefix = (slot: number): string => `${SETTLEMENT_PREFIX}${pad10(slot)}/`;
export const settlementKey = (slot: number, address: Address): string => settlementPrefix(slot) + address;
export const ratingKey = (slot: number, rater: Address, counterparty: Address): string =>
  `${RATING_PREFIX}${pad10(slot)}/${rater}/${counterparty}`;
