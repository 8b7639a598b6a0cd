import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Chain, type HeadEvent, type ImportResult } from '../../../src/chain/chain.js';
import { createGenesis } from '../../../src/chain/genesis.js';
import { Miner } from '../../../src/chain/miner.js';
import { createConsensus } from '../../../src/consensus/create.js';
import { powSearch } from '../../../src/consensus/pow/search.js';
import {
  bitsToTarget,
  targetForLeadingZeroBits,
  targetToBits,
  targetToBytes,
} from '../../../src/consensus/pow/target.js';
import { toHex } from '../../../src/crypto/index.js';
import { GridPeerError } from '../../../src/errors/index.js';
import {
  type Block,
  type BlockHeader,
  computeTxRoot,
  encodeHeader,
  HEADER_NONCE_OFFSET,
} from '../../../src/ledger/block.js';
import { createReward, type RewardTx, type Transaction, txHashHex } from '../../../src/ledger/tx.js';
import { MemoryChainStore } from '../../../src/store/memory.js';
import {
  alice,
  BLOCK_INTERVAL_MS,
  bob,
  canonicalHashes,
  carol,
  dave,
  fixedKey,
  GENESIS_MS,
  hashOf,
  importAll,
  minerA,
  minerB,
  openTestChain,
  replayState,
  sealHeader,
  type TestChainContext,
  testGenesis,
  totalBalancesMicro,
  transfer,
} from '../../helpers/chainFixtures.js';

interface Snapshot {
  readonly headHash: string;
  readonly height: number;
  readonly stateRoot: string;
  readonly mempool: string[];
}

function snapshot(ctx: TestChainContext): Snapshot {
  return {
    headHash: ctx.chain.head.hash,
    height: ctx.chain.height,
    stateRoot: toHex(ctx.chain.state.root()),
    mempool: ctx.chain.mempool.all().map(txHashHex).sort(),
  };
}

/** Re-seals a block after changing its header (and optionally its transactions). */
async function tampered(
  ctx: TestChainContext,
  block: Block,
  changes: Partial<BlockHeader>,
  txs: readonly Transaction[] = block.txs,
): Promise<Block> {
  const header = await sealHeader(ctx.forge.consensus, { ...block.header, ...changes });
  return Object.freeze({ header, txs: Object.freeze([...txs]) });
}

function assertInvalid(result: ImportResult, code: string): void {
  assert.equal(result.status, 'invalid', `expected ${code}, got status ${result.status}`);
  assert.equal(result.failure?.code, code, result.failure?.reason);
}

function expectAdded(result: { ok: boolean; code?: string; reason?: string }): void {
  assert.equal(result.ok, true, result.ok ? '' : `${result.code}: ${result.reason}`);
}

describe('Chain.open', () => {
  it('creates the genesis block in an empty store', async () => {
    const { chain, config, forge } = await openTestChain();
    const genesis = createGenesis(config, forge.consensus);
    assert.equal(chain.height, 0);
    assert.equal(chain.head.hash, hashOf(genesis.block));
    assert.equal(chain.genesisHash, hashOf(genesis.block));
    assert.equal(chain.head.status, 'valid');
    assert.equal(toHex(chain.state.root()), toHex(genesis.state.root()));
    assert.equal(chain.state.account(alice.address).balanceMicro, 100_000_000n);
    const stored = await chain.getBlockByHeight(0);
    assert.equal(stored && hashOf(stored), chain.genesisHash);
    await chain.close();
  });

  it('refuses an empty store without a genesis configuration (CHAIN_NOT_INITIALIZED)', async () => {
    await assert.rejects(
      Chain.open({ store: new MemoryChainStore(), createConsensus: () => assert.fail('not reached') }),
      (error: unknown) => error instanceof GridPeerError && error.code === 'CHAIN_NOT_INITIALIZED',
    );
  });

  it('reopens a store from the configuration it recorded', async () => {
    const store = new MemoryChainStore();
    const first = await openTestChain({ store });
    const [b1] = await first.forge.extendMany(first.chain.genesisHash, 1);
    assert.equal((await first.chain.importBlock(b1!.block)).status, 'head');
    const reopened = await Chain.open({
      store,
      createConsensus: () => first.forge.consensus,
      clock: first.clock,
    });
    assert.equal(reopened.head.hash, b1!.hash);
    assert.equal(reopened.genesis.name, first.config.name);
    assert.equal(toHex(reopened.state.root()), toHex(b1!.state.root()));
  });
});

