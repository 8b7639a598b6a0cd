import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { bytesEqual } from '../../../src/crypto/index.js';
import {
  merkleLeafHash,
  merkleProof,
  merkleRoot,
  rootOfLeafHashes,
  verifyMerkleProof,
} from '../../../src/ledger/merkle.js';

/** The rule documented in src/ledger/merkle.ts, written out recursively with node:crypto. */
function h(...parts: Uint8Array[]): Uint8Array {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return new Uint8Array(hash.digest());
}
function referenceRoot(leaves: Uint8Array[]): Uint8Array {
  if (leaves.length === 0) return h();
  let level = leaves.map((leaf) => h(new Uint8Array([0]), leaf));
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i < level.length; i += 2) {
      const right = level[i + 1];
      next.push(right ? h(new Uint8Array([1]), level[i]!, right) : level[i]!);
    }
    level = next;
  }
  return level[0]!;
}

function leavesOf(count: number): Uint8Array[] {
  return Array.from({ length: count }, (_, i) => h(new TextEncoder().encode(`leaf-${i}`)));
}

describe('merkleLeafHash', () => {
  it('is SHA-256(0x00 ‖ leaf)', () => {
    const leaf = new Uint8Array([1, 2, 3]);
    assert.ok(bytesEqual(merkleLeafHash(leaf), h(new Uint8Array([0, 1, 2, 3]))));
  });
});

describe('merkleRoot', () => {
  it('of no leaves is SHA-256 of the empty string', () => {
    assert.ok(bytesEqual(merkleRoot([]), h()));
    assert.ok(bytesEqual(rootOfLeafHashes([]), h()));
  });

  it('of one leaf is its leaf hash', () => {
    const [leaf] = leavesOf(1);
    assert.ok(bytesEqual(merkleRoot([leaf!]), merkleLeafHash(leaf!)));
  });

  for (let count = 0; count <= 17; count++) {
    it(`of ${count} leaves matches the reference rule (odd nodes promoted)`, () => {
      const leaves = leavesOf(count);
      assert.ok(bytesEqual(merkleRoot(leaves), referenceRoot(leaves)));
      assert.ok(bytesEqual(rootOfLeafHashes(leaves.map(merkleLeafHash)), merkleRoot(leaves)));
    });
  }

  it('does not let a duplicated last leaf share the root (CVE-2012-2459)', () => {
    const leaves = leavesOf(3);
    assert.ok(!bytesEqual(merkleRoot(leaves), merkleRoot([...leaves, leaves[2]!])));
    const five = leavesOf(5);
    assert.ok(!bytesEqual(merkleRoot(five), merkleRoot([...five, five[4]!])));
  });

  it('separates leaves from inner nodes: two leaves differ from one leaf holding their inner preimage', () => {
    const [a, b] = leavesOf(2);
    const innerPreimage = new Uint8Array([...merkleLeafHash(a!), ...merkleLeafHash(b!)]);
    assert.ok(!bytesEqual(merkleRoot([a!, b!]), merkleRoot([innerPreimage])));
  });

  it('depends on leaf order', () => {
    const leaves = leavesOf(4);
    assert.ok(!bytesEqual(merkleRoot(leaves), merkleRoot([leaves[1]!, leaves[0]!, leaves[2]!, leaves[3]!])));
  });

  it('does not modify its input list', () => {
    const leaves = leavesOf(5);
    const copy = leaves.map((leaf) => leaf.slice());
    merkleRoot(leaves);
    assert.ok(leaves.every((leaf, i) => bytesEqual(leaf, copy[i]!)));
  });
});

describe('merkleProof / verifyMerkleProof', () => {
  for (let count = 1; count <= 17; count++) {
    it(`every index of ${count} leaves proves against the root, with at most ceil(log2 n) steps`, () => {
      const leaves = leavesOf(count);
      const root = merkleRoot(leaves);
      const maxSteps = Math.ceil(Math.log2(count));
      for (let index = 0; index < count; index++) {
        const proof = merkleProof(leaves, index);
        assert.ok(proof.length <= maxSteps, `index ${index}: ${proof.length} steps`);
        assert.equal(verifyMerkleProof(leaves[index]!, proof, root), true, `index ${index}`);
      }
    });
  }

  it('a one-leaf tree has an empty proof', () => {
    assert.deepEqual(merkleProof(leavesOf(1), 0), []);
  });

  it('fails for a wrong leaf', () => {
    const leaves = leavesOf(7);
    const root = merkleRoot(leaves);
    for (let index = 0; index < 7; index++) {
      const other = leaves[(index + 1) % 7]!;
      assert.equal(verifyMerkleProof(other, merkleProof(leaves, index), root), false, `index ${index}`);
    }
  });

  it('fails for a wrong root', () => {
    const leaves = leavesOf(9);
    const otherRoot = merkleRoot(leavesOf(8));
    for (let index = 0; index < 9; index++) {
      assert.equal(verifyMerkleProof(leaves[index]!, merkleProof(leaves, index), otherRoot), false);
    }
  });

  it('fails when a sibling hash is changed', () => {
    const leaves = leavesOf(6);
    const root = merkleRoot(leaves);
    const proof = merkleProof(leaves, 2);
    const sibling = proof[0]!.sibling.slice();
    sibling[0]! ^= 1;
    const tampered = [{ ...proof[0]!, sibling }, ...proof.slice(1)];
    assert.equal(verifyMerkleProof(leaves[2]!, tampered, root), false);
  });

  it('fails when a step’s side is flipped', () => {
    const leaves = leavesOf(4);
    const root = merkleRoot(leaves);
    const proof = merkleProof(leaves, 1);
    const flipped = proof.map((step, i) => (i === 0 ? { ...step, siblingOnLeft: !step.siblingOnLeft } : step));
    assert.equal(verifyMerkleProof(leaves[1]!, flipped, root), false);
  });

  it('a promoted odd last leaf has a shorter proof', () => {
    const leaves = leavesOf(5);
    assert.equal(merkleProof(leaves, 4).length, 1);
    assert.equal(merkleProof(leaves, 0).length, 3);
  });

  for (const index of [-1, 5, 1.5, Number.NaN]) {
    it(`an out-of-range index ${index} gives an empty proof that does not verify`, () => {
      const leaves = leavesOf(5);
      const proof = merkleProof(leaves, index);
      assert.deepEqual(proof, []);
      assert.equal(verifyMerkleProof(leaves[0]!, proof, merkleRoot(leaves)), false);
    });
  }
});
