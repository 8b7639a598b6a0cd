/**
 * The behaviour every {@link ChainStore} must share (src/chain/store.ts), run against the memory and the LevelDB
 * store: what a write puts in comes back out, and canonical heights above `canonicalHeight` are forgotten.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { BlockIndexEntry, ChainStore, ChainWrite } from '../../src/chain/store.js';
import { encodeBlock } from '../../src/ledger/block.js';
import { alice, BlockForge, bob, type ForgedBlock, testConsensus, testGenesis, transfer } from './chainFixtures.js';

export interface StoreHarness {
  /** A new, empty store. */
  open(): Promise<ChainStore>;
  /** The same store after close and reopen (or the same object when it cannot be reopened). */
  reopen(store: ChainStore): Promise<ChainStore>;
}

function entryOf(forged: ForgedBlock, totalWork: bigint, status: BlockIndexEntry['status']): BlockIndexEntry {
  return { hash: forged.hash, header: forged.block.header, totalWork, status };
}

function sortedIndex(entries: BlockIndexEntry[]): Array<[string, string, bigint, number]> {
  return entries
    .map((e) => [e.hash, e.status, e.totalWork, e.header.height] as [string, string, bigint, number])
    .sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

export function describeChainStoreContract(name: string, harness: StoreHarness): void {
  describe(`${name}: ChainStore contract`, () => {
    let blocks: ForgedBlock[];

    before(async () => {
      const config = testGenesis();
      const forge = new BlockForge(config, testConsensus(config));
      blocks = [forge.genesis];
      blocks.push(
        ...(await forge.extendMany(forge.genesis.hash, 3, {
          txsAt: (i) => (i === 1 ? [transfer(alice, bob.address, 5n, 0)] : []),
        })),
      );
    });

    it('an empty store holds nothing', async () => {
      const store = await harness.open();
      try {
        assert.equal(await store.loadMeta(), undefined);
        assert.deepEqual(await store.loadIndex(), []);
        assert.deepEqual(await store.loadState(), []);
        assert.equal(await store.getCanonicalHash(0), undefined);
        assert.equal(await store.getBlock('00'.repeat(32)), undefined);
        assert.equal(await store.getUndo('00'.repeat(32)), undefined);
      } finally {
        await store.close();
      }
    });

    it('reads back blocks, index entries, canonical hashes, state, undo data and meta', async () => {
      let store = await harness.open();
      try {
        const meta = { genesisHash: blocks[0]!.hash, headHash: blocks[2]!.hash, genesisConfig: '{"x":1}' };
        const write: ChainWrite = {
          blocks: blocks.map((f, i) => ({
            block: f.block,
            entry: entryOf(f, BigInt(i + 1) * 2n ** 200n, i === 3 ? 'header-valid' : 'valid'),
          })),
          canonical: [
            [0, blocks[0]!.hash],
            [1, blocks[1]!.hash],
            [2, blocks[2]!.hash],
          ],
          canonicalHeight: 2,
          state: new Map([
            ['a/one', Uint8Array.of(1)],
            ['a/two', Uint8Array.of(2, 2)],
            ['meta/supply', new Uint8Array(8).fill(9)],
          ]),
          undo: [
            [blocks[1]!.hash, new Map([['a/one', null]])],
            [
              blocks[2]!.hash,
              new Map<string, Uint8Array | null>([
                ['a/two', Uint8Array.of(7)],
                ['a/three', null],
              ]),
            ],
          ],
          meta,
        };
        await store.write(write);
        store = await harness.reopen(store);
        assert.deepEqual(await store.loadMeta(), meta);
        for (const forged of blocks) {
          const block = await store.getBlock(forged.hash);
          assert.ok(block, `block ${forged.hash}`);
          assert.deepEqual(encodeBlock(block), encodeBlock(forged.block));
        }
        assert.deepEqual(sortedIndex(await store.loadIndex()), sortedIndex(write.blocks!.map((b) => b.entry)));
        const loaded = (await store.loadIndex()).find((e) => e.hash === blocks[3]!.hash)!;
        assert.deepEqual(
          encodeBlock({ header: loaded.header, txs: [] }),
          encodeBlock({ header: blocks[3]!.block.header, txs: [] }),
        );
        assert.equal(await store.getCanonicalHash(0), blocks[0]!.hash);
        assert.equal(await store.getCanonicalHash(2), blocks[2]!.hash);
        assert.equal(await store.getCanonicalHash(3), undefined);
        const state = new Map((await store.loadState()).map(([k, v]) => [k, [...v]]));
        assert.deepEqual(
          state,
          new Map([
            ['a/one', [1]],
            ['a/two', [2, 2]],
            ['meta/supply', [9, 9, 9, 9, 9, 9, 9, 9]],
          ]),
        );
        const undo = await store.getUndo(blocks[2]!.hash);
        assert.deepEqual(
          [...(undo ?? [])].map(([k, v]) => [k, v && [...v]]),
          [
            ['a/two', [7]],
            ['a/three', null],
          ],
        );
      } finally {
        await store.close();
      }
    });

    it('applies index updates and state deletions', async () => {
      let store = await harness.open();
      try {
        await store.write({
          blocks: [{ block: blocks[1]!.block, entry: entryOf(blocks[1]!, 5n, 'header-valid') }],
          state: new Map([
            ['k/1', Uint8Array.of(1)],
            ['k/2', Uint8Array.of(2)],
          ]),
        });
        await store.write({
          indexUpdates: [entryOf(blocks[1]!, 5n, 'invalid')],
          state: new Map([
            ['k/1', null],
            ['k/3', Uint8Array.of(3)],
          ]),
        });
        await store.write({});
        store = await harness.reopen(store);
        const index = await store.loadIndex();
        assert.equal(index.length, 1);
        assert.equal(index[0]!.status, 'invalid');
        assert.equal(index[0]!.totalWork, 5n);
        assert.deepEqual((await store.loadState()).map(([k]) => k).sort(), ['k/2', 'k/3']);
      } finally {
        await store.close();
      }
    });

    it('forgets canonical heights above canonicalHeight (a reorg to a shorter chain)', async () => {
      let store = await harness.open();
      try {
        const canonical = blocks.map((f, h) => [h, f.hash] as const);
        await store.write({ canonical, canonicalHeight: 3 });
        assert.equal(await store.getCanonicalHash(3), blocks[3]!.hash);
        store = await harness.reopen(store);
        // After a reopen too: the store must still know how far its height index reaches.
        await store.write({ canonical: [[1, 'ab'.repeat(32)]], canonicalHeight: 1 });
        assert.equal(await store.getCanonicalHash(0), blocks[0]!.hash);
        assert.equal(await store.getCanonicalHash(1), 'ab'.repeat(32));
        assert.equal(await store.getCanonicalHash(2), undefined);
        assert.equal(await store.getCanonicalHash(3), undefined);
        // And it grows again.
        await store.write({ canonical: [[2, 'cd'.repeat(32)]], canonicalHeight: 2 });
        store = await harness.reopen(store);
        assert.equal(await store.getCanonicalHash(2), 'cd'.repeat(32));
        assert.equal(await store.getCanonicalHash(3), undefined);
      } finally {
        await store.close();
      }
    });
  });
}
