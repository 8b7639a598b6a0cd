import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Mempool, type MempoolOptions } from '../../../src/chain/mempool.js';
import type { Address } from '../../../src/crypto/index.js';
import { genesisState, type LedgerState, StateOverlay } from '../../../src/ledger/state.js';
import { createReward, encodeTx, type Transaction, txHashHex } from '../../../src/ledger/tx.js';
import { coinsToMicro } from '../../../src/units/index.js';
import {
  alice,
  bob,
  CLOCK_START_MS,
  carol,
  dave,
  fixedKey,
  GENESIS_MS,
  TEST_ALLOC,
  testGenesis,
  transfer,
} from '../../helpers/chainFixtures.js';

const config = testGenesis();
const params = config.params;
const NOW = CLOCK_START_MS;
const sink = fixedKey(0x7f).address;

function freshState(): LedgerState {
  return genesisState(TEST_ALLOC);
}

function pool(options: MempoolOptions = {}): Mempool {
  return new Mempool(params, options);
}

/** `state` with `address` set to the given account. */
function withAccount(state: LedgerState, address: Address, balanceMicro: bigint, nonce: number): LedgerState {
  const overlay = new StateOverlay(state);
  overlay.setAccount(address, { balanceMicro, nonce });
  return state.apply(overlay.changes());
}

function expectCode(result: { ok: boolean; code?: string; reason?: string }, code: string): void {
  assert.equal(result.ok, false, `expected ${code}`);
  assert.equal(result.code, code, result.reason);
}

function expectOk(result: { ok: boolean; code?: string; reason?: string }): void {
  assert.equal(result.ok, true, result.ok ? '' : `${result.code}: ${result.reason}`);
}

const hashes = (txs: readonly Transaction[]) => txs.map(txHashHex);