describe('Chain.importBlock statuses', () => {
  it('makes a valid block on the head the new head, and emits head and block events', async () => {
    const ctx = await openTestChain();
    const heads: HeadEvent[] = [];
    const blocks: ImportResult[] = [];
    ctx.chain.on('head', (event) => heads.push(event));
    ctx.chain.on('block', (result) => blocks.push(result));
    const tx = transfer(alice, bob.address, 2_000n, 0, { feeMicro: 5n });
    const b1 = await ctx.forge.extend(ctx.chain.genesisHash, { txs: [tx] });
    const result = await ctx.chain.importBlock(b1.block);
    assert.deepEqual(result, { status: 'head', hash: b1.hash, height: 1 });
    assert.equal(ctx.chain.head.hash, b1.hash);
    assert.equal(ctx.chain.height, 1);
    assert.equal(ctx.chain.head.status, 'valid');
    assert.ok(ctx.chain.isCanonical(b1.hash));
    assert.equal(toHex(ctx.chain.state.root()), toHex(b1.state.root()));
    assert.equal(ctx.chain.state.account(bob.address).balanceMicro, 50_000_000n + 2_000n);
    assert.equal(ctx.chain.state.account(minerA.address).balanceMicro, ctx.config.params.blockRewardMicro + 5n);
    assert.deepEqual(heads, [{ hash: b1.hash, height: 1 }]);
    assert.deepEqual(blocks, [result]);
    assert.equal(ctx.chain.head.totalWork, 2n * ctx.forge.consensus.weight(b1.block.header));
  });

  it("answers 'known' for a block it already has (genesis included)", async () => {
    const ctx = await openTestChain();
    const b1 = await ctx.forge.extend(ctx.chain.genesisHash);
    assert.equal((await ctx.chain.importBlock(b1.block)).status, 'head');
    assert.equal((await ctx.chain.importBlock(b1.block)).status, 'known');
    assert.equal((await ctx.chain.importBlock(ctx.forge.genesis.block)).status, 'known');
    assert.equal(ctx.chain.height, 1);
  });

  it("holds a child that arrives before its parent as 'orphan', then connects both", async () => {
    const ctx = await openTestChain();
    const [b1, b2, b3] = await ctx.forge.extendMany(ctx.chain.genesisHash, 3);
    const statuses: string[] = [];
    ctx.chain.on('block', (result) => statuses.push(`${result.height}:${result.status}`));
    assert.deepEqual(await ctx.chain.importBlock(b3!.block), { status: 'orphan', hash: b3!.hash, height: 3 });
    assert.equal((await ctx.chain.importBlock(b2!.block)).status, 'orphan');
    assert.equal(ctx.chain.height, 0);
    assert.equal(ctx.chain.getEntry(b3!.hash), undefined);
    const result = await ctx.chain.importBlock(b1!.block);
    assert.equal(result.status, 'head');
    assert.equal(result.hash, b1!.hash);
    assert.equal(ctx.chain.height, 3);
    assert.equal(ctx.chain.head.hash, b3!.hash);
    assert.deepEqual(statuses, ['3:orphan', '2:orphan', '1:head', '2:head', '3:head']);
  });

  it('keeps one copy of an orphan sent twice', async () => {
    const ctx = await openTestChain({ maxOrphans: 2 });
    const [a1, a2] = await ctx.forge.extendMany(ctx.chain.genesisHash, 2);
    const [b1, b2] = await ctx.forge.extendMany(ctx.chain.genesisHash, 2, { miner: minerB.address });
    assert.equal((await ctx.chain.importBlock(a2!.block)).status, 'orphan');
    assert.equal((await ctx.chain.importBlock(a2!.block)).status, 'orphan');
    assert.equal((await ctx.chain.importBlock(b2!.block)).status, 'orphan');
    // Both orphans fit in a pool of two because the duplicate took no room: each connects behind its parent.
    assert.equal((await ctx.chain.importBlock(a1!.block)).status, 'head');
    assert.equal(ctx.chain.head.hash, a2!.hash);
    await ctx.chain.importBlock(b1!.block);
    assert.equal(ctx.chain.getEntry(b2!.hash)?.status, 'header-valid');
  });

  it('forgets the oldest orphans beyond maxOrphans', async () => {
    const ctx = await openTestChain({ maxOrphans: 1 });
    const [a1, a2] = await ctx.forge.extendMany(ctx.chain.genesisHash, 2);
    const [b1, b2] = await ctx.forge.extendMany(ctx.chain.genesisHash, 2, { miner: minerB.address });
    assert.equal((await ctx.chain.importBlock(a2!.block)).status, 'orphan');
    assert.equal((await ctx.chain.importBlock(b2!.block)).status, 'orphan');
    // a2 was dropped to make room for b2: its parent connects alone.
    assert.equal((await ctx.chain.importBlock(a1!.block)).status, 'head');
    assert.equal(ctx.chain.head.hash, a1!.hash);
    assert.equal((await ctx.chain.importBlock(b1!.block)).status, 'side');
    // b2 was kept: it connected behind b1 and, being heavier, became the head.
    assert.equal(ctx.chain.head.hash, b2!.hash);
  });

  it("keeps the first-seen head on an equal-work fork ('side')", async () => {
    const ctx = await openTestChain();
    const a1 = await ctx.forge.extend(ctx.chain.genesisHash, { miner: minerA.address });
    const b1 = await ctx.forge.extend(ctx.chain.genesisHash, { miner: minerB.address });
    assert.equal((await ctx.chain.importBlock(a1.block)).status, 'head');
    const heads: HeadEvent[] = [];
    ctx.chain.on('head', (event) => heads.push(event));
    const side = await ctx.chain.importBlock(b1.block);
    assert.deepEqual(side, { status: 'side', hash: b1.hash, height: 1 });
    assert.equal(ctx.chain.head.hash, a1.hash);
    assert.equal(ctx.chain.getEntry(b1.hash)?.status, 'header-valid');
    assert.ok(!ctx.chain.isCanonical(b1.hash));
    assert.deepEqual(heads, []);
    assert.equal(toHex(ctx.chain.state.root()), toHex(a1.state.root()));
  });
});

