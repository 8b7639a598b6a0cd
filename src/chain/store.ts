/**
 * @module chain/store
 * What the chain needs from persistence. `store/` implements it on LevelDB; `store/memory` in memory for tests
 * and simulations. Every {@link ChainWrite} must be applied atomically: after a crash a store holds either all
 * of a write or none of it (DESIGN.md §4 "persistence is embedded and crash-safe").
 */
import { HASH_BYTES } from '../crypto/index.js';
import { GridPeerError } from '../errors/index.js';
import type { Block } from '../ledger/block.js';
import { type BlockHeader, decodeHeader, encodeHeader } from '../ledger/block.js';
import { Reader, Writer } from '../ledger/codec.js';
import type { StateChanges } from '../ledger/state.js';

/**
 * `valid`: connected to the canonical chain at some point (state transition checked). `header-valid`: passed
 * every check but the state transition (a side-chain block). `invalid`: broke a rule; so do its descendants.
 */
export type BlockStatus = 'valid' | 'header-valid' | 'invalid';

export interface BlockIndexEntry {
  readonly hash: string;
  readonly header: BlockHeader;
  /** Sum of consensus weight from genesis through this block (fork choice: greatest wins). */
  readonly totalWork: bigint;
  readonly status: BlockStatus;
}

export interface ChainMeta {
  readonly genesisHash: string;
  readonly headHash: string;
  /** The genesis configuration JSON text the chain was created with. */
  readonly genesisConfig: string;
}

export interface ChainWrite {
  /** New blocks with their index entries. */
  readonly blocks?: ReadonlyArray<{ readonly block: Block; readonly entry: BlockIndexEntry }>;
  /** Index entries whose status changed. */
  readonly indexUpdates?: readonly BlockIndexEntry[];
  /** Canonical height → hash assignments, and heights above `canonicalHeight` to forget. */
  readonly canonical?: ReadonlyArray<readonly [number, string]>;
  readonly canonicalHeight?: number;
  readonly meta?: ChainMeta;
  /** Changes to the stored head state. */
  readonly state?: StateChanges;
  /** Undo data of newly connected blocks, by block hash. */
  readonly undo?: ReadonlyArray<readonly [string, StateChanges]>;
  /** Transaction hash → hash of the canonical block holding it; null removes (its block left the chain). */
  readonly txIndex?: ReadonlyArray<readonly [string, string | null]>;
}

export interface ChainStore {
  loadMeta(): Promise<ChainMeta | undefined>;
  loadIndex(): Promise<BlockIndexEntry[]>;
  loadState(): Promise<Array<[string, Uint8Array]>>;
  /** Canonical hash at a height, from the height index. */
  getCanonicalHash(height: number): Promise<string | undefined>;
  getBlock(hash: string): Promise<Block | undefined>;
  getUndo(hash: string): Promise<StateChanges | undefined>;
  /** Hash of the canonical block that holds transaction `txHash`. */
  getTxBlockHash(txHash: string): Promise<string | undefined>;
  /** Applies everything in `write` atomically (one batch), durable when the promise resolves. */
  write(write: ChainWrite): Promise<void>;
  close(): Promise<void>;
}

const STATUS_CODES: Record<BlockStatus, number> = { valid: 0, 'header-valid': 1, invalid: 2 };
const STATUS_NAMES: BlockStatus[] = ['valid', 'header-valid', 'invalid'];

/** Index entry bytes: u8 status ‖ 32-byte total work ‖ header. */
export function encodeIndexEntry(entry: BlockIndexEntry): Uint8Array {
  const work = new Uint8Array(HASH_BYTES);
  let w = entry.totalWork;
  for (let i = HASH_BYTES - 1; i >= 0; i--) {
    work[i] = Number(w & 0xffn);
    w >>= 8n;
  }
  return new Writer(200).u8(STATUS_CODES[entry.status]).raw(work).raw(encodeHeader(entry.header)).finish();
}

export function decodeIndexEntry(hash: string, bytes: Uint8Array): BlockIndexEntry {
  const r = new Reader(bytes, 'block index entry');
  const status = STATUS_NAMES[r.u8('status')];
  if (!status) throw new GridPeerError('STORE_CORRUPT', `index entry ${hash} has an unknown status`, { hash });
  let totalWork = 0n;
  for (const byte of r.fixed(HASH_BYTES, 'totalWork')) totalWork = (totalWork << 8n) | BigInt(byte);
  const header = decodeHeader(r.fixed(r.remaining, 'header'));
  return { hash, header, totalWork, status };
}

/** Undo bytes: u32 count, then per key: u16 key length ‖ key ‖ u8 present ‖ (u32 length ‖ value). */
export function encodeUndo(changes: StateChanges): Uint8Array {
  const w = new Writer(256).u32(changes.size);
  for (const [key, value] of changes) {
    const keyBytes = Buffer.from(key, 'utf8');
    w.u16(keyBytes.length).raw(keyBytes);
    if (value === null) w.u8(0);
    else w.u8(1).bytes32(value);
  }
  return w.finish();
}

export function decodeUndo(bytes: Uint8Array): Map<string, Uint8Array | null> {
  const r = new Reader(bytes, 'undo record');
  const count = r.u32('count');
  const out = new Map<string, Uint8Array | null>();
  for (let i = 0; i < count; i++) {
    const key = Buffer.from(r.fixed(r.u16('keyLength'), 'key')).toString('utf8');
    const present = r.u8('present');
    out.set(key, present === 1 ? r.bytes32('value', 1 << 24) : null);
  }
  r.end();
  return out;
}