describe('Mempool admission', () => {
  it('accepts a valid transfer and reports its hash', () => {
    const mempool = pool();
    const tx = transfer(alice, bob.address, 1_000n, 0);
    const result = mempool.add(tx, freshState(), NOW);
    assert.deepEqual(result, { ok: true, hash: txHashHex(tx) });
    assert.equal(mempool.size, 1);
    assert.ok(mempool.has(txHashHex(tx)));
    assert.equal(mempool.get(txHashHex(tx)), tx);
  });

  it('rejects a reward with TX_UNEXPECTED_REWARD', () => {
    const mempool = pool();
    const reward = createReward({
      chainId: params.chainId,
      height: 1,
      to: alice.address,
      amountMicro: 5n,
      timestampMs: GENESIS_MS,
    });
    expectCode(mempool.add(reward, freshState(), NOW), 'TX_UNEXPECTED_REWARD');
    assert.equal(mempool.size, 0);
  });

  it('rejects the same transaction twice with MEMPOOL_DUPLICATE', () => {
    const mempool = pool();
    const tx = transfer(alice, bob.address, 1_000n, 0);
    expectOk(mempool.add(tx, freshState(), NOW));
    expectCode(mempool.add(tx, freshState(), NOW), 'MEMPOOL_DUPLICATE');
    assert.equal(mempool.size, 1);
  });

  it('rejects a bad signature with TX_BAD_SIGNATURE, unless the caller verified signatures', () => {
    const tx = transfer(alice, bob.address, 1_000n, 0);
    const signature = new Uint8Array(tx.signature);
    signature[10]! ^= 0x01;
    const forged = Object.freeze({ ...tx, signature });
    expectCode(pool().add(forged, freshState(), NOW), 'TX_BAD_SIGNATURE');
    // Re-admission after a reorg skips the check (the block's signatures were verified on import).
    expectOk(pool().add(forged, freshState(), NOW, { signaturesVerified: true }));
  });

  it('rejects a transaction signed for another network with TX_WRONG_CHAIN', () => {
    const tx = transfer(alice, bob.address, 1_000n, 0, { chainId: params.chainId + 1 });
    expectCode(pool().add(tx, freshState(), NOW), 'TX_WRONG_CHAIN');
  });

  it('rejects a timestamp beyond the allowed drift with TX_FUTURE_TIMESTAMP', () => {
    const limit = NOW + params.maxFutureDriftMs;
    expectCode(
      pool().add(transfer(alice, bob.address, 1n, 0, { timestampMs: limit + 1 }), freshState(), NOW),
      'TX_FUTURE_TIMESTAMP',
    );
    expectOk(pool().add(transfer(alice, bob.address, 1n, 0, { timestampMs: limit }), freshState(), NOW));
  });

  it('rejects a fee below the node minimum with MEMPOOL_FEE_TOO_LOW', () => {
    const mempool = pool({ minFeeMicro: 10n });
    expectCode(
      mempool.add(transfer(alice, bob.address, 1n, 0, { feeMicro: 9n }), freshState(), NOW),
      'MEMPOOL_FEE_TOO_LOW',
    );
    expectOk(mempool.add(transfer(alice, bob.address, 1n, 0, { feeMicro: 10n }), freshState(), NOW));
  });

  it('rejects a used nonce with TX_NONCE_TOO_LOW', () => {
    const state = withAccount(freshState(), alice.address, coinsToMicro(100), 3);
    expectCode(pool().add(transfer(alice, bob.address, 1n, 2), state, NOW), 'TX_NONCE_TOO_LOW');
    expectOk(pool().add(transfer(alice, bob.address, 1n, 3), state, NOW));
  });

  it('rejects a nonce beyond the per-sender window with MEMPOOL_NONCE_GAP', () => {
    const mempool = pool({ maxTxsPerSender: 4 });
    expectCode(mempool.add(transfer(alice, bob.address, 1n, 4), freshState(), NOW), 'MEMPOOL_NONCE_GAP');
    // A gap inside the window is held (its predecessors may still arrive).
    expectOk(mempool.add(transfer(alice, bob.address, 1n, 3), freshState(), NOW));
    const state = withAccount(freshState(), alice.address, coinsToMicro(100), 2);
    expectOk(pool({ maxTxsPerSender: 4 }).add(transfer(alice, bob.address, 1n, 5), state, NOW));
    expectCode(pool({ maxTxsPerSender: 4 }).add(transfer(alice, bob.address, 1n, 6), state, NOW), 'MEMPOOL_NONCE_GAP');
  });

  it('rejects with TX_INSUFFICIENT_BALANCE when the pending debits (amounts and fees) exceed the balance', () => {
    const mempool = pool();
    const state = freshState();
    const balance = state.account(carol.address).balanceMicro;
    // Each one alone is affordable; together they are not.
    expectOk(mempool.add(transfer(carol, bob.address, balance - 100n, 0, { feeMicro: 40n }), state, NOW));
    expectCode(
      mempool.add(transfer(carol, bob.address, 50n, 1, { feeMicro: 11n }), state, NOW),
      'TX_INSUFFICIENT_BALANCE',
    );
    expectOk(mempool.add(transfer(carol, bob.address, 50n, 1, { feeMicro: 10n }), state, NOW));
    assert.equal(mempool.size, 2);
    // A single transfer of more than the balance.
    expectCode(pool().add(transfer(dave, bob.address, balance + 1n, 0), state, NOW), 'TX_INSUFFICIENT_BALANCE');
  });

  it('replaces a pending nonce only for a strictly higher fee (replace-by-fee)', () => {
    const mempool = pool();
    const state = freshState();
    const first = transfer(alice, bob.address, 1_000n, 0, { feeMicro: 5n });
    expectOk(mempool.add(first, state, NOW));
    const sameFee = transfer(alice, carol.address, 1_000n, 0, { feeMicro: 5n });
    expectCode(mempool.add(sameFee, state, NOW), 'MEMPOOL_DUPLICATE');
    const better = transfer(alice, carol.address, 1_000n, 0, { feeMicro: 6n });
    const result = mempool.add(better, state, NOW);
    assert.deepEqual(result, { ok: true, hash: txHashHex(better), replaced: txHashHex(first) });
    assert.equal(mempool.size, 1);
    assert.ok(!mempool.has(txHashHex(first)));
    assert.ok(mempool.has(txHashHex(better)));
  });

  it('counts the replacement, not the replaced transaction, against the balance', () => {
    const mempool = pool();
    const state = freshState();
    const balance = state.account(carol.address).balanceMicro;
    expectOk(mempool.add(transfer(carol, bob.address, balance - 10n, 0, { feeMicro: 10n }), state, NOW));
    // Replacing it with one that spends the whole balance is fine: the old debit no longer counts.
    expectOk(mempool.add(transfer(carol, bob.address, balance - 11n, 0, { feeMicro: 11n }), state, NOW));
    assert.equal(mempool.size, 1);
  });
});