describe('Chain reorganisation', () => {
  it('switches to a heavier branch, returns the dropped transactions to the mempool, and replays its state', async () => {
    const ctx = await openTestChain();
    const t1 = transfer(alice, bob.address, 1_000n, 0, { feeMicro: 10n });
    const t2 = transfer(bob, carol.address, 2_000n, 0, { feeMicro: 3n });
    const t3 = transfer(carol, dave.address, 3_000n, 0, { feeMicro: 1n });
    for (const tx of [t1, t2, t3]) expectAdded(ctx.chain.addTransaction(tx));
    const [a1, a2] = await ctx.forge.extendMany(ctx.chain.genesisHash, 2, { txsAt: (i) => [[t1], [t2]][i]! });
    assert.deepEqual(await importAll(ctx.chain, [a1!.block, a2!.block]), ['head', 'head']);
    assert.deepEqual(ctx.chain.mempool.all().map(txHashHex), [txHashHex(t3)]);

    const [b1, b2, b3] = await ctx.forge.extendMany(ctx.chain.genesisHash, 3, {
      miner: minerB.address,
      txsAt: (i) => (i === 0 ? [t3] : []),
    });
    const heads: HeadEvent[] = [];
    ctx.chain.on('head', (event) => heads.push(event));
    const announced: string[] = [];
    ctx.chain.on('tx', (tx) => announced.push(txHashHex(tx)));
    assert.deepEqual(await importAll(ctx.chain, [b1!.block, b2!.block]), ['side', 'side']);
    assert.equal(ctx.chain.head.hash, a2!.hash, 'equal work: the first-seen head stays');
    const result = await ctx.chain.importBlock(b3!.block);
    const reorg = {
      forkHeight: 0,
      disconnected: [a2!.hash, a1!.hash],
      connected: [b1!.hash, b2!.hash, b3!.hash],
      readmitted: 2,
    };
    assert.deepEqual(result, { status: 'head', hash: b3!.hash, height: 3, reorg });
    assert.deepEqual(heads, [{ hash: b3!.hash, height: 3, reorg }]);
    // Readmitted transactions are announced again, so peers that never saw them (the other branch) learn of them.
    assert.deepEqual(announced.sort(), [txHashHex(t1), txHashHex(t2)].sort());
    assert.deepEqual(canonicalHashes(ctx.chain), [ctx.chain.genesisHash, b1!.hash, b2!.hash, b3!.hash]);
    assert.ok(!ctx.chain.isCanonical(a1!.hash));
    assert.equal(ctx.chain.getEntry(b1!.hash)?.status, 'valid');
    // t1 and t2 are pending again; t3 is in the new branch.
    assert.deepEqual(ctx.chain.mempool.all().map(txHashHex).sort(), [txHashHex(t1), txHashHex(t2)].sort());
    const replayed = replayState(ctx.config, [b1!.block, b2!.block, b3!.block]);
    assert.equal(toHex(ctx.chain.state.root()), toHex(replayed.root()));
    assert.equal(toHex(ctx.chain.state.root()), toHex(b3!.block.header.stateRoot));
    assert.equal(ctx.chain.state.account(minerA.address).balanceMicro, 0n);
    assert.equal(totalBalancesMicro(ctx.chain.state), ctx.chain.state.supplyMicro());
    // The readmitted transactions can be mined on the new head.
    const template = ctx.chain.buildTemplate(minerA.address);
    assert.deepEqual(template.txs.slice(1).map(txHashHex), [txHashHex(t1), txHashHex(t2)]);
    // The transaction index follows the canonical chain: t3 in b1, t1 and t2 in no block.
    const found = await ctx.chain.findTransaction(txHashHex(t3));
    assert.equal(found?.blockHash, b1!.hash);
    assert.equal(found?.txIndex, 1);
    assert.equal(txHashHex(found.block.txs[1]!), txHashHex(t3));
    assert.equal(await ctx.chain.findTransaction(txHashHex(t1)), undefined);
    assert.equal(await ctx.chain.findTransaction(txHashHex(t2)), undefined);
  });

  it('indexes the transactions of canonical blocks by hash', async () => {
    const ctx = await openTestChain();
    const t1 = transfer(alice, bob.address, 1_000n, 0);
    const [a1] = await ctx.forge.extendMany(ctx.chain.genesisHash, 1, { txsAt: () => [t1] });
    assert.equal(await ctx.chain.findTransaction(txHashHex(t1)), undefined);
    await ctx.chain.importBlock(a1!.block);
    const found = await ctx.chain.findTransaction(txHashHex(t1));
    assert.equal(found?.blockHash, a1!.hash);
    assert.equal(found?.txIndex, 1);
    assert.equal((await ctx.chain.findTransaction(txHashHex(a1!.block.txs[0]!)))?.txIndex, 0);
  });

  it('does not readmit a dropped transaction that the new branch also includes', async () => {
    const ctx = await openTestChain();
    const t1 = transfer(alice, bob.address, 1_000n, 0);
    const a1 = await ctx.forge.extend(ctx.chain.genesisHash, { txs: [t1] });
    const [b1, b2] = await ctx.forge.extendMany(ctx.chain.genesisHash, 2, {
      miner: minerB.address,
      txsAt: (i) => (i === 1 ? [t1] : []),
    });
    assert.deepEqual(await importAll(ctx.chain, [a1.block, b1!.block, b2!.block]), ['head', 'side', 'head']);
    assert.equal(ctx.chain.head.hash, b2!.hash);
    assert.equal(ctx.chain.mempool.size, 0);
    assert.equal(ctx.chain.state.account(alice.address).nonce, 1);
  });

  it('reorganises back and forth without losing state (deep fork point)', async () => {
    const ctx = await openTestChain();
    const base = await ctx.forge.extendMany(ctx.chain.genesisHash, 2);
    await importAll(
      ctx.chain,
      base.map((f) => f.block),
    );
    const t = transfer(bob, carol.address, 77n, 0);
    const a = await ctx.forge.extendMany(base[1]!.hash, 2, { txsAt: () => [] });
    const b = await ctx.forge.extendMany(base[1]!.hash, 3, {
      miner: minerB.address,
      txsAt: (i) => (i === 2 ? [t] : []),
    });
    const a2 = await ctx.forge.extendMany(a[1]!.hash, 2);
    assert.deepEqual(
      await importAll(
        ctx.chain,
        a.map((f) => f.block),
      ),
      ['head', 'head'],
    );
    const toB = await importAll(
      ctx.chain,
      b.map((f) => f.block),
    );
    assert.deepEqual(toB, ['side', 'side', 'head']);
    assert.equal(ctx.chain.state.account(carol.address).balanceMicro, 10_000_077n);
    const back = await ctx.chain.importBlock(a2[0]!.block);
    assert.equal(back.status, 'side');
    const result = await ctx.chain.importBlock(a2[1]!.block);
    assert.equal(result.status, 'head');
    assert.equal(result.reorg?.forkHeight, 2);
    assert.deepEqual(result.reorg?.disconnected, [b[2]!.hash, b[1]!.hash, b[0]!.hash]);
    assert.equal(result.reorg?.readmitted, 1);
    assert.equal(toHex(ctx.chain.state.root()), toHex(a2[1]!.state.root()));
    assert.equal(ctx.chain.state.account(carol.address).balanceMicro, 10_000_000n);
    assert.ok(ctx.chain.mempool.has(txHashHex(t)));
  });
});

