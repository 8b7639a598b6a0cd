import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { bytesEqual, toHex } from '../../src/crypto/index.js';
import {
  merkleLeafHash,
  merkleProof,
  merkleRoot,
  rootOfLeafHashes,
  verifyMerkleProof,
} from '../../src/ledger/merkle.js';
import { runs } from '../helpers/arbitraries.js';

const leafLists = fc.array(fc.uint8Array({ minLength: 0, maxLength: 40 }), { minLength: 1, maxLength: 70 });

describe('Merkle trees (property)', () => {
  it('the proof of every index verifies against the root', () => {
    fc.assert(
      fc.property(leafLists, (leaves) => {
        const root = merkleRoot(leaves);
        const maxSteps = Math.ceil(Math.log2(leaves.length));
        leaves.forEach((leaf, index) => {
          const proof = merkleProof(leaves, index);
          assert.ok(proof.length <= maxSteps);
          assert.equal(verifyMerkleProof(leaf, proof, root), true, `index ${index} of ${leaves.length}`);
        });
      }),
      runs(200),
    );
  });

  it('a proof does not verify a leaf that differs from the proven one', () => {
    fc.assert(
      fc.property(leafLists, fc.nat(), fc.uint8Array({ maxLength: 40 }), (leaves, pick, other) => {
        const index = pick % leaves.length;
        fc.pre(!bytesEqual(other, leaves[index]!));
        assert.equal(verifyMerkleProof(other, merkleProof(leaves, index), merkleRoot(leaves)), false);
      }),
      runs(300),
    );
  });

  it('changing one leaf changes the root', () => {
    fc.assert(
      fc.property(leafLists, fc.nat(), fc.uint8Array({ maxLength: 40 }), (leaves, pick, other) => {
        const index = pick % leaves.length;
        fc.pre(!bytesEqual(other, leaves[index]!));
        const changed = leaves.slice();
        changed[index] = other;
        assert.notEqual(toHex(merkleRoot(changed)), toHex(merkleRoot(leaves)));
      }),
      runs(300),
    );
  });

  it('appending a copy of the last leaf changes the root (no duplicate-leaf mutation)', () => {
    fc.assert(
      fc.property(leafLists, (leaves) => {
        assert.notEqual(toHex(merkleRoot([...leaves, leaves[leaves.length - 1]!])), toHex(merkleRoot(leaves)));
      }),
      runs(300),
    );
  });

  it('rootOfLeafHashes over the leaf hashes equals merkleRoot', () => {
    fc.assert(
      fc.property(leafLists, (leaves) => {
        assert.ok(bytesEqual(rootOfLeafHashes(leaves.map(merkleLeafHash)), merkleRoot(leaves)));
      }),
      runs(200),
    );
  });
});
