/**
 * @module ledger/merkle
 * Binary Merkle tree over 32-byte leaves (seed 001 Fig. 3.3; seed 000 Fig. 1: the block header commits to the
 * root of its transactions). Leaves and inner nodes are hashed with different prefixes (RFC 6962 §2.1), and an
 * odd node is promoted unchanged instead of being paired with itself, which closes Bitcoin's duplicate-leaf
 * mutation (CVE-2012-2459): two different leaf lists never share a root.
 *
 *   leafHash  = SHA-256(0x00 ‖ leaf)
 *   innerHash = SHA-256(0x01 ‖ left ‖ right)
 *   root([])  = SHA-256("")
 */
import { bytesEqual, type Hash32, sha256 } from '../crypto/index.js';

const LEAF_PREFIX = 0x00;
const INNER_PREFIX = 0x01;

/** One step of an inclusion proof: the sibling hash and whether it sits to the left of the running hash. */
export interface MerkleStep {
  readonly sibling: Hash32;
  readonly siblingOnLeft: boolean;
}

export function merkleLeafHash(leaf: Uint8Array): Hash32 {
  const buf = Buffer.allocUnsafe(1 + leaf.length);
  buf[0] = LEAF_PREFIX;
  buf.set(leaf, 1);
  return sha256(buf);
}

function innerHash(left: Uint8Array, right: Uint8Array, scratch: Buffer): Hash32 {
  scratch[0] = INNER_PREFIX;
  scratch.set(left, 1);
  scratch.set(right, 33);
  return sha256(scratch);
}

/** Root of the tree over `leaves` (each typically a transaction id). */
export function merkleRoot(leaves: readonly Uint8Array[]): Hash32 {
  if (leaves.length === 0) return sha256(new Uint8Array(0));
  return rootOfLeafHashes(leaves.map(merkleLeafHash));
}

/** Root over already-hashed leaves (callers that cache leaf hashes, such as the state root). */
export function rootOfLeafHashes(leafHashes: readonly Hash32[]): Hash32 {
  if (leafHashes.length === 0) return sha256(new Uint8Array(0));
  const scratch = Buffer.allocUnsafe(65);
  let level: Hash32[] = leafHashes.slice();
  while (level.length > 1) {
    const next: Hash32[] = [];
    for (let i = 0; i < level.length; i += 2) {
      const left = level[i]!;
      const right = level[i + 1];
      next.push(right === undefined ? left : innerHash(left, right, scratch));
    }
    level = next;
  }
  return level[0]!;
}

/** Inclusion proof of the leaf at `index`; empty for a one-leaf tree. */
export function merkleProof(leaves: readonly Uint8Array[], index: number): MerkleStep[] {
  return merkleProofOfLeafHashes(leaves.map(merkleLeafHash), index);
}

/**
 * {@link merkleProof} from leaf hashes already computed (the state keeps one per entry, so a proof that an entry
 * is under a state root needs no rehashing of the other entries).
 */
export function merkleProofOfLeafHashes(leafHashes: readonly Hash32[], index: number): MerkleStep[] {
  if (!Number.isInteger(index) || index < 0 || index >= leafHashes.length) return [];
  const scratch = Buffer.allocUnsafe(65);
  const proof: MerkleStep[] = [];
  let level: readonly Hash32[] = leafHashes;
  let position = index;
  while (level.length > 1) {
    const siblingIndex = position % 2 === 0 ? position + 1 : position - 1;
    const sibling = level[siblingIndex];
    if (sibling !== undefined) proof.push({ sibling, siblingOnLeft: siblingIndex < position });
    const next: Hash32[] = [];
    for (let i = 0; i < level.length; i += 2) {
      const left = level[i]!;
      const right = level[i + 1];
      next.push(right === undefined ? left : innerHash(left, right, scratch));
    }
    level = next;
    position = Math.floor(position / 2);
  }
  return proof;
}

/** True when `proof` shows `leaf` is in the tree with `root`: anyone can check a transaction is in a block. */
export function verifyMerkleProof(leaf: Uint8Array, proof: readonly MerkleStep[], root: Uint8Array): boolean {
  const scratch = Buffer.allocUnsafe(65);
  let running = merkleLeafHash(leaf);
  for (const step of proof) {
    running = step.siblingOnLeft
      ? innerHash(step.sibling, running, scratch)
      : innerHash(running, step.sibling, scratch);
  }
  return bytesEqual(running, root);
}