describe('Chain.importBlock rejects every broken rule and changes nothing', () => {
  /** A chain with one block and one pending transaction, and a valid next block to break. */
  async function setup() {
    const ctx = await openTestChain();
    const b1 = await ctx.forge.extend(ctx.chain.genesisHash);
    assert.equal((await ctx.chain.importBlock(b1.block)).status, 'head');
    expectAdded(ctx.chain.addTransaction(transfer(dave, alice.address, 5n, 0)));
    const txs = [transfer(alice, bob.address, 1_000n, 0, { feeMicro: 2n }), transfer(bob, carol.address, 500n, 0)];
    const valid = ctx.forge.build(b1.hash, { txs });
    return { ctx, b1, txs, valid: valid.block, before: snapshot(ctx) };
  }

  async function expectRejected(
    ctx: TestChainContext,
    before: Snapshot,
    block: Block,
    code: string,
    { remembered = true }: { remembered?: boolean } = {},
  ): Promise<ImportResult> {
    const result = await ctx.chain.importBlock(block);
    assertInvalid(result, code);
    assert.equal(result.hash, hashOf(block));
    assert.deepEqual(snapshot(ctx), before, 'head, state and mempool are unchanged');
    // The verdict is remembered, unless the body does not match the header's tx root: then only the body may be
    // at fault, and the block hash (the header's) must stay open for the genuine body.
    assertInvalid(await ctx.chain.importBlock(block), remembered ? 'BLOCK_KNOWN_INVALID' : code);
    return result;
  }

  it('accepts the unbroken block (control)', async () => {
    const { ctx, valid } = await setup();
    const sealedBlock = await tampered(ctx, valid, {});
    assert.equal((await ctx.chain.importBlock(sealedBlock)).status, 'head');
  });

  it('BLOCK_BAD_POW: a hash above the target', async () => {
    const { ctx, before, valid } = await setup();
    const sealedBlock = await tampered(ctx, valid, {});
    let nonce = sealedBlock.header.nonce;
    let header: BlockHeader;
    do {
      nonce++;
      header = { ...sealedBlock.header, nonce };
    } while (ctx.forge.consensus.verifySeal(header).ok);
    const result = await expectRejected(ctx, before, { header, txs: sealedBlock.txs }, 'BLOCK_BAD_POW');
    assert.equal(result.failure?.blockHeight, 2);
    assert.equal(result.failure?.blockHash, result.hash);
  });

  it('BLOCK_BAD_DIFFICULTY: bits other than the retarget rule requires (harder or easier than the limit)', async () => {
    const { ctx, before, valid } = await setup();
    const harder = targetToBits(targetForLeadingZeroBits(8));
    await expectRejected(ctx, before, await tampered(ctx, valid, { bits: harder }), 'BLOCK_BAD_DIFFICULTY');
    // Easier than the chain's limit: sealed by an engine whose limit allows it.
    const lax = createConsensus(
      { engine: 'pow', initialDifficultyBits: 2, minDifficultyBits: 1 },
      { pow: { workers: 0 } },
    );
    const easier = targetToBits(targetForLeadingZeroBits(2));
    const easyHeader = await sealHeader(lax, { ...valid.header, bits: easier });
    const result = await expectRejected(ctx, before, { header: easyHeader, txs: valid.txs }, 'BLOCK_BAD_DIFFICULTY');
    assert.match(result.failure?.reason ?? '', /minimum difficulty/);
  });

  it('BLOCK_BAD_HEIGHT: a height that does not follow the parent, or a second genesis', async () => {
    const { ctx, before, valid } = await setup();
    await expectRejected(ctx, before, await tampered(ctx, valid, { height: 3 }), 'BLOCK_BAD_HEIGHT');
    const genesisClaim = { header: { ...valid.header, height: 0 }, txs: valid.txs };
    await expectRejected(ctx, before, genesisClaim, 'BLOCK_BAD_HEIGHT');
  });

  it('holds a block whose prevHash names no known block as an orphan, not as the head', async () => {
    const { ctx, before, valid } = await setup();
    const unknownParent = await tampered(ctx, valid, { prevHash: new Uint8Array(32).fill(7) });
    assert.equal((await ctx.chain.importBlock(unknownParent)).status, 'orphan');
    assert.deepEqual(snapshot(ctx), before);
  });

  it('BLOCK_TIME_TOO_OLD: not after the median of recent timestamps', async () => {
    const { ctx, before, b1, txs } = await setup();
    const atParent = ctx.forge.build(b1.hash, { txs, timestampMs: b1.block.header.timestampMs }).block;
    await expectRejected(ctx, before, await tampered(ctx, atParent, {}), 'BLOCK_TIME_TOO_OLD');
  });

  it('uses the median, not the parent, as the time floor', async () => {
    const ctx = await openTestChain();
    const blocks = await ctx.forge.extendMany(ctx.chain.genesisHash, 3);
    await importAll(
      ctx.chain,
      blocks.map((f) => f.block),
    );
    // Timestamps G, G+10s, G+20s, G+30s: the median is G+20s.
    const median = GENESIS_MS + 2 * BLOCK_INTERVAL_MS;
    const head = blocks[2]!.hash;
    const atMedian = await ctx.forge.extend(head, { timestampMs: median });
    assertInvalid(await ctx.chain.importBlock(atMedian.block), 'BLOCK_TIME_TOO_OLD');
    const afterMedian = await ctx.forge.extend(head, { timestampMs: median + 1, miner: minerB.address });
    assert.equal((await ctx.chain.importBlock(afterMedian.block)).status, 'head');
  });

  it('BLOCK_TIME_TOO_NEW: beyond the clock plus the allowed drift', async () => {
    const { ctx, before, b1, txs } = await setup();
    const limit = ctx.clock.nowMs() + ctx.config.params.maxFutureDriftMs;
    const tooNew = ctx.forge.build(b1.hash, { txs, timestampMs: limit + 1 }).block;
    await expectRejected(ctx, before, await tampered(ctx, tooNew, {}), 'BLOCK_TIME_TOO_NEW');
    const atLimit = ctx.forge.build(b1.hash, { txs, timestampMs: limit }).block;
    assert.equal((await ctx.chain.importBlock(await tampered(ctx, atLimit, {}))).status, 'head');
  });

  it('BLOCK_BAD_TX_ROOT: a header that does not commit to the transactions', async () => {
    const { ctx, before, valid } = await setup();
    const wrongRoot = computeTxRoot(valid.txs.slice(0, 2));
    await expectRejected(ctx, before, await tampered(ctx, valid, { txRoot: wrongRoot }), 'BLOCK_BAD_TX_ROOT', {
      remembered: false,
    });
  });

  it('a forged body under a valid header is refused without blacklisting the genuine block (same hash)', async () => {
    const { ctx, before, valid } = await setup();
    const sealed = await tampered(ctx, valid, {});
    const reward = sealed.txs[0] as RewardTx;
    const forgedReward = Object.freeze({ ...reward, amountMicro: reward.amountMicro + 1n }) as Transaction;
    const forged = Object.freeze({ header: sealed.header, txs: Object.freeze([forgedReward, ...sealed.txs.slice(1)]) });
    assert.equal(hashOf(forged), hashOf(sealed));
    await expectRejected(ctx, before, forged, 'BLOCK_BAD_TX_ROOT', { remembered: false });
    const signature = new Uint8Array(sealed.txs[1]!.signature);
    signature[0]! ^= 0x80;
    const badSignature = Object.freeze({ ...sealed.txs[1]!, signature }) as Transaction;
    const forged2 = Object.freeze({
      header: sealed.header,
      txs: Object.freeze([reward, badSignature, ...sealed.txs.slice(2)]),
    });
    await expectRejected(ctx, before, forged2, 'TX_BAD_SIGNATURE', { remembered: false });
    assert.equal((await ctx.chain.importBlock(sealed)).status, 'head');
  });

  it('BLOCK_BAD_STATE_ROOT: a state root other than the one replaying the block gives', async () => {
    const { ctx, before, valid } = await setup();
    const result = await expectRejected(
      ctx,
      before,
      await tampered(ctx, valid, { stateRoot: new Uint8Array(32).fill(1) }),
      'BLOCK_BAD_STATE_ROOT',
    );
    assert.equal(result.failure?.blockHeight, 2);
    assert.equal(ctx.chain.getEntry(result.hash)?.status, 'invalid');
  });

  it('TX_BAD_SIGNATURE names the transaction index', async () => {
    const { ctx, before, b1, txs } = await setup();
    const signature = new Uint8Array(txs[1]!.signature);
    signature[0]! ^= 0x80;
    const forged = Object.freeze({ ...txs[1]!, signature });
    const block = ctx.forge.build(b1.hash, { txs: [txs[0]!, forged] }).block;
    const result = await expectRejected(ctx, before, await tampered(ctx, block, {}), 'TX_BAD_SIGNATURE');
    assert.equal(result.failure?.txIndex, 2);
    assert.equal(result.failure?.txHash, txHashHex(forged));
    assert.equal(result.failure?.blockHeight, 2);
  });

  it('BLOCK_BAD_REWARD: a reward other than block reward + fees', async () => {
    const { ctx, before, valid } = await setup();
    const reward = valid.txs[0]!;
    assert.equal(reward.kind, 'reward');
    const greedy = createReward({
      chainId: reward.chainId,
      height: 2,
      to: reward.to,
      amountMicro: reward.amountMicro + 1n,
      timestampMs: reward.timestampMs,
    });
    const txs = [greedy, ...valid.txs.slice(1)];
    const block = await tampered(ctx, valid, { txRoot: computeTxRoot(txs) }, txs);
    const result = await expectRejected(ctx, before, block, 'BLOCK_BAD_REWARD');
    assert.equal(result.failure?.txIndex, 0);
  });

  it('TX_NONCE_TOO_HIGH and BLOCK_DUPLICATE_TX: transactions that do not apply', async () => {
    const { ctx, before, b1, txs } = await setup();
    const gap = transfer(carol, alice.address, 1n, 1);
    const skipping = ctx.forge.build(b1.hash, { txs: [txs[0]!] }).block;
    const withGap = [...skipping.txs, gap];
    const gapBlock = await tampered(ctx, skipping, { txRoot: computeTxRoot(withGap) }, withGap);
    const result = await expectRejected(ctx, before, gapBlock, 'TX_NONCE_TOO_HIGH');
    assert.equal(result.failure?.txIndex, 2);
    const twice = [...skipping.txs, txs[0]!];
    await expectRejected(
      ctx,
      before,
      await tampered(ctx, skipping, { txRoot: computeTxRoot(twice) }, twice),
      'BLOCK_DUPLICATE_TX',
    );
  });
});

