import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Chain } from '../../../src/chain/chain.js';
import { createConsensus } from '../../../src/consensus/create.js';
import { toHex } from '../../../src/crypto/index.js';
import { GridPeerError } from '../../../src/errors/index.js';
import { encodeBlock } from '../../../src/ledger/block.js';
import { txHashHex } from '../../../src/ledger/tx.js';
import { MemoryChainStore } from '../../../src/store/memory.js';
import {
  alice,
  bob,
  canonicalHashes,
  importAll,
  openTestChain,
  retargetGenesis,
  shorterHeavierFork,
  transfer,
} from '../../helpers/chainFixtures.js';
import { describeChainStoreContract } from '../../helpers/storeContract.js';

describeChainStoreContract('MemoryChainStore', {
  open: async () => new MemoryChainStore(),
  // A memory store cannot be closed and reopened: the same object stands for the reopened store.
  reopen: async (store) => store,
});

const isClosed = (error: unknown) => error instanceof GridPeerError && error.code === 'STORE_CLOSED';

describe('MemoryChainStore', () => {
  it('refuses every operation once closed', async () => {
    const store = new MemoryChainStore();
    await store.close();
    await assert.rejects(store.loadMeta(), isClosed);
    await assert.rejects(store.loadIndex(), isClosed);
    await assert.rejects(store.loadState(), isClosed);
    await assert.rejects(store.getCanonicalHash(0), isClosed);
    await assert.rejects(store.getBlock('00'), isClosed);
    await assert.rejects(store.getUndo('00'), isClosed);
    await assert.rejects(store.write({}), isClosed);
  });

  it('a second Chain opened on the same store sees the same chain, after a reorg too', async () => {
    const store = new MemoryChainStore();
    const ctx = await openTestChain({ store, genesis: retargetGenesis() });
    const tx = transfer(alice, bob.address, 42n, 0);
    const { long, short } = await shorterHeavierFork(ctx.forge);
    const longWithTx = await ctx.forge.extend(long[9]!.hash, { txs: [tx] });
    await importAll(
      ctx.chain,
      [...long, longWithTx].map((f) => f.block),
    );
    assert.equal(ctx.chain.height, 11);
    const statuses = await importAll(
      ctx.chain,
      short.map((f) => f.block),
    );
    // 11 slow blocks weigh 11·15; the fast branch outweighs them from its 5th block on (3·15 + 2·63).
    assert.deepEqual(statuses, ['side', 'side', 'side', 'side', 'head', 'head']);
    assert.equal(ctx.chain.height, 6);
    assert.ok(ctx.chain.mempool.has(txHashHex(tx)));
    for (let h = 7; h <= 11; h++) assert.equal(await store.getCanonicalHash(h), undefined, `height ${h}`);
    const reopened = await Chain.open({
      store,
      createConsensus: (section) => createConsensus(section, { pow: { workers: 0 } }),
      clock: ctx.clock,
    });
    assert.equal(reopened.head.hash, ctx.chain.head.hash);
    assert.deepEqual(canonicalHashes(reopened), canonicalHashes(ctx.chain));
    assert.equal(toHex(reopened.state.root()), toHex(ctx.chain.state.root()));
    for (let h = 0; h <= reopened.height; h++) {
      assert.equal(await store.getCanonicalHash(h), canonicalHashes(ctx.chain)[h]);
      const block = await reopened.getBlockByHeight(h);
      assert.deepEqual(block && encodeBlock(block), encodeBlock((await ctx.chain.getBlockByHeight(h))!));
    }
  });
});
