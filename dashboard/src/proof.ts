/**
 * In-browser checks of the node's proof documents (no DOM, no Buffer):
 *  - a trade receipt (`gridpeer-receipt/1`, src/contract/receipt.ts): the header hashes to `blockHash`, the state
 *    key is the trade's, and the Merkle path leads from the state entry's leaf to `header.stateRoot`;
 *  - a transaction inclusion proof (`gridpeer-tx-proof/1`, src/chain/txProof.ts): the path leads from the tx id to
 *    `header.txRoot`.
 * Leaves and inner nodes follow RFC 6962 (src/ledger/merkle.ts): leaf = SHA-256(0x00 ‖ leaf),
 * inner = SHA-256(0x01 ‖ left ‖ right); a state entry's leaf is u16be keyLen ‖ key (UTF-8) ‖ value.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { ByteWriter, bytesEqual, concatBytes, fromHex, toHex, utf8 } from './bytes.js';

export interface MerkleStepJson {
  readonly sibling: string;
  readonly siblingOnLeft: boolean;
}

export interface HeaderJson {
  readonly hash?: string;
  readonly version: number;
  readonly height: number;
  readonly prevHash: string;
  readonly txRoot: string;
  readonly stateRoot: string;
  readonly timestampMs: number;
  readonly bits: number;
  readonly miner: string;
  readonly extra: string;
  readonly nonce: string;
}

export type CheckResult =
  | { readonly valid: true; readonly checks: readonly string[] }
  | { readonly valid: false; readonly reason: string; readonly checks: readonly string[] };

export function merkleLeafHash(leaf: Uint8Array): Uint8Array {
  return sha256(concatBytes(new Uint8Array([0]), leaf));
}

export function merkleInnerHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  return sha256(concatBytes(new Uint8Array([1]), left, right));
}

/** u16be key length ‖ key (UTF-8) ‖ value (src/ledger/state.ts stateEntryLeaf). */
export function stateEntryLeaf(key: string, value: Uint8Array): Uint8Array {
  const keyBytes = utf8(key);
  return new ByteWriter(2 + keyBytes.length + value.length).u16(keyBytes.length).raw(keyBytes).raw(value).finish();
}

/** The root a proof leads to from a leaf (already-hashed leaf: pass `leafHash`). */
export function rootFromPath(leafHash: Uint8Array, path: readonly MerkleStepJson[]): Uint8Array {
  let running = leafHash;
  for (const [i, step] of path.entries()) {
    const sibling = fromHex(String(step.sibling), `path[${i}].sibling`, 32);
    running = step.siblingOnLeft === true ? merkleInnerHash(sibling, running) : merkleInnerHash(running, sibling);
  }
  return running;
}

/** Canonical header bytes (src/ledger/block.ts encodeHeader). */
export function encodeHeader(header: HeaderJson): Uint8Array {
  const miner = String(header.miner);
  if (!/^gp[0-9a-f]{40}$/.test(miner)) throw new Error('header.miner is not an address');
  return new ByteWriter(200)
    .u32(header.version, 'header.version')
    .u32(header.height, 'header.height')
    .fixed(fromHex(header.prevHash, 'header.prevHash', 32), 32)
    .fixed(fromHex(header.txRoot, 'header.txRoot', 32), 32)
    .fixed(fromHex(header.stateRoot, 'header.stateRoot', 32), 32)
    .u64n(header.timestampMs, 'header.timestampMs')
    .u32(header.bits, 'header.bits')
    .fixed(fromHex(miner.slice(2), 'header.miner', 20), 20)
    .u64(BigInt(header.nonce), 'header.nonce')
    .bytes8(fromHex(header.extra, 'header.extra'), 'header.extra')
    .finish();
}

export function headerHashHex(header: HeaderJson): string {
  return toHex(sha256(encodeHeader(header)));
}