describe('Chain: an invalid block inside a heavier branch', () => {
  it('rejects the branch at the bad block, marks it and its descendants invalid, and keeps the old head', async () => {
    const ctx = await openTestChain();
    const [a1, a2] = await ctx.forge.extendMany(ctx.chain.genesisHash, 2);
    await importAll(ctx.chain, [a1!.block, a2!.block]);
    const pending = transfer(carol, dave.address, 9n, 0);
    expectAdded(ctx.chain.addTransaction(pending));
    const before = snapshot(ctx);

    const b1 = await ctx.forge.extend(ctx.chain.genesisHash, { miner: minerB.address });
    // b2 is valid in every respect but its state root: only the state transition (run on reorg) can tell.
    const b2Good = ctx.forge.build(b1.hash, { miner: minerB.address, txs: [transfer(alice, bob.address, 10n, 0)] });
    const b2Header = await sealHeader(ctx.forge.consensus, {
      ...b2Good.block.header,
      stateRoot: new Uint8Array(32).fill(9),
    });
    const b2 = ctx.forge.adopt({ header: b2Header, txs: b2Good.block.txs }, b2Good.state);
    const [b3, b4] = await ctx.forge.extendMany(b2.hash, 2, { miner: minerB.address });
    const b2Hash = b2.hash;

    assert.equal((await ctx.chain.importBlock(b1.block)).status, 'side');
    assert.equal((await ctx.chain.importBlock(b2.block)).status, 'side', 'equal work: not connected, not checked');
    const result = await ctx.chain.importBlock(b3!.block);
    assert.equal(result.status, 'invalid');
    assert.equal(result.hash, b3!.hash);
    assert.equal(result.failure?.code, 'BLOCK_INVALID_PARENT');
    // The reason names the bad ancestor and the rule it broke.
    assert.match(result.failure?.reason ?? '', new RegExp(`${b2Hash} is invalid: stateRoot does not match`));
    assert.deepEqual(snapshot(ctx), before);
    assert.equal(ctx.chain.head.hash, a2!.hash);
    assert.equal(ctx.chain.getEntry(b1.hash)?.status, 'header-valid');
    assert.equal(ctx.chain.getEntry(b2Hash)?.status, 'invalid');
    assert.equal(ctx.chain.getEntry(b3!.hash)?.status, 'invalid');
    // A block on top of the invalid branch is rejected at once.
    assertInvalid(await ctx.chain.importBlock(b4!.block), 'BLOCK_INVALID_PARENT');
    assert.deepEqual(snapshot(ctx), before);
    // The valid part of the fork can still win with valid blocks.
    const [c2, c3] = await ctx.forge.extendMany(b1.hash, 2, { miner: minerB.address });
    assert.deepEqual(await importAll(ctx.chain, [c2!.block, c3!.block]), ['side', 'head']);
    assert.equal(ctx.chain.head.hash, c3!.hash);
  });
});