describe('Mempool eviction when full', () => {
  it('evicts the cheapest transaction that is its sender’s last, for a better-paying newcomer', () => {
    const mempool = pool({ maxTxs: 3 });
    const state = freshState();
    const aliceLow = transfer(alice, sink, 1n, 0, { feeMicro: 1n });
    const aliceHigh = transfer(alice, sink, 1n, 1, { feeMicro: 9n });
    const bobMid = transfer(bob, sink, 1n, 0, { feeMicro: 3n });
    for (const tx of [aliceLow, aliceHigh, bobMid]) expectOk(mempool.add(tx, state, NOW));
    // alice's nonce 0 is the cheapest, but evicting it would strand nonce 1: bob's is the victim.
    const newcomer = transfer(dave, sink, 1n, 0, { feeMicro: 4n });
    expectOk(mempool.add(newcomer, state, NOW));
    assert.equal(mempool.size, 3);
    assert.ok(!mempool.has(txHashHex(bobMid)));
    assert.ok(mempool.has(txHashHex(aliceLow)));
    assert.ok(mempool.has(txHashHex(aliceHigh)));
    assert.ok(mempool.has(txHashHex(newcomer)));
  });

  it('answers MEMPOOL_FULL when the newcomer pays no more than the cheapest evictable one', () => {
    const mempool = pool({ maxTxs: 2 });
    const state = freshState();
    const a = transfer(alice, sink, 1n, 0, { feeMicro: 4n });
    const b = transfer(bob, sink, 1n, 0, { feeMicro: 7n });
    expectOk(mempool.add(a, state, NOW));
    expectOk(mempool.add(b, state, NOW));
    expectCode(mempool.add(transfer(carol, sink, 1n, 0, { feeMicro: 4n }), state, NOW), 'MEMPOOL_FULL');
    expectCode(mempool.add(transfer(carol, sink, 1n, 0, { feeMicro: 3n }), state, NOW), 'MEMPOOL_FULL');
    assert.deepEqual(hashes(mempool.all()).sort(), hashes([a, b]).sort());
    const c = transfer(carol, sink, 1n, 0, { feeMicro: 5n });
    expectOk(mempool.add(c, state, NOW));
    assert.ok(!mempool.has(txHashHex(a)));
    assert.equal(mempool.size, 2);
  });

  it('of two equally cheap candidates evicts the later arrival', () => {
    const mempool = pool({ maxTxs: 2 });
    const state = freshState();
    const first = transfer(alice, sink, 1n, 0, { feeMicro: 4n });
    const second = transfer(bob, sink, 1n, 0, { feeMicro: 4n });
    expectOk(mempool.add(first, state, NOW));
    expectOk(mempool.add(second, state, NOW));
    expectOk(mempool.add(transfer(carol, sink, 1n, 0, { feeMicro: 5n }), state, NOW));
    assert.ok(mempool.has(txHashHex(first)));
    assert.ok(!mempool.has(txHashHex(second)));
  });

  it('still accepts a replacement when full (it does not grow the pool)', () => {
    const mempool = pool({ maxTxs: 1 });
    const state = freshState();
    expectOk(mempool.add(transfer(alice, sink, 1n, 0, { feeMicro: 4n }), state, NOW));
    const replacement = transfer(alice, sink, 2n, 0, { feeMicro: 5n });
    expectOk(mempool.add(replacement, state, NOW));
    assert.deepEqual(hashes(mempool.all()), hashes([replacement]));
  });
});

describe('Mempool.select', () => {
  const selectAll = { maxTxs: 1000, maxBytes: 1 << 20, blockTimestampMs: NOW };

  it('orders by fee, then arrival, while keeping each sender’s nonce order', () => {
    const mempool = pool();
    const state = freshState();
    const alice0 = transfer(alice, sink, 1n, 0, { feeMicro: 1n });
    const alice1 = transfer(alice, sink, 1n, 1, { feeMicro: 10n });
    const bob0 = transfer(bob, sink, 1n, 0, { feeMicro: 5n });
    const carol0 = transfer(carol, sink, 1n, 0, { feeMicro: 5n });
    const dave0 = transfer(dave, sink, 1n, 0, { feeMicro: 7n });
    // Arrival order: alice1 before alice0 (out of nonce order), bob before carol.
    for (const tx of [alice1, bob0, carol0, alice0, dave0]) expectOk(mempool.add(tx, state, NOW));
    const selected = mempool.select(state, selectAll);
    assert.deepEqual(hashes(selected), hashes([dave0, bob0, carol0, alice0, alice1]));
  });

  it('lets a sender’s high-fee follow-up run as soon as its predecessor is chosen', () => {
    const mempool = pool();
    const state = freshState();
    const alice0 = transfer(alice, sink, 1n, 0, { feeMicro: 8n });
    const alice1 = transfer(alice, sink, 1n, 1, { feeMicro: 6n });
    const bob0 = transfer(bob, sink, 1n, 0, { feeMicro: 5n });
    for (const tx of [bob0, alice1, alice0]) expectOk(mempool.add(tx, state, NOW));
    assert.deepEqual(hashes(mempool.select(state, selectAll)), hashes([alice0, alice1, bob0]));
    // all() is priority order without the nonce constraint.
    assert.deepEqual(hashes(mempool.all()), hashes([alice0, alice1, bob0]));
  });

  it('respects maxTxs and maxBytes', () => {
    const mempool = pool();
    const state = freshState();
    const txs = [
      transfer(alice, sink, 1n, 0, { feeMicro: 4n }),
      transfer(bob, sink, 1n, 0, { feeMicro: 3n }),
      transfer(carol, sink, 1n, 0, { feeMicro: 2n }),
      transfer(dave, sink, 1n, 0, { feeMicro: 1n }),
    ];
    for (const tx of txs) expectOk(mempool.add(tx, state, NOW));
    assert.deepEqual(hashes(mempool.select(state, { ...selectAll, maxTxs: 2 })), hashes(txs.slice(0, 2)));
    const sizeBytes = encodeTx(txs[0]!).length + 4;
    assert.deepEqual(hashes(mempool.select(state, { ...selectAll, maxBytes: 3 * sizeBytes })), hashes(txs.slice(0, 3)));
    assert.deepEqual(mempool.select(state, { ...selectAll, maxBytes: sizeBytes - 1 }), []);
    assert.equal(mempool.select(state, { ...selectAll, maxTxs: 0 }).length, 0);
    // Selecting does not remove anything.
    assert.equal(mempool.size, 4);
  });

  it('skips a sender whose next nonce is missing, and transactions dated after the block', () => {
    const mempool = pool();
    const state = freshState();
    const gapped = transfer(alice, sink, 1n, 1, { feeMicro: 9n });
    const bob0 = transfer(bob, sink, 1n, 0, { feeMicro: 1n });
    const late = transfer(carol, sink, 1n, 0, { feeMicro: 5n, timestampMs: NOW + 60_000 });
    for (const tx of [gapped, bob0, late]) expectOk(mempool.add(tx, state, NOW));
    const selected = mempool.select(state, { ...selectAll, blockTimestampMs: NOW - params.maxFutureDriftMs });
    assert.deepEqual(hashes(selected), hashes([bob0]));
  });
});

