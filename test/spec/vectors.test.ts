/**
 * The committed test vectors (test/vectors/ledger.json) pin the canonical encoding: every value is rebuilt
 * here from the vector's own inputs (seeds, fields, leaves, allocations, targets) through the current code and
 * compared byte for byte, so any change to an encoding, hash or signature rule fails a test. If such a change
 * is intended, regenerate with `npx tsx scripts/gen-vectors.ts` and review the diff.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { LedgerVectors } from '../../scripts/gen-vectors.js';
import {
  buildVectors,
  type HeaderFieldsVector,
  renderVectors,
  type TxVector,
  VECTORS_PATH,
} from '../../scripts/gen-vectors.js';
import { PowConsensus } from '../../src/consensus/pow/index.js';
import { bitsToTarget, targetForLeadingZeroBits, targetToBits } from '../../src/consensus/pow/target.js';
import { fromHex, keyPairFromPrivateKey, sha256, toHex } from '../../src/crypto/index.js';
import {
  type BlockHeader,
  computeTxRoot,
  decodeBlock,
  decodeHeader,
  encodeBlock,
  encodeHeader,
  headerFromJSON,
  headerHash,
} from '../../src/ledger/block.js';
import { merkleProof, merkleRoot, verifyMerkleProof } from '../../src/ledger/merkle.js';
import { DEFAULT_CHAIN_PARAMS } from '../../src/ledger/params.js';
import { genesisState } from '../../src/ledger/state.js';
import {
  decodeTx,
  encodeTx,
  type RewardTx,
  signTx,
  type Transaction,
  type TransferTx,
  txFromJSON,
  txHashHex,
  txSigningHash,
  txToJSON,
  verifyTxSignature,
} from '../../src/ledger/tx.js';
import { applyBlock, checkBlock, checkHeaderContext } from '../../src/ledger/validation.js';
import { assertSameValue, assertValid } from '../helpers/assertions.js';

const fileText = readFileSync(VECTORS_PATH, 'utf8');
const vectors = JSON.parse(fileText) as LedgerVectors;

const seedOf = (name: string) => {
  const key = vectors.keys.find((k) => k.name === name);
  assert.ok(key, `no key named ${name}`);
  return fromHex(key.seed, 'seed', 32);
};

/** The transaction described by a vector's fields, built field by field (not through the JSON reader). */
function txFromFields(vector: TxVector): Transaction {
  const f = vector.fields;
  const common = {
    version: f.version,
    chainId: f.chainId,
    senderPublicKey: fromHex(f.senderPublicKey),
    nonce: f.nonce,
    feeMicro: BigInt(f.feeMicro),
    timestampMs: f.timestampMs,
    to: f.to ?? assert.fail(`vector ${vector.name}: a ${f.kind} has a "to"`),
    amountMicro: BigInt(f.amountMicro ?? assert.fail(`vector ${vector.name}: a ${f.kind} has an "amountMicro"`)),
  };
  if (f.kind === 'reward') {
    return Object.freeze({ kind: 'reward', ...common, signature: new Uint8Array(64) }) satisfies RewardTx;
  }
  assert.equal(f.kind, 'transfer');
  assert.ok(vector.signer);
  return signTx<TransferTx>({ kind: 'transfer', ...common, energyWh: f.energyWh ?? 0 }, seedOf(vector.signer));
}

function headerFromFields(f: HeaderFieldsVector): BlockHeader {
  return Object.freeze({
    version: f.version,
    height: f.height,
    prevHash: fromHex(f.prevHash, 'prevHash', 32),
    txRoot: fromHex(f.txRoot, 'txRoot', 32),
    stateRoot: fromHex(f.stateRoot, 'stateRoot', 32),
    timestampMs: f.timestampMs,
    bits: f.bits,
    miner: f.miner,
    extra: fromHex(f.extra),
    nonce: BigInt(f.nonce),
  });
}

describe('vectors file', () => {
  it('is what the generator produces today, byte for byte', () => {
    assert.equal(renderVectors(buildVectors()), fileText);
  });

  it('covers keys, transfers, a reward, two blocks, Merkle roots for 0..9 leaves, a state and compact bits', () => {
    assert.ok(vectors.keys.length >= 3);
    assert.ok(vectors.transactions.some((t) => t.fields.kind === 'transfer'));
    assert.ok(vectors.transactions.some((t) => t.fields.kind === 'reward'));
    assert.deepEqual(
      vectors.merkle.roots.map((r) => r.count),
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    );
    assert.equal(vectors.blocks.length, 2);
    assert.ok(vectors.state.entries.length > 0);
    assert.ok(vectors.compact.leadingZeroBits.some((c) => c.leadingZeroBits === 16));
  });

  it('uses the default chain parameters', () => {
    assert.equal(vectors.chainParams.chainId, DEFAULT_CHAIN_PARAMS.chainId);
    assert.equal(BigInt(vectors.chainParams.blockRewardMicro), DEFAULT_CHAIN_PARAMS.blockRewardMicro);
  });
});