describe('Chain transactions and templates', () => {
  it('addTransaction reports the block the transaction is expected in (seed 000 Fig. A7)', async () => {
    const ctx = await openTestChain();
    const t0 = transfer(alice, bob.address, 1n, 0);
    assert.deepEqual(ctx.chain.addTransaction(t0), { ok: true, hash: txHashHex(t0), expectedHeight: 1 });
    const b1 = await ctx.forge.extend(ctx.chain.genesisHash, { txs: [t0] });
    await ctx.chain.importBlock(b1.block);
    const t1 = transfer(alice, bob.address, 1n, 1);
    assert.equal(ctx.chain.addTransaction(t1).expectedHeight, 2);
    const rejected = ctx.chain.addTransaction(t0);
    assert.equal(rejected.ok, false);
    assert.equal(rejected.expectedHeight, undefined);
    assert.equal(rejected.ok ? '' : rejected.code, 'TX_NONCE_TOO_LOW');
  });

  it('buildTemplate takes mempool transactions by fee and pays block reward + fees', async () => {
    const ctx = await openTestChain();
    const cheap = transfer(alice, carol.address, 10n, 0, { feeMicro: 3n });
    const dear = transfer(bob, carol.address, 20n, 0, { feeMicro: 7n });
    const follow = transfer(alice, carol.address, 30n, 1, { feeMicro: 100n });
    for (const tx of [cheap, dear, follow]) expectAdded(ctx.chain.addTransaction(tx));
    const template = ctx.chain.buildTemplate(minerB.address);
    assert.deepEqual(template.txs.slice(1).map(txHashHex), [dear, cheap, follow].map(txHashHex));
    const reward = template.txs[0]!;
    assert.equal(reward.kind, 'reward');
    assert.equal(reward.to, minerB.address);
    assert.equal(reward.amountMicro, ctx.config.params.blockRewardMicro + 110n);
    assert.equal(template.header.height, 1);
    assert.equal(template.header.timestampMs, ctx.clock.nowMs());
    assert.equal(template.header.nonce, 0n);
    assert.equal(template.header.bits, ctx.forge.nextBits(ctx.chain.genesisHash));
    const expectedState = replayState(ctx.config, [template]);
    assert.equal(toHex(template.header.stateRoot), toHex(expectedState.root()));
    assert.equal(ctx.chain.buildTemplate(minerB.address, { maxTxs: 1 }).txs.length, 2);
    // Sealed, it imports as the head and empties the mempool.
    const header = await sealHeader(ctx.forge.consensus, template.header);
    assert.equal((await ctx.chain.importBlock({ header, txs: template.txs })).status, 'head');
    assert.equal(ctx.chain.mempool.size, 0);
  });

  it('buildTemplate moves past the median when the clock lags', async () => {
    const ctx = await openTestChain();
    const blocks = await ctx.forge.extendMany(ctx.chain.genesisHash, 3, { intervalMs: 100_000 });
    await importAll(
      ctx.chain,
      blocks.map((f) => f.block),
    );
    ctx.clock.set(GENESIS_MS + 1);
    const template = ctx.chain.buildTemplate(minerA.address);
    assert.equal(template.header.timestampMs, GENESIS_MS + 200_001);
  });
});

