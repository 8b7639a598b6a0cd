/**
 * @module ledger/block
 * Block headers and blocks (MISSION L1; seed 000 Fig. 1: previous-block hash, nonce, Merkle root; seed 003
 * Fig. 5: hash value, data, nonce, timestamp). The header has a fixed binary layout, big-endian:
 * ```
 * offset size field
 *      0    4 version
 *      4    4 height            (genesis = 0)
 *      8   32 prevHash          (all zeros for genesis, seed 000 §2.2)
 *     40   32 txRoot            Merkle root of the transaction ids (ledger/merkle)
 *     72   32 stateRoot         root of the state after this block (ledger/state)
 *    104    8 timestampMs
 *    112    4 bits              compact PoW target (consensus/pow); 0 for engines without a target
 *    116   20 miner             address that receives the reward
 *    136    8 nonce             PoW solution; word-aligned in the third SHA-256 block, so the nonce search
 *                               precomputes the first two blocks once (consensus/pow/search)
 *    144    1 extraLength       then `extra` bytes: the seal of signature-based engines (PoS, PoA); empty for PoW
 * ```
 * The block hash is SHA-256 of these bytes. A block is its header followed by u32 tx count and each
 * transaction (u32 length + canonical bytes).
 */
import {
  ADDRESS_BYTES,
  type Address,
  addressFromBytes,
  addressToBytes,
  fromHex,
  HASH_BYTES,
  type Hash32,
  sha256,
  toHex,
} from '../crypto/index.js';
import { GridPeerError } from '../errors/index.js';
import { parseUint } from '../units/index.js';
import { Reader, Writer } from './codec.js';
import { merkleRoot } from './merkle.js';
import { decodeTx, encodeTx, MAX_TX_BYTES, type Transaction, type TxJson, txFromJSON, txHash, txToJSON } from './tx.js';

export const BLOCK_VERSION = 1;
/** Longest consensus `extra` field: room for a 32-byte key and a 64-byte signature plus slack. */
export const MAX_HEADER_EXTRA_BYTES = 128;
/** Byte length of a header with an empty `extra`. */
export const HEADER_BASE_BYTES = 145;
/** Offset of the 8-byte nonce inside the encoded header. */
export const HEADER_NONCE_OFFSET = 136;
/** Hard decode ceiling; the chain's own (smaller) limit is a consensus parameter checked in validation. */
export const MAX_BLOCK_TXS_DECODE = 100_000;

export interface BlockHeader {
  readonly version: number;
  readonly height: number;
  readonly prevHash: Hash32;
  readonly txRoot: Hash32;
  readonly stateRoot: Hash32;
  readonly timestampMs: number;
  readonly bits: number;
  readonly miner: Address;
  readonly extra: Uint8Array;
  readonly nonce: bigint;
}

export interface Block {
  readonly header: BlockHeader;
  readonly txs: readonly Transaction[];
}

const headerBytesCache = new WeakMap<object, Uint8Array>();
const headerHashCache = new WeakMap<object, Hash32>();

export function encodeHeader(header: BlockHeader): Uint8Array {
  let bytes = headerBytesCache.get(header);
  if (!bytes) {
    bytes = new Writer(HEADER_BASE_BYTES + header.extra.length)
      .u32(header.version)
      .u32(header.height)
      .fixed(header.prevHash, HASH_BYTES)
      .fixed(header.txRoot, HASH_BYTES)
      .fixed(header.stateRoot, HASH_BYTES)
      .u64n(header.timestampMs)
      .u32(header.bits)
      .fixed(addressToBytes(header.miner, 'miner'), ADDRESS_BYTES)
      .u64(header.nonce)
      .bytes8(header.extra)
      .finish();
    if (Object.isFrozen(header)) headerBytesCache.set(header, bytes);
  }
  return bytes;
}

/** Block hash: SHA-256 of the encoded header. */
export function headerHash(header: BlockHeader): Hash32 {
  let digest = headerHashCache.get(header);
  if (!digest) {
    digest = sha256(encodeHeader(header));
    if (Object.isFrozen(header)) headerHashCache.set(header, digest);
  }
  return digest;
}

export function blockHash(block: Block): Hash32 {
  return headerHash(block.header);
}

export function blockHashHex(block: Block): string {
  return toHex(headerHash(block.header));
}

function readHeader(r: Reader): BlockHeader {
  const header: BlockHeader = {
    version: r.u32('header.version'),
    height: r.u32('header.height'),
    prevHash: r.fixed(HASH_BYTES, 'header.prevHash'),
    txRoot: r.fixed(HASH_BYTES, 'header.txRoot'),
    stateRoot: r.fixed(HASH_BYTES, 'header.stateRoot'),
    timestampMs: r.u64n('header.timestampMs'),
    bits: r.u32('header.bits'),
    miner: addressFromBytes(r.fixed(ADDRESS_BYTES, 'header.miner')),
    nonce: r.u64('header.nonce'),
    extra: r.bytes8('header.extra', MAX_HEADER_EXTRA_BYTES),
  };
  return Object.freeze(header);
}