describe('key vectors', () => {
  for (const vector of vectors.keys) {
    it(`${vector.name}: seed → public key and address`, () => {
      const pair = keyPairFromPrivateKey(fromHex(vector.seed, 'seed', 32));
      assert.equal(toHex(pair.publicKey), vector.publicKey);
      assert.equal(pair.address, vector.address);
      assert.equal(pair.address, `gp${toHex(sha256(pair.publicKey).subarray(0, 20))}`);
    });
  }
});

describe('transaction vectors', () => {
  for (const vector of vectors.transactions) {
    describe(vector.name, () => {
      it('fields → signature (Ed25519 is deterministic)', () => {
        assert.equal(toHex(txFromFields(vector).signature), vector.signature);
      });

      it('fields → signing hash', () => {
        assert.equal(toHex(txSigningHash(txFromFields(vector))), vector.signingHash);
      });

      it('fields → canonical bytes', () => {
        assert.equal(toHex(encodeTx(txFromFields(vector))), vector.hex);
      });

      it('fields → transaction id', () => {
        assert.equal(txHashHex(txFromFields(vector)), vector.hash);
        assert.equal(toHex(sha256(fromHex(vector.hex))), vector.hash);
      });

      it('canonical bytes → the same fields, signature and re-encoding', () => {
        const decoded = decodeTx(fromHex(vector.hex));
        assertSameValue(decoded, txFromFields(vector));
        assert.equal(toHex(encodeTx(decoded)), vector.hex);
        const { hash: _hash, from: _from, signature, ...fields } = txToJSON(decoded);
        assert.deepEqual(fields, vector.fields);
        assert.equal(signature, vector.signature);
      });

      it('JSON view (fields + signature) → the same bytes', () => {
        assert.equal(toHex(encodeTx(txFromJSON({ ...vector.fields, signature: vector.signature }))), vector.hex);
      });

      it(vector.signer ? 'the signature verifies' : 'a reward carries no signature', () => {
        const tx = decodeTx(fromHex(vector.hex));
        assert.equal(verifyTxSignature(tx), vector.signer !== null);
        if (vector.signer) {
          const signer = vectors.keys.find((k) => k.name === vector.signer)!;
          assert.equal(vector.fields.senderPublicKey, signer.publicKey);
        } else {
          assert.equal(vector.signature, '00'.repeat(64));
        }
      });
    });
  }
});

describe('block vectors', () => {
  const consensus = new PowConsensus(
    {
      initialDifficultyBits: vectors.pow.difficultyBits,
      minDifficultyBits: 1,
      targetBlockIntervalMs: 10_000,
      retargetEveryBlocks: 10,
      maxAdjustFactor: 4,
    },
    { workers: 0 },
  );
  const txByName = new Map(vectors.transactions.map((t) => [t.name, t]));

  for (const vector of vectors.blocks) {
    describe(vector.name, () => {
      it('header fields → header bytes', () => {
        assert.equal(toHex(encodeHeader(headerFromFields(vector.header))), vector.headerHex);
      });

      it('header fields → block hash', () => {
        assert.equal(toHex(headerHash(headerFromFields(vector.header))), vector.hash);
      });

      it('header bytes → the same fields', () => {
        assertSameValue(decodeHeader(fromHex(vector.headerHex)), headerFromFields(vector.header));
      });

      it('header JSON view → the same bytes', () => {
        assert.equal(toHex(encodeHeader(headerFromJSON(vector.header))), vector.headerHex);
      });

      it('transactions → txRoot', () => {
        const txs = vector.txs.map((name) => decodeTx(fromHex(txByName.get(name)!.hex)));
        assert.equal(toHex(computeTxRoot(txs)), vector.txRoot);
        assert.equal(vector.header.txRoot, vector.txRoot);
      });

      it('header + transactions → block bytes, and back', () => {
        const txs = vector.txs.map((name) => decodeTx(fromHex(txByName.get(name)!.hex)));
        const block = { header: headerFromFields(vector.header), txs };
        assert.equal(toHex(encodeBlock(block)), vector.hex);
        const decoded = decodeBlock(fromHex(vector.hex));
        assert.equal(toHex(headerHash(decoded.header)), vector.hash);
        assert.deepEqual(
          decoded.txs.map(txHashHex),
          vector.txs.map((name) => txByName.get(name)!.hash),
        );
      });

      it('is a valid block: Merkle root, transactions, seal', () => {
        const block = decodeBlock(fromHex(vector.hex));
        assertValid(checkBlock(block, DEFAULT_CHAIN_PARAMS));
        assertValid(consensus.verifySeal(block.header));
        assert.equal(block.header.bits, vectors.pow.bits);
      });
    });
  }

  it('genesis carries the genesis state root and a zero prevHash', () => {
    const genesis = vectors.blocks[0]!;
    assert.equal(genesis.header.height, 0);
    assert.equal(genesis.header.prevHash, '00'.repeat(32));
    assert.equal(genesis.header.stateRoot, vectors.state.root);
    assert.equal(genesis.stateRootAfter, vectors.state.root);
  });

  it('block 1 links to genesis and applies to the genesis state, reaching its stateRoot', () => {
    const [genesisVector, blockVector] = vectors.blocks;
    const genesis = decodeBlock(fromHex(genesisVector!.hex));
    const block = decodeBlock(fromHex(blockVector!.hex));
    assert.equal(toHex(block.header.prevHash), genesisVector!.hash);
    assertValid(
      checkHeaderContext(
        block.header,
        genesis.header,
        [genesis.header.timestampMs],
        block.header.timestampMs,
        DEFAULT_CHAIN_PARAMS,
      ),
    );
    const state = genesisState(
      vectors.state.allocations.map((a) => ({ address: a.address, balanceMicro: BigInt(a.balanceMicro) })),
    );
    const applied = applyBlock(state, block, DEFAULT_CHAIN_PARAMS);
    assertValid(applied);
    assert.ok(applied.ok);
    assert.equal(toHex(applied.state.root()), blockVector!.stateRootAfter);
    assert.equal(blockVector!.header.stateRoot, blockVector!.stateRootAfter);
  });
});

