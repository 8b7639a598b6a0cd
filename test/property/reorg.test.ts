/**
 * Reorg invariants (seed 000 §3: transactions of dropped blocks go back to the pending list). Two branches grow
 * from genesis out of one pool of transfers; each transfer has its own (sender, nonce), so no two branches ever
 * hold conflicting transactions, and each branch takes a prefix of every sender's nonce sequence. After every
 * import, every transaction that was submitted or has been in a canonical block is exactly once either in the
 * canonical chain or in the mempool; coins are conserved and the head state is the replay of the canonical chain.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { Chain } from '../../src/chain/chain.js';
import { toHex } from '../../src/crypto/index.js';
import type { Block } from '../../src/ledger/block.js';
import { type Transaction, type TransferTx, txHashHex } from '../../src/ledger/tx.js';
import { coinsToMicro } from '../../src/units/index.js';
import {
  type ForgedBlock,
  fixedKey,
  minerA,
  minerB,
  openTestChain,
  replayState,
  testGenesis,
  totalBalancesMicro,
  transfer,
} from '../helpers/chainFixtures.js';

const SENDERS = [0x41, 0x42, 0x43, 0x44].map(fixedKey);
const NONCES_PER_SENDER = 4;
const recipient = fixedKey(0x51).address;
const config = testGenesis({
  alloc: SENDERS.map((key) => ({ address: key.address, balanceMicro: coinsToMicro(1_000) })),
});

/** POOL[s][n]: the one transfer of sender s with nonce n. */
const POOL: TransferTx[][] = SENDERS.map((key, s) =>
  Array.from({ length: NONCES_PER_SENDER }, (_, n) =>
    transfer(key, recipient, BigInt(1_000 + 10 * s + n), n, { feeMicro: BigInt((s * 7 + n * 3) % 5) }),
  ),
);

const prefixes = fc.array(fc.integer({ min: 0, max: NONCES_PER_SENDER }), {
  minLength: SENDERS.length,
  maxLength: SENDERS.length,
});
const slots = fc.array(fc.nat(99), {
  minLength: SENDERS.length * NONCES_PER_SENDER,
  maxLength: SENDERS.length * NONCES_PER_SENDER,
});

const scenario = fc.record({
  prefixA: prefixes,
  prefixB: prefixes,
  /** Further nonces the A branch takes when it comes back (on top of prefixA). */
  prefixA2: prefixes,
  slotsA: slots,
  slotsB: slots,
  slotsA2: slots,
  submitted: fc.array(fc.boolean(), {
    minLength: SENDERS.length * NONCES_PER_SENDER,
    maxLength: SENDERS.length * NONCES_PER_SENDER,
  }),
  blocksA: fc.integer({ min: 1, max: 3 }),
  /** Branch B is longer by this many blocks, so it is heavier (equal difficulty). */
  leadB: fc.integer({ min: 1, max: 2 }),
  backToA: fc.boolean(),
  leadA2: fc.integer({ min: 1, max: 2 }),
});

/**
 * Spreads each sender's transactions with nonces [from, to) over `blockCount` blocks, keeping nonce order
 * (a sender's later nonce never lands in an earlier block or before an earlier nonce in the same block).
 */
function distribute(
  from: readonly number[],
  to: readonly number[],
  slotValues: readonly number[],
  blockCount: number,
): Transaction[][] {
  const blocks: Transaction[][] = Array.from({ length: blockCount }, () => []);
  SENDERS.forEach((_, s) => {
    const first = from[s]!;
    const last = Math.max(first, to[s]!);
    const assigned = [];
    for (let n = first; n < last; n++) assigned.push(slotValues[s * NONCES_PER_SENDER + n]! % blockCount);
    assigned.sort((a, b) => a - b);
    for (const [k, blockIndex] of assigned.entries()) blocks[blockIndex]!.push(POOL[s]![first + k]!);
  });
  return blocks;
}