/** State key of trade `<slot>-<index>`: mkt/trade/<slot, 10 digits>/<index, 10 digits> (src/contract/keys.ts). */
export function tradeStateKey(tradeId: string): string | undefined {
  const match = /^(\d{1,10})-(\d{1,10})$/.exec(tradeId);
  if (match === null) return undefined;
  const slot = Number(match[1]);
  const index = Number(match[2]);
  if (slot > 0xffffffff || index > 0xffffffff) return undefined;
  return `mkt/trade/${String(slot).padStart(10, '0')}/${String(index).padStart(10, '0')}`;
}

function asRecord(value: unknown): Record<string, unknown> | null {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

/** Checks a `gridpeer-receipt/1` document in the browser. Never throws. */
export function verifyReceipt(value: unknown): CheckResult {
  const checks: string[] = [];
  try {
    const json = asRecord(value);
    if (json === null || json['format'] !== 'gridpeer-receipt/1') {
      return { valid: false, reason: 'format must be "gridpeer-receipt/1"', checks };
    }
    const header = asRecord(json['header']) as HeaderJson | null;
    if (header === null) return { valid: false, reason: 'the receipt has no header', checks };
    const hash = headerHashHex(header);
    if (hash !== json['blockHash']) return { valid: false, reason: 'the header does not hash to blockHash', checks };
    checks.push(`header hashes to block ${hash.slice(0, 16)}… (height ${header.height})`);
    const tradeId = String(json['tradeId']);
    const stateKey = String(json['stateKey']);
    if (tradeStateKey(tradeId) !== stateKey) {
      return { valid: false, reason: `stateKey ${stateKey} is not the key of trade ${tradeId}`, checks };
    }
    checks.push(`state key ${stateKey} is trade ${tradeId}`);
    const stateValue = fromHex(String(json['stateValue']), 'stateValue');
    const path = json['path'];
    if (!Array.isArray(path)) return { valid: false, reason: 'path must be an array', checks };
    const root = rootFromPath(merkleLeafHash(stateEntryLeaf(stateKey, stateValue)), path as MerkleStepJson[]);
    if (!bytesEqual(root, fromHex(header.stateRoot, 'header.stateRoot', 32))) {
      return {
        valid: false,
        reason: "the Merkle path does not lead from the trade to the header's state root",
        checks,
      };
    }
    checks.push(`Merkle path of ${path.length} steps leads to stateRoot ${header.stateRoot.slice(0, 16)}…`);
    return { valid: true, checks };
  } catch (error) {
    return { valid: false, reason: error instanceof Error ? error.message : String(error), checks };
  }
}

/** Checks a transaction inclusion proof (`/v1/txs/:hash` → proof). Never throws. */
export function verifyTxProof(value: unknown): CheckResult {
  const checks: string[] = [];
  try {
    const json = asRecord(value);
    if (json === null) return { valid: false, reason: 'no proof', checks };
    const header = asRecord(json['header']) as HeaderJson | null;
    if (header === null) return { valid: false, reason: 'the proof has no header', checks };
    const hash = headerHashHex(header);
    if (hash !== json['blockHash']) return { valid: false, reason: 'the header does not hash to blockHash', checks };
    checks.push(`header hashes to block ${hash.slice(0, 16)}…`);
    const path = json['path'];
    if (!Array.isArray(path)) return { valid: false, reason: 'path must be an array', checks };
    const leaf = fromHex(String(json['txHash']), 'txHash', 32);
    const root = rootFromPath(merkleLeafHash(leaf), path as MerkleStepJson[]);
    if (!bytesEqual(root, fromHex(header.txRoot, 'header.txRoot', 32))) {
      return {
        valid: false,
        reason: "the Merkle path does not lead from the transaction to the header's txRoot",
        checks,
      };
    }
    checks.push(`Merkle path of ${path.length} steps leads to txRoot ${header.txRoot.slice(0, 16)}…`);
    return { valid: true, checks };
  } catch (error) {
    return { valid: false, reason: error instanceof Error ? error.message : String(error), checks };
  }
}