describe('Merkle vectors', () => {
  const leaves = vectors.merkle.leaves.map((leaf) => fromHex(leaf, 'leaf', 32));

  it('leaf i is SHA-256("leaf-" + i)', () => {
    leaves.forEach((leaf, i) => {
      assert.equal(toHex(leaf), toHex(sha256(Buffer.from(`leaf-${i}`, 'ascii'))));
    });
  });

  for (const { count, root } of vectors.merkle.roots) {
    it(`root of the first ${count} leaves`, () => {
      assert.equal(toHex(merkleRoot(leaves.slice(0, count))), root);
    });
  }

  it('the inclusion proof is reproduced and verifies', () => {
    const { count, index, root, steps } = vectors.merkle.proof;
    const proof = merkleProof(leaves.slice(0, count), index);
    assert.deepEqual(
      proof.map((step) => ({ sibling: toHex(step.sibling), siblingOnLeft: step.siblingOnLeft })),
      steps,
    );
    const fromVector = steps.map((step) => ({ sibling: fromHex(step.sibling), siblingOnLeft: step.siblingOnLeft }));
    assert.equal(verifyMerkleProof(leaves[index]!, fromVector, fromHex(root)), true);
    assert.equal(verifyMerkleProof(leaves[index + 1]!, fromVector, fromHex(root)), false);
  });
});

describe('state vectors', () => {
  const state = genesisState(
    vectors.state.allocations.map((a) => ({ address: a.address, balanceMicro: BigInt(a.balanceMicro) })),
  );

  it('allocations → entries (keys and canonical values, in key order)', () => {
    assert.deepEqual(
      [...state.sortedEntries()].map(([key, value]) => ({ key, value: toHex(value) })),
      vectors.state.entries,
    );
  });

  it('allocations → supply', () => {
    assert.equal(state.supplyMicro().toString(), vectors.state.supplyMicro);
  });

  it('allocations → state root', () => {
    assert.equal(toHex(state.root()), vectors.state.root);
  });
});

describe('compact target vectors', () => {
  for (const vector of vectors.compact.leadingZeroBits) {
    it(`${vector.leadingZeroBits} leading zero bits → target 2^(256-L) → bits`, () => {
      const target = targetForLeadingZeroBits(vector.leadingZeroBits);
      assert.equal(target, BigInt(`0x${vector.target}`));
      assert.equal(target, 1n << BigInt(256 - vector.leadingZeroBits));
      assert.equal(targetToBits(target), vector.bits);
      assert.equal(bitsToTarget(vector.bits), target);
    });
  }

  for (const vector of vectors.compact.targets) {
    it(`target 0x${vector.target.replace(/^0+/, '')} → bits 0x${vector.bits.toString(16)}`, () => {
      const target = BigInt(`0x${vector.target}`);
      assert.equal(targetToBits(target), vector.bits);
      assert.equal(bitsToTarget(vector.bits), BigInt(`0x${vector.decoded}`));
      assert.ok(BigInt(`0x${vector.decoded}`) <= target);
    });
  }
});
