import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Chain } from '../../../src/chain/chain.js';
import {
  InlineSignatureVerifier,
  ParallelSignatureVerifier,
  type SignatureVerifier,
} from '../../../src/chain/verifier.js';
import { createConsensus } from '../../../src/consensus/create.js';
import { createReward, type Transaction, type TransferTx } from '../../../src/ledger/tx.js';
import { MemoryChainStore } from '../../../src/store/memory.js';
import { ManualClock } from '../../../src/units/time.js';
import {
  alice,
  BlockForge,
  CLOCK_START_MS,
  fixedKey,
  GENESIS_MS,
  minerA,
  sealHeader,
  testConsensus,
  testGenesis,
  transfer,
} from '../../helpers/chainFixtures.js';

const COUNT = 100;
let txs: TransferTx[];

before(() => {
  // 100 transfers from alice with consecutive nonces (valid in one block).
  txs = Array.from({ length: COUNT }, (_, i) => transfer(alice, fixedKey(0x60).address, 1n, i));
});

function withBadSignature(tx: TransferTx): TransferTx {
  const signature = new Uint8Array(tx.signature);
  signature[63]! ^= 0x01;
  return Object.freeze({ ...tx, signature });
}

function corrupt(indices: readonly number[]): Transaction[] {
  return txs.map((tx, i) => (indices.includes(i) ? withBadSignature(tx) : tx));
}

const reward = createReward({ chainId: 1337, height: 1, to: minerA.address, amountMicro: 1n, timestampMs: GENESIS_MS });

function describeVerifier(name: string, make: () => SignatureVerifier): void {
  describe(name, () => {
    let verifier: SignatureVerifier;
    before(() => {
      verifier = make();
    });
    after(async () => {
      await verifier.close();
    });

    it('returns -1 when every signature verifies (rewards are skipped)', async () => {
      assert.equal(await verifier.firstInvalid([reward, ...txs]), -1);
      assert.equal(await verifier.firstInvalid([]), -1);
      assert.equal(await verifier.firstInvalid(txs.slice(0, 3)), -1);
    });

    it('returns the index of the first bad signature in a large batch', async () => {
      assert.equal(await verifier.firstInvalid(corrupt([70])), 70);
      assert.equal(await verifier.firstInvalid(corrupt([99, 3, 50])), 3);
      assert.equal(await verifier.firstInvalid([reward, ...corrupt([0])]), 1);
      assert.equal(await verifier.firstInvalid(corrupt([COUNT - 1])), COUNT - 1);
    });

    it('returns the index of the first bad signature in a small batch', async () => {
      assert.equal(await verifier.firstInvalid([reward, ...corrupt([2]).slice(0, 5)]), 3);
    });

    it('treats a malformed public key as a bad signature', async () => {
      const badKey = Object.freeze({ ...txs[80]!, senderPublicKey: new Uint8Array(32).fill(0xff) });
      const batch = [...txs.slice(0, 80), badKey, ...txs.slice(81)];
      assert.equal(await verifier.firstInvalid(batch), 80);
    });
  });
}

describeVerifier('InlineSignatureVerifier', () => new InlineSignatureVerifier());
describeVerifier('ParallelSignatureVerifier (2 workers)', () => new ParallelSignatureVerifier(2));

describe('Chain with a ParallelSignatureVerifier', () => {
  it('rejects a large block with one bad signature, naming its index', async () => {
    const config = testGenesis();
    const clock = new ManualClock(CLOCK_START_MS);
    const verifier = new ParallelSignatureVerifier(2);
    const chain = await Chain.open({
      store: new MemoryChainStore(),
      genesis: config,
      createConsensus: (section) => createConsensus(section, { pow: { workers: 0 } }),
      clock,
      verifier,
    });
    try {
      const forge = new BlockForge(config, testConsensus(config), clock);
      const bad = forge.build(forge.genesis.hash, { txs: corrupt([66]) }).block;
      const badBlock = { header: await sealHeader(forge.consensus, bad.header), txs: bad.txs };
      const result = await chain.importBlock(badBlock);
      assert.equal(result.status, 'invalid');
      assert.equal(result.failure?.code, 'TX_BAD_SIGNATURE');
      assert.equal(result.failure?.txIndex, 67);
      const good = await forge.extend(forge.genesis.hash, { txs });
      assert.equal((await chain.importBlock(good.block)).status, 'head');
      assert.equal(chain.state.account(alice.address).nonce, COUNT);
    } finally {
      await chain.close();
    }
  });
});
