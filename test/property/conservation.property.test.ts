/**
 * Money is conserved (DESIGN.md §6): whatever mix of valid and invalid transfers miners are offered, after every
 * block the balances sum to the recorded supply, and the supply is the genesis allocation plus one block reward
 * per block. Fees move from senders to the miner; they create nothing.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { KeyPair } from '../../src/crypto/index.js';
import type { LedgerState } from '../../src/ledger/state.js';
import type { Transaction } from '../../src/ledger/tx.js';
import { applyBlock, checkBlock } from '../../src/ledger/validation.js';
import { coinsToMicro } from '../../src/units/index.js';
import { runs } from '../helpers/arbitraries.js';
import { assertValid } from '../helpers/assertions.js';
import {
  alice,
  allocationTotalMicro,
  bob,
  carol,
  DEFAULT_ALLOCATIONS,
  dave,
  GENESIS_TIMESTAMP_MS,
  minerKey,
  TestChain,
  transfer,
} from '../helpers/ledgerFixtures.js';

const senders: readonly KeyPair[] = [alice, bob, carol, dave, minerKey];
const recipients = senders.map((key) => key.address);

const transferOp = fc.record({
  from: fc.integer({ min: 0, max: senders.length - 1 }),
  to: fc.integer({ min: 0, max: recipients.length - 1 }),
  // Up to 120 coins: more than most balances, so many transfers overdraw.
  amountMicro: fc.oneof(fc.bigInt({ min: 0n, max: 1_000n }), fc.bigInt({ min: 0n, max: coinsToMicro(120) })),
  feeMicro: fc.oneof(fc.constant(0n), fc.bigInt({ min: 0n, max: 5_000n })),
  energyWh: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 10_000 })),
  // -1 replays, +1 leaves a gap; mostly the right nonce.
  nonceShift: fc.constantFrom(0, 0, 0, 0, -1, 1),
  // A transfer whose amount was edited after signing.
  forged: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
});
type TransferOp = typeof transferOp extends fc.Arbitrary<infer T> ? T : never;

const blocksOfOps = fc.array(fc.array(transferOp, { maxLength: 6 }), { minLength: 1, maxLength: 4 });

function sumOfBalances(state: LedgerState): bigint {
  return state.accounts().reduce((sum, { account }) => sum + account.balanceMicro, 0n);
}

function toTransactions(ops: readonly TransferOp[], state: LedgerState, timestampMs: number): Transaction[] {
  const nextNonce = new Map<string, number>();
  return ops.map((op) => {
    const sender = senders[op.from]!;
    const nonce = nextNonce.get(sender.address) ?? state.account(sender.address).nonce;
    nextNonce.set(sender.address, nonce + 1);
    const tx = transfer(sender, recipients[op.to]!, op.amountMicro, Math.max(0, nonce + op.nonceShift), {
      feeMicro: op.feeMicro,
      energyWh: op.energyWh,
      timestampMs,
    });
    return op.forged ? { ...tx, amountMicro: tx.amountMicro + 1n } : tx;
  });
}

describe('conservation of coins (property)', () => {
  it('after every block: Σ balances = supply = genesis allocation + block reward × height', async (t) => {
    const genesisTotal = allocationTotalMicro(DEFAULT_ALLOCATIONS);
    let included = 0;
    let rejected = 0;
    await fc.assert(
      fc.asyncProperty(blocksOfOps, async (blocks) => {
        const chain = await TestChain.create();
        for (const ops of blocks) {
          const parent = chain.head;
          const txs = toTransactions(ops, parent.state, GENESIS_TIMESTAMP_MS + parent.block.header.height);
          const built = await chain.addBlock(txs);
          included += built.included.length;
          rejected += built.rejected.length;

          // The block is valid, and every node re-executing it reaches the same state.
          assertValid(checkBlock(built.block, chain.params));
          assertValid(chain.consensus.verifySeal(built.block.header));
          const applied = applyBlock(parent.state, built.block, chain.params);
          assertValid(applied);
          assert.ok(applied.ok);

          const state = applied.state;
          const height = built.block.header.height;
          assert.equal(state.supplyMicro(), genesisTotal + chain.params.blockRewardMicro * BigInt(height));
          assert.equal(sumOfBalances(state), state.supplyMicro());
          assert.equal(
            applied.feesMicro,
            built.included.reduce((sum, tx) => sum + tx.feeMicro, 0n),
          );
        }
      }),
      runs(200),
    );
    // The generator must exercise both sides, or the property says little.
    t.diagnostic(`${included} transfers included, ${rejected} rejected`);
    assert.ok(included > 50, `only ${included} transfers were valid`);
    assert.ok(rejected > 50, `only ${rejected} transfers were invalid`);
  });

  it('a rejected transfer changes no balance: a block of only invalid transfers moves just the reward', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(transferOp, { minLength: 1, maxLength: 5 }), async (ops) => {
        const chain = await TestChain.create();
        const parent = chain.head.state;
        const invalid = toTransactions(
          ops.map((op) => ({ ...op, nonceShift: 1 })),
          parent,
          GENESIS_TIMESTAMP_MS,
        );
        const built = await chain.addBlock(invalid);
        assert.equal(built.included.length, 0);
        for (const address of recipients) {
          const reward = address === minerKey.address ? chain.params.blockRewardMicro : 0n;
          assert.equal(built.state.account(address).balanceMicro, parent.account(address).balanceMicro + reward);
        }
      }),
      runs(30),
    );
  });
});
