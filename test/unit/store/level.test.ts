import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Chain } from '../../../src/chain/chain.js';
import type { GenesisConfig } from '../../../src/chain/genesis.js';
import { Miner } from '../../../src/chain/miner.js';
import type { ChainStore } from '../../../src/chain/store.js';
import { createConsensus } from '../../../src/consensus/create.js';
import { toHex } from '../../../src/crypto/index.js';
import { GridPeerError } from '../../../src/errors/index.js';
import { encodeBlock } from '../../../src/ledger/block.js';
import { txHashHex } from '../../../src/ledger/tx.js';
import { LevelChainStore } from '../../../src/store/level.js';
import { ManualClock } from '../../../src/units/time.js';
import {
  alice,
  BlockForge,
  bob,
  CLOCK_START_MS,
  canonicalHashes,
  carol,
  importAll,
  minerA,
  minerB,
  retargetGenesis,
  shorterHeavierFork,
  testConsensus,
  testGenesis,
  transfer,
} from '../../helpers/chainFixtures.js';
import { describeChainStoreContract } from '../../helpers/storeContract.js';

const tempDirs: string[] = [];

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gridpeer-level-test-'));
  tempDirs.push(dir);
  return dir;
}

after(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

const dirOf = new WeakMap<ChainStore, string>();

describeChainStoreContract('LevelChainStore', {
  open: async () => {
    const dir = tempDir();
    const store = await LevelChainStore.open(dir);
    dirOf.set(store, dir);
    return store;
  },
  reopen: async (store) => {
    const dir = dirOf.get(store)!;
    await store.close();
    const reopened = await LevelChainStore.open(dir);
    dirOf.set(reopened, dir);
    return reopened;
  },
});

async function openChain(dir: string, clock: ManualClock, genesis?: GenesisConfig): Promise<Chain> {
  const store = await LevelChainStore.open(dir);
  try {
    return await Chain.open({
      store,
      ...(genesis ? { genesis } : {}),
      createConsensus: (section) => createConsensus(section, { pow: { workers: 0 } }),
      clock,
    });
  } catch (error) {
    await store.close();
    throw error;
  }
}

/** Everything a reopened chain must reproduce. */
async function summary(chain: Chain) {
  const blocks = await chain.getCanonicalBlocks();
  return {
    head: chain.head.hash,
    height: chain.height,
    stateRoot: toHex(chain.state.root()),
    headWork: chain.head.totalWork,
    canonical: canonicalHashes(chain),
    blocks: blocks.map((block) => toHex(encodeBlock(block))),
    accounts: chain.state.accounts().map(({ address, account }) => [address, account.balanceMicro, account.nonce]),
  };
}

describe('LevelChainStore under a Chain', () => {
  it('a mined chain closed and reopened has the same head, height, state and blocks', async () => {
    const dir = tempDir();
    const clock = new ManualClock(CLOCK_START_MS);
    const chain = await openChain(dir, clock, testGenesis());
    const miner = new Miner(chain, minerA.address);
    chain.addTransaction(transfer(alice, bob.address, 1_000n, 0, { feeMicro: 3n }));
    chain.addTransaction(transfer(bob, carol.address, 500n, 0));
    await miner.mineBlocks(2);
    chain.addTransaction(transfer(alice, carol.address, 7n, 1));
    clock.advance(1_000);
    await miner.mineBlocks(3);
    const before = await summary(chain);
    assert.equal(before.height, 5);
    await chain.close();

    // Reopened from what the store recorded, without the genesis configuration.
    const reopened = await openChain(dir, clock);
    try {
      assert.deepEqual(await summary(reopened), before);
      assert.equal(reopened.genesis.name, 'gridpeer-devnet');
      assert.equal(reopened.head.status, 'valid');
      assert.equal(reopened.mempool.size, 0);
      // And it keeps going.
      const [next] = await new Miner(reopened, minerB.address).mineBlocks(1);
      assert.equal(next?.height, 6);
    } finally {
      await reopened.close();
    }
  });

  it('a reorg is persisted, and the reopened chain can reorganise back (undo data survives)', async () => {
    const dir = tempDir();
    const clock = new ManualClock(CLOCK_START_MS);
    const config = testGenesis();
    const forge = new BlockForge(config, testConsensus(config), clock);
    const t1 = transfer(alice, bob.address, 100n, 0);
    const t2 = transfer(bob, carol.address, 200n, 0);
    const a = await forge.extendMany(forge.genesis.hash, 2, { txsAt: (i) => (i === 0 ? [t1] : []) });
    const b = await forge.extendMany(forge.genesis.hash, 3, {
      miner: minerB.address,
      txsAt: (i) => (i === 1 ? [t2] : []),
    });
    const aMore = await forge.extendMany(a[1]!.hash, 2);

    const chain = await openChain(dir, clock, config);
    assert.deepEqual(
      await importAll(
        chain,
        [...a, ...b].map((f) => f.block),
      ),
      ['head', 'head', 'side', 'side', 'head'],
    );
    const before = await summary(chain);
    await chain.close();

    const reopened = await openChain(dir, clock, config);
    try {
      assert.deepEqual(await summary(reopened), before);
      assert.equal(reopened.head.hash, b[2]!.hash);
      assert.equal(reopened.getEntry(a[0]!.hash)?.status, 'valid', 'once connected, still known valid');
      assert.ok(!reopened.isCanonical(a[0]!.hash));
      assert.equal(reopened.getEntry(b[0]!.hash)?.status, 'valid');
      // The mempool is not persisted: t1, readmitted by the reorg, is gone after the restart.
      assert.equal(reopened.mempool.size, 0);
      assert.deepEqual(await importAll(reopened, [aMore[0]!.block, aMore[1]!.block]), ['side', 'head']);
      assert.equal(toHex(reopened.state.root()), toHex(aMore[1]!.state.root()));
      assert.ok(reopened.mempool.has(txHashHex(t2)));
    } finally {
      await reopened.close();
    }
  });

  it('refuses a data directory of another network (CHAIN_GENESIS_MISMATCH)', async () => {
    const dir = tempDir();
    const clock = new ManualClock(CLOCK_START_MS);
    await (await openChain(dir, clock, testGenesis())).close();
    await assert.rejects(
      openChain(dir, clock, testGenesis({ difficultyBits: 6 })),
      (error: unknown) =>
        error instanceof GridPeerError &&
        error.code === 'CHAIN_GENESIS_MISMATCH' &&
        typeof error.details['stored'] === 'string' &&
        error.details['stored'] !== error.details['expected'],
    );
    // The refusal changed nothing: the right configuration still opens it.
    const chain = await openChain(dir, clock, testGenesis());
    assert.equal(chain.height, 0);
    await chain.close();
  });

  it('keeps the height index right after a reorg to a shorter but heavier chain (truncation)', async () => {
    const dir = tempDir();
    const clock = new ManualClock(CLOCK_START_MS);
    const config = retargetGenesis();
    const forge = new BlockForge(config, testConsensus(config), clock);
    const { long, short } = await shorterHeavierFork(forge);
    const chain = await openChain(dir, clock, config);
    await importAll(
      chain,
      long.map((f) => f.block),
    );
    assert.equal(chain.height, 10);
    const statuses = await importAll(
      chain,
      short.map((f) => f.block),
    );
    assert.deepEqual(statuses, ['side', 'side', 'side', 'side', 'head', 'head']);
    assert.equal(chain.height, 6);
    const canonical = canonicalHashes(chain);
    assert.deepEqual(
      canonical.slice(1),
      short.map((f) => f.hash),
    );
    await chain.close();

    const store = await LevelChainStore.open(join(dir));
    try {
      for (let h = 0; h <= 10; h++) assert.equal(await store.getCanonicalHash(h), canonical[h], `height ${h}`);
      assert.equal((await store.loadMeta())?.headHash, short[5]!.hash);
      // Every block of both branches is still stored.
      for (const f of [...long, ...short]) assert.ok(await store.getBlock(f.hash), f.hash);
    } finally {
      await store.close();
    }
    const reopened = await openChain(dir, clock);
    try {
      assert.deepEqual(canonicalHashes(reopened), canonical);
      assert.equal(toHex(reopened.state.root()), toHex(short[5]!.state.root()));
    } finally {
      await reopened.close();
    }
  });

  it('refuses a directory another open store holds (STORE_CORRUPT naming the directory)', async () => {
    const dir = tempDir();
    const store = await LevelChainStore.open(dir);
    try {
      await assert.rejects(
        LevelChainStore.open(dir),
        (error: unknown) =>
          error instanceof GridPeerError && error.code === 'STORE_CORRUPT' && error.details['directory'] === dir,
      );
    } finally {
      await store.close();
    }
  });

  it('works the same without fsync (sync: false)', async () => {
    const dir = tempDir();
    const config = testGenesis();
    const forge = new BlockForge(config, testConsensus(config));
    const [b1] = await forge.extendMany(forge.genesis.hash, 1);
    const store = await LevelChainStore.open(dir, { sync: false });
    await store.write({
      blocks: [
        { block: b1!.block, entry: { hash: b1!.hash, header: b1!.block.header, totalWork: 1n, status: 'valid' } },
      ],
    });
    await store.close();
    const reopened = await LevelChainStore.open(dir);
    try {
      const block = await reopened.getBlock(b1!.hash);
      assert.deepEqual(block && encodeBlock(block), encodeBlock(b1!.block));
    } finally {
      await reopened.close();
    }
  });
});