/** Every transaction of the canonical chain, by hash, with how many times it appears. */
async function canonicalCounts(chain: Chain): Promise<{ counts: Map<string, number>; blocks: Block[] }> {
  const blocks = await chain.getCanonicalBlocks();
  const counts = new Map<string, number>();
  for (const block of blocks) {
    for (const tx of block.txs) {
      if (tx.kind === 'reward') continue;
      const hash = txHashHex(tx);
      counts.set(hash, (counts.get(hash) ?? 0) + 1);
    }
  }
  return { counts, blocks };
}

describe('property: reorgs keep every transaction exactly once in the chain or the mempool', () => {
  it('holds through A → heavier B → heavier A′, with coins conserved', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (input) => {
        const { chain, forge } = await openTestChain({ genesis: config });
        const tracked = new Set<string>();
        try {
          input.submitted.forEach((submit, i) => {
            if (!submit) return;
            const tx = POOL[Math.floor(i / NONCES_PER_SENDER)]![i % NONCES_PER_SENDER]!;
            const result = chain.addTransaction(tx);
            assert.equal(result.ok, true, result.ok ? '' : `${result.code}: ${result.reason}`);
            tracked.add(txHashHex(tx));
          });

          const zero = SENDERS.map(() => 0);
          const blocksB = input.blocksA + input.leadB;
          const build = async (parent: string, txsPerBlock: Transaction[][], miner: string) => {
            const out: ForgedBlock[] = [];
            for (const txs of txsPerBlock) {
              const forged = await forge.extend(out[out.length - 1]?.hash ?? parent, { txs, miner });
              out.push(forged);
            }
            return out;
          };
          const branchA = await build(
            forge.genesis.hash,
            distribute(zero, input.prefixA, input.slotsA, input.blocksA),
            minerA.address,
          );
          const branchB = await build(
            forge.genesis.hash,
            distribute(zero, input.prefixB, input.slotsB, blocksB),
            minerB.address,
          );
          const extraA = blocksB - input.blocksA + input.leadA2;
          const branchA2 = await build(
            branchA[branchA.length - 1]!.hash,
            distribute(input.prefixA, input.prefixA2, input.slotsA2, extraA),
            minerA.address,
          );

          const check = async (label: string) => {
            const { counts, blocks } = await canonicalCounts(chain);
            for (const [hash, count] of counts) {
              assert.equal(count, 1, `${label}: ${hash} is in the canonical chain ${count} times`);
              tracked.add(hash);
            }
            for (const hash of tracked) {
              const places = (counts.get(hash) ?? 0) + (chain.mempool.has(hash) ? 1 : 0);
              assert.equal(places, 1, `${label}: ${hash} is in ${places} places (chain or mempool)`);
            }
            const state = chain.state;
            assert.equal(totalBalancesMicro(state), state.supplyMicro(), `${label}: coins conserved`);
            assert.equal(
              state.supplyMicro(),
              coinsToMicro(1_000 * SENDERS.length) + BigInt(chain.height) * config.params.blockRewardMicro,
              `${label}: supply = allocation + rewards`,
            );
            assert.equal(toHex(state.root()), toHex(replayState(config, blocks.slice(1)).root()), `${label}: replay`);
            assert.equal(toHex(state.root()), toHex(forge.get(chain.head.hash).state.root()));
          };

          for (const [i, forged] of branchA.entries()) {
            assert.equal((await chain.importBlock(forged.block)).status, 'head');
            await check(`A${i + 1}`);
          }
          for (const [i, forged] of branchB.entries()) {
            const result = await chain.importBlock(forged.block);
            assert.equal(result.status, i < input.blocksA ? 'side' : 'head');
            if (i === input.blocksA) assert.equal(result.reorg?.disconnected.length, input.blocksA);
            await check(`B${i + 1}`);
          }
          assert.equal(chain.head.hash, branchB[branchB.length - 1]!.hash);
          if (input.backToA) {
            for (const [i, forged] of branchA2.entries()) {
              const result = await chain.importBlock(forged.block);
              const height = input.blocksA + i + 1;
              assert.equal(result.status, height > blocksB ? 'head' : 'side');
              await check(`A'${i + 1}`);
            }
            assert.equal(chain.head.hash, branchA2[branchA2.length - 1]!.hash);
          }
        } finally {
          await chain.close();
        }
      }),
      { numRuns: 100 },
    );
  });
});