describe('Miner', () => {
  it('mineBlocks(n) mines n blocks that become the head, including pending transactions', async () => {
    const ctx = await openTestChain();
    const tx = transfer(alice, bob.address, 1_234n, 0, { feeMicro: 4n });
    expectAdded(ctx.chain.addTransaction(tx));
    const miner = new Miner(ctx.chain, minerA.address);
    const reported: number[] = [];
    const mined = await miner.mineBlocks(3, (block) => reported.push(block.height));
    assert.deepEqual(
      mined.map((m) => [m.status, m.height]),
      [
        ['head', 1],
        ['head', 2],
        ['head', 3],
      ],
    );
    assert.deepEqual(reported, [1, 2, 3]);
    assert.deepEqual(
      mined.map((m) => m.txCount),
      [2, 1, 1],
    );
    assert.equal(ctx.chain.height, 3);
    assert.equal(ctx.chain.head.hash, mined[2]!.hash);
    assert.equal(ctx.chain.mempool.size, 0);
    assert.equal(ctx.chain.state.account(minerA.address).balanceMicro, 3n * ctx.config.params.blockRewardMicro + 4n);
    const blocks = await ctx.chain.getCanonicalBlocks(1);
    assert.equal(toHex(replayState(ctx.config, blocks).root()), toHex(ctx.chain.state.root()));
  });

  it('start() mines until stop()', async () => {
    const ctx = await openTestChain();
    const miner = new Miner(ctx.chain, minerA.address);
    let count = 0;
    await new Promise<void>((resolve) => {
      miner.start(() => {
        count++;
        if (count === 3) {
          miner.stop();
          resolve();
        }
      });
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(ctx.chain.height, 3);
  });

  it('mineBlock returns null when its signal aborts', async () => {
    const ctx = await openTestChain();
    const controller = new AbortController();
    controller.abort();
    assert.equal(await new Miner(ctx.chain, minerA.address).mineBlock(controller.signal), null);
    assert.equal(ctx.chain.height, 0);
  });

  it('a head arriving from elsewhere aborts mineBlock, which returns null', async () => {
    // 20-bit difficulty and one worker thread: the miner's search is long. Its template is deterministic (fixed
    // key, manual clock, empty mempool), so the first nonce it could find is fixed: the guard below checks that
    // none of its first 2^19 nonces works, which leaves it ~0.2 s of hashing before it could win the race.
    const config = testGenesis({ difficultyBits: 20, minDifficultyBits: 4 });
    const ctx = await openTestChain({ genesis: config, workers: 1 });
    const minerKey = fixedKey(0x25);
    const template = ctx.chain.buildTemplate(minerKey.address);
    const headerBytes = encodeHeader({ ...template.header, nonce: 0n });
    const target = targetToBytes(bitsToTarget(template.header.bits));
    for (let low = 0; low < 1 << 19; low += 1 << 16) {
      assert.equal(powSearch(headerBytes, HEADER_NONCE_OFFSET, 0, low, 1 << 16, target), -1, 'guard');
    }
    // Another node's block on the same parent (its timestamp chosen so that its nonce is found quickly).
    const competitor = await ctx.forge.extend(ctx.chain.genesisHash, {
      miner: minerB.address,
      timestampMs: GENESIS_MS + 29_000,
    });
    try {
      const mining = new Miner(ctx.chain, minerKey.address).mineBlock();
      const imported = await ctx.chain.importBlock(competitor.block);
      assert.equal(imported.status, 'head');
      assert.equal(await mining, null);
      assert.equal(ctx.chain.head.hash, competitor.hash);
      assert.equal(ctx.chain.height, 1);
    } finally {
      await ctx.chain.close();
    }
  });
});

describe('Miner.start', () => {
  it('mines continuously until stop, and reports an error (chain closed) instead of an unhandled rejection', async () => {
    const ctx = await openTestChain();
    const miner = new Miner(ctx.chain, minerA.address);
    const heights: number[] = [];
    const errors: unknown[] = [];
    miner.start(
      (block) => {
        heights.push(block.height);
        ctx.clock.advance(BLOCK_INTERVAL_MS);
      },
      (error) => errors.push(error),
    );
    assert.ok(miner.isRunning);
    while (heights.length < 3) await new Promise((resolve) => setTimeout(resolve, 5));
    await miner.stop();
    assert.ok(!miner.isRunning);
    assert.deepEqual(heights.slice(0, 3), [1, 2, 3]);
    assert.equal(errors.length, 0);

    const later: unknown[] = [];
    await ctx.chain.close();
    miner.start(undefined, (error) => later.push(error));
    // The loop ends by itself: its first import fails on the closed chain.
    while (miner.isRunning) await new Promise((resolve) => setTimeout(resolve, 5));
    assert.equal(later.length, 1);
    assert.equal((later[0] as { code?: string }).code, 'STORE_CLOSED');
    assert.ok(!miner.isRunning);
  });
});

describe('Chain.close', () => {
  it('waits for pending imports, then refuses new ones', async () => {
    const ctx = await openTestChain();
    const [b1] = await ctx.forge.extendMany(ctx.chain.genesisHash, 1);
    const importing = ctx.chain.importBlock(b1!.block);
    await ctx.chain.close();
    assert.equal((await importing).status, 'head');
    await assert.rejects(
      ctx.chain.importBlock(b1!.block),
      (error: unknown) => error instanceof GridPeerError && error.code === 'STORE_CLOSED',
    );
  });
});