export function decodeHeader(bytes: Uint8Array): BlockHeader {
  const r = new Reader(bytes, 'block header');
  const header = readHeader(r);
  r.end();
  return header;
}

export function encodeBlock(block: Block): Uint8Array {
  const w = new Writer(HEADER_BASE_BYTES + 8 + block.txs.length * 200);
  w.raw(encodeHeader(block.header)).u32(block.txs.length);
  for (const tx of block.txs) w.bytes32(encodeTx(tx));
  return w.finish();
}

/**
 * Decodes a block (strict: trailing bytes, oversized transactions and unknown kinds are rejected).
 * @throws GridPeerError CODEC_* naming the field.
 */
export function decodeBlock(bytes: Uint8Array): Block {
  const r = new Reader(bytes, 'block');
  const header = readHeader(r);
  const txCount = r.u32('txCount');
  if (txCount > MAX_BLOCK_TXS_DECODE) {
    throw new GridPeerError('CODEC_OUT_OF_RANGE', `block declares ${txCount} transactions`, { field: 'txCount' });
  }
  const txs: Transaction[] = [];
  for (let i = 0; i < txCount; i++) txs.push(decodeTx(r.bytes32(`txs[${i}]`, MAX_TX_BYTES)));
  r.end();
  return Object.freeze({ header, txs: Object.freeze(txs) });
}

/** Merkle root over the ids of `txs` (the header's txRoot). */
export function computeTxRoot(txs: readonly Transaction[]): Hash32 {
  return merkleRoot(txs.map(txHash));
}

export interface HeaderJson {
  hash: string;
  version: number;
  height: number;
  prevHash: string;
  txRoot: string;
  stateRoot: string;
  timestampMs: number;
  bits: number;
  miner: Address;
  extra: string;
  nonce: string;
}

export interface BlockJson {
  hash: string;
  header: HeaderJson;
  txs: TxJson[];
}

export function headerToJSON(header: BlockHeader): HeaderJson {
  return {
    hash: toHex(headerHash(header)),
    version: header.version,
    height: header.height,
    prevHash: toHex(header.prevHash),
    txRoot: toHex(header.txRoot),
    stateRoot: toHex(header.stateRoot),
    timestampMs: header.timestampMs,
    bits: header.bits,
    miner: header.miner,
    extra: toHex(header.extra),
    nonce: header.nonce.toString(),
  };
}

export function blockToJSON(block: Block): BlockJson {
  return { hash: blockHashHex(block), header: headerToJSON(block.header), txs: block.txs.map(txToJSON) };
}

function objectField(value: unknown, name: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new GridPeerError('INVALID_ARGUMENT', `${name} must be a JSON object`, { field: name });
  }
  return value as Record<string, unknown>;
}

/**
 * Rebuilds a header from its JSON view; `hash` is derived and ignored here (validation compares it).
 * @throws GridPeerError naming the field.
 */
export function headerFromJSON(value: unknown): BlockHeader {
  const json = objectField(value, 'header');
  const nonceText = json['nonce'];
  if (typeof nonceText !== 'string' || !/^\d{1,20}$/.test(nonceText) || BigInt(nonceText) >= 2n ** 64n) {
    throw new GridPeerError('INVALID_ARGUMENT', 'header.nonce must be a decimal string in u64 range', {
      field: 'header.nonce',
    });
  }
  const miner = json['miner'];
  addressToBytes(miner, 'header.miner');
  const extra = fromHex(json['extra'] ?? '', 'header.extra');
  if (extra.length > MAX_HEADER_EXTRA_BYTES) {
    throw new GridPeerError('INVALID_ARGUMENT', `header.extra longer than ${MAX_HEADER_EXTRA_BYTES} bytes`, {
      field: 'header.extra',
    });
  }
  return Object.freeze({
    version: parseUint(json['version'], 'header.version', 0xffffffff),
    height: parseUint(json['height'], 'header.height', 0xffffffff),
    prevHash: fromHex(json['prevHash'], 'header.prevHash', HASH_BYTES),
    txRoot: fromHex(json['txRoot'], 'header.txRoot', HASH_BYTES),
    stateRoot: fromHex(json['stateRoot'], 'header.stateRoot', HASH_BYTES),
    timestampMs: parseUint(json['timestampMs'], 'header.timestampMs'),
    bits: parseUint(json['bits'], 'header.bits', 0xffffffff),
    miner: miner as Address,
    extra,
    nonce: BigInt(nonceText),
  });
}

export function blockFromJSON(value: unknown): Block {
  const json = objectField(value, 'block');
  const txs = json['txs'];
  if (!Array.isArray(txs)) throw new GridPeerError('INVALID_ARGUMENT', 'block.txs must be an array', { field: 'txs' });
  return Object.freeze({ header: headerFromJSON(json['header']), txs: Object.freeze(txs.map(txFromJSON)) });
}
