/**
 * @module contract/access
 * Typed reads and writes of the contract's records over a state reader or a block's overlay, and the moves of
 * money between account balances and the contract's holdings (escrow, the grid and operator positions). Every
 * move keeps Σ balances + {@link heldMicroOf} unchanged: what leaves a balance lands in a holding and back.
 */
import type { Address } from '../crypto/index.js';
import { GridPeerError } from '../errors/index.js';
import type { StateOverlay, StateReader } from '../ledger/state.js';
import {
  CONFIG_KEY,
  ESCROW_TOTAL_KEY,
  escrowKey,
  GRID_POSITION_KEY,
  MARKET_ADMIN_KEY,
  NEXT_SLOT_KEY,
  OPERATOR_POSITION_KEY,
  participantKey,
  settlementKey,
  slotKey,
} from './keys.js';
import {
  decodeAddress,
  decodeConfig,
  decodeI64,
  decodeParticipant,
  decodeSettlement,
  decodeSlot,
  decodeU64,
  encodeConfig,
  encodeI64,
  encodeParticipant,
  encodeSettlement,
  encodeSlot,
  encodeU64,
  type MarketConfig,
  type ParticipantRecord,
  type SettlementRecord,
  type SlotRecord,
} from './records.js';

export function readAdminAddress(reader: StateReader): Address | undefined {
  const bytes = reader.get(MARKET_ADMIN_KEY);
  return bytes ? decodeAddress(bytes, 'mkt/admin') : undefined;
}

export function readConfig(reader: StateReader): MarketConfig | undefined {
  const bytes = reader.get(CONFIG_KEY);
  return bytes ? decodeConfig(bytes) : undefined;
}

export function writeConfig(overlay: StateOverlay, config: MarketConfig): void {
  overlay.set(CONFIG_KEY, encodeConfig(config));
}

export function readU64Key(reader: StateReader, key: string): bigint {
  const bytes = reader.get(key);
  return bytes ? decodeU64(bytes, key) : 0n;
}

/** Writes a u64, deleting the key at zero so that empty holdings leave no entry in the state. */
export function writeU64Key(overlay: StateOverlay, key: string, value: bigint): void {
  if (value < 0n) {
    throw new GridPeerError('STORE_CORRUPT', `market state ${key} would become negative`, {
      key,
      value: value.toString(),
    });
  }
  if (value === 0n) overlay.delete(key);
  else overlay.set(key, encodeU64(value));
}

export function readI64Key(reader: StateReader, key: string): bigint {
  const bytes = reader.get(key);
  return bytes ? decodeI64(bytes, key) : 0n;
}

export function readNextSlot(reader: StateReader): number {
  return Number(readU64Key(reader, NEXT_SLOT_KEY));
}

export function writeNextSlot(overlay: StateOverlay, slot: number): void {
  overlay.set(NEXT_SLOT_KEY, encodeU64(BigInt(slot)));
}

export function readParticipantRecord(reader: StateReader, address: Address): ParticipantRecord | undefined {
  const bytes = reader.get(participantKey(address));
  return bytes ? decodeParticipant(bytes) : undefined;
}

export function writeParticipant(overlay: StateOverlay, address: Address, record: ParticipantRecord): void {
  overlay.set(participantKey(address), encodeParticipant(record));
}

export function readSlotRecord(reader: StateReader, slot: number): SlotRecord | undefined {
  const bytes = reader.get(slotKey(slot));
  return bytes ? decodeSlot(bytes) : undefined;
}

export function writeSlot(overlay: StateOverlay, slot: number, record: SlotRecord): void {
  overlay.set(slotKey(slot), encodeSlot(record));
}

export function readSettlementRecord(
  reader: StateReader,
  slot: number,
  address: Address,
): SettlementRecord | undefined {
  const bytes = reader.get(settlementKey(slot, address));
  return bytes ? decodeSettlement(bytes) : undefined;
}

export function writeSettlement(overlay: StateOverlay, slot: number, address: Address, record: SettlementRecord): void {
  overlay.set(settlementKey(slot, address), encodeSettlement(record));
}

/** The smaller of two amounts (Math.min takes no bigint). */
export function minMicro(a: bigint, b: bigint): bigint {
  if (a < b) return a;
  return b;
}

/** The larger of two amounts (Math.max takes no bigint). */
export function maxMicro(a: bigint, b: bigint): bigint {
  if (a > b) return a;
  return b;
}

// ── holdings ──────────────────────────────────────────────────────────────────────────────────────────────────

/** Σ escrow + grid position + operator position: what the contract holds outside account balances. */
export function heldMicroOf(reader: StateReader): bigint {
  return (
    readU64Key(reader, ESCROW_TOTAL_KEY) +
    readI64Key(reader, GRID_POSITION_KEY) +
    readI64Key(reader, OPERATOR_POSITION_KEY)
  );
}

function addSigned(overlay: StateOverlay, key: string, deltaMicro: bigint): void {
  if (deltaMicro === 0n) return;
  const next = readI64Key(overlay, key) + deltaMicro;
  if (next === 0n) overlay.delete(key);
  else overlay.set(key, encodeI64(next));
}

/** The community paid `deltaMicro` to the grid (negative: the grid paid the community). */
export function addToGridPosition(overlay: StateOverlay, deltaMicro: bigint): void {
  addSigned(overlay, GRID_POSITION_KEY, deltaMicro);
}

export function addToOperatorPosition(overlay: StateOverlay, deltaMicro: bigint): void {
  addSigned(overlay, OPERATOR_POSITION_KEY, deltaMicro);
}

export function balanceOf(reader: StateOverlay, address: Address): bigint {
  return reader.account(address).balanceMicro;
}

/** Adds `deltaMicro` (signed) to an account balance, keeping its nonce. Callers check that it stays ≥ 0. */
export function addToBalance(overlay: StateOverlay, address: Address, deltaMicro: bigint): void {
  if (deltaMicro === 0n) return;
  const account = overlay.account(address);
  overlay.setAccount(address, { balanceMicro: account.balanceMicro + deltaMicro, nonce: account.nonce });
}

/** Moves `amountMicro` from the participant's balance into its escrow (the balance was checked). */
export function lockInEscrow(overlay: StateOverlay, address: Address, amountMicro: bigint): void {
  if (amountMicro === 0n) return;
  addToBalance(overlay, address, -amountMicro);
  changeEscrow(overlay, address, amountMicro);
}

/** Moves `amountMicro` from the participant's escrow back to its balance. */
export function releaseEscrow(overlay: StateOverlay, address: Address, amountMicro: bigint): void {
  if (amountMicro === 0n) return;
  changeEscrow(overlay, address, -amountMicro);
  addToBalance(overlay, address, amountMicro);
}

/** Changes a participant's escrow and the running total together (the total is what heldMicro reads). */
export function changeEscrow(overlay: StateOverlay, address: Address, deltaMicro: bigint): void {
  if (deltaMicro === 0n) return;
  writeU64Key(overlay, escrowKey(address), readU64Key(overlay, escrowKey(address)) + deltaMicro);
  writeU64Key(overlay, ESCROW_TOTAL_KEY, readU64Key(overlay, ESCROW_TOTAL_KEY) + deltaMicro);
}