describe('Mempool.reconcile and nextNonce', () => {
  it('drops transactions whose nonce the new state has used', () => {
    const mempool = pool();
    const state = freshState();
    const alice0 = transfer(alice, sink, 1n, 0);
    const alice1 = transfer(alice, sink, 1n, 1);
    const bob0 = transfer(bob, sink, 1n, 0);
    for (const tx of [alice0, alice1, bob0]) expectOk(mempool.add(tx, state, NOW));
    const next = withAccount(state, alice.address, coinsToMicro(99), 1);
    assert.deepEqual(mempool.reconcile(next), [txHashHex(alice0)]);
    assert.deepEqual(hashes(mempool.all()).sort(), hashes([alice1, bob0]).sort());
    assert.deepEqual(mempool.reconcile(next), []);
  });

  it('keeps the lowest nonces the sender can still afford and drops the rest', () => {
    const mempool = pool();
    const state = freshState();
    const bob0 = transfer(bob, sink, 600n, 0, { feeMicro: 100n });
    const bob1 = transfer(bob, sink, 200n, 1);
    const bob2 = transfer(bob, sink, 100n, 2);
    for (const tx of [bob0, bob1, bob2]) expectOk(mempool.add(tx, state, NOW));
    const poorer = withAccount(state, bob.address, 950n, 0);
    assert.deepEqual(mempool.reconcile(poorer), [txHashHex(bob2)]);
    assert.deepEqual(hashes(mempool.all()), hashes([bob0, bob1]));
  });

  it('nextNonce counts the sender’s consecutive pending nonces', () => {
    const mempool = pool();
    const state = freshState();
    assert.equal(mempool.nextNonce(alice.address, state), 0);
    expectOk(mempool.add(transfer(alice, sink, 1n, 0), state, NOW));
    expectOk(mempool.add(transfer(alice, sink, 1n, 1), state, NOW));
    assert.equal(mempool.nextNonce(alice.address, state), 2);
    expectOk(mempool.add(transfer(alice, sink, 1n, 3), state, NOW));
    assert.equal(mempool.nextNonce(alice.address, state), 2);
    assert.equal(mempool.nextNonce(alice.address, withAccount(state, alice.address, 1_000n, 5)), 5);
    assert.equal(mempool.nextNonce(bob.address, state), 0);
  });

  it('remove() forgets the given hashes and ignores unknown ones', () => {
    const mempool = pool();
    const state = freshState();
    const a = transfer(alice, sink, 1n, 0);
    const b = transfer(alice, sink, 1n, 1);
    expectOk(mempool.add(a, state, NOW));
    expectOk(mempool.add(b, state, NOW));
    mempool.remove([txHashHex(a), 'ff'.repeat(32)]);
    assert.deepEqual(hashes(mempool.all()), hashes([b]));
    assert.equal(mempool.nextNonce(alice.address, state), 0);
  });
});
