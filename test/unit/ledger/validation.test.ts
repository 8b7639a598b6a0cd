import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { bytesEqual, toHex, ZERO_HASH } from '../../../src/crypto/index.js';
import { type Block, type BlockHeader, encodeBlock, headerHash } from '../../../src/ledger/block.js';
import type { ChainParams } from '../../../src/ledger/params.js';
import { genesisState, LedgerState, StateOverlay } from '../../../src/ledger/state.js';
import {
  createReward,
  encodeTx,
  MAX_TX_BYTES,
  type RewardTx,
  signTx,
  type TransferTx,
  txHashHex,
  type UnsignedTx,
} from '../../../src/ledger/tx.js';
import {
  applyBlock,
  applyTx,
  checkBlock,
  checkHeaderContext,
  checkTx,
  medianTimestampMs,
} from '../../../src/ledger/validation.js';
import { MAX_MONEY_MICRO } from '../../../src/units/index.js';
import { assertRejects, assertValid } from '../../helpers/assertions.js';
import {
  alice,
  assembleBlock,
  BLOCK_INTERVAL_MS,
  bob,
  carol,
  DEFAULT_ALLOCATIONS,
  dave,
  GENESIS_TIMESTAMP_MS,
  minerKey,
  TEST_CHAIN_PARAMS,
  TestChain,
  transfer,
  withHeader,
  withTxs,
} from '../../helpers/ledgerFixtures.js';

const params = TEST_CHAIN_PARAMS;

/** Re-signs a transfer after changing fields, so only the changed rule can fail. */
function resigned(tx: TransferTx, changes: Partial<UnsignedTx<TransferTx>>, key = alice): TransferTx {
  const { signature: _, ...unsigned } = tx;
  return signTx<TransferTx>({ ...unsigned, ...changes } as UnsignedTx<TransferTx>, key.privateKey);
}

function rewardOf(block: Block): RewardTx {
  const reward = block.txs[0];
  assert.ok(reward?.kind === 'reward');
  return reward;
}

let chain: TestChain;
/** Block 1: reward, alice → bob 2 coins (fee 100), bob → carol 1 coin (fee 50). */
let block1: Block;
let genesis: Block;

before(async () => {
  chain = await TestChain.create();
  const built = await chain.addBlock([
    transfer(alice, bob.address, 2_000_000n, 0, { feeMicro: 100n }),
    transfer(bob, carol.address, 1_000_000n, 0, { feeMicro: 50n }),
  ]);
  assert.equal(built.rejected.length, 0);
  genesis = chain.links[0]!.block;
  block1 = built.block;
});

describe('checkTx', () => {
  it('accepts a signed transfer', () => {
    assertValid(checkTx(transfer(alice, bob.address, 1n, 0), params));
  });

  it('accepts a reward', () => {
    assertValid(
      checkTx(
        createReward({ chainId: params.chainId, height: 1, to: bob.address, amountMicro: 1n, timestampMs: 0 }),
        params,
      ),
    );
  });

  it('accepts a transfer that only records energy', () => {
    assertValid(checkTx(transfer(alice, bob.address, 0n, 0, { energyWh: 500 }), params));
  });

  it('TX_BAD_VERSION', () => {
    assertRejects(checkTx(resigned(transfer(alice, bob.address, 1n, 0), { version: 2 }), params), 'TX_BAD_VERSION');
  });

  it('TX_BAD_VERSION for a reward too', () => {
    const reward = createReward({
      chainId: params.chainId,
      height: 1,
      to: bob.address,
      amountMicro: 1n,
      timestampMs: 0,
    });
    assertRejects(checkTx({ ...reward, version: 0 }, params), 'TX_BAD_VERSION');
  });

  it('TX_WRONG_CHAIN', () => {
    assertRejects(
      checkTx(transfer(alice, bob.address, 1n, 0, { chainId: params.chainId + 1 }), params),
      'TX_WRONG_CHAIN',
    );
  });

  it('TX_WRONG_CHAIN for a reward of another network', () => {
    const reward = createReward({
      chainId: params.chainId + 1,
      height: 1,
      to: bob.address,
      amountMicro: 1n,
      timestampMs: 0,
    });
    assertRejects(checkTx(reward, params), 'TX_WRONG_CHAIN');
  });

  it('TX_TOO_LARGE cannot be reached by the current kinds: the largest transfer encodes far below the limit', () => {
    // Both kinds have fixed-size payloads, so the size rule only guards the market kinds of later issues.
    const largest = transfer(alice, bob.address, MAX_MONEY_MICRO, Number.MAX_SAFE_INTEGER, {
      feeMicro: MAX_MONEY_MICRO,
      energyWh: Number.MAX_SAFE_INTEGER,
      timestampMs: Number.MAX_SAFE_INTEGER,
    });
    assert.ok(encodeTx(largest).length < MAX_TX_BYTES);
    assertValid(checkTx(largest, params));
  });

  it('TX_ZERO_VALUE', () => {
    assertRejects(
      checkTx(transfer(alice, bob.address, 0n, 0, { energyWh: 0, feeMicro: 10n }), params),
      'TX_ZERO_VALUE',
    );
  });

  it('TX_BAD_SIGNATURE', () => {
    const tx = transfer(alice, bob.address, 1n, 0);
    assertRejects(checkTx({ ...tx, amountMicro: 2n }, params), 'TX_BAD_SIGNATURE');
  });

  it('TX_BAD_SIGNATURE for a transfer signed by someone other than the sender', () => {
    const tx = resigned(transfer(alice, bob.address, 1n, 0), {}, carol);
    assertRejects(checkTx(tx, params), 'TX_BAD_SIGNATURE');
  });

  it('skips signature verification when the caller already verified', () => {
    const tx = transfer(alice, bob.address, 1n, 0);
    assertValid(checkTx({ ...tx, amountMicro: 2n }, params, { signaturesVerified: true }));
  });
});

describe('checkBlock', () => {
  it('accepts a block built by the fixture', () => {
    assertValid(checkBlock(block1, params));
  });

  it('accepts the genesis block (height 0 needs no reward)', () => {
    assertValid(checkBlock(genesis, params));
  });

  it('BLOCK_BAD_VERSION', () => {
    assertRejects(checkBlock(withHeader(block1, { version: 2 }), params), 'BLOCK_BAD_VERSION');
  });

  it('BLOCK_TOO_MANY_TXS', () => {
    const limited: ChainParams = { ...params, maxBlockTxs: block1.txs.length - 1 };
    assertRejects(checkBlock(block1, limited), 'BLOCK_TOO_MANY_TXS');
    assertValid(checkBlock(block1, { ...params, maxBlockTxs: block1.txs.length }));
  });

  it('BLOCK_TOO_LARGE', () => {
    const size = encodeBlock(block1).length;
    assertRejects(checkBlock(block1, { ...params, maxBlockBytes: size - 1 }), 'BLOCK_TOO_LARGE');
    assertValid(checkBlock(block1, { ...params, maxBlockBytes: size }));
  });

  it('BLOCK_NO_REWARD', () => {
    assertRejects(checkBlock(withTxs(block1, block1.txs.slice(1)), params), 'BLOCK_NO_REWARD');
  });

  it('BLOCK_NO_REWARD for an empty block above genesis', () => {
    assertRejects(checkBlock(withTxs(block1, []), params), 'BLOCK_NO_REWARD');
  });

  it('BLOCK_BAD_TX_ROOT', () => {
    assertRejects(checkBlock(withHeader(block1, { txRoot: ZERO_HASH }), params), 'BLOCK_BAD_TX_ROOT');
  });

  it('BLOCK_BAD_TX_ROOT when the transactions are reordered', () => {
    const reordered = Object.freeze({ header: block1.header, txs: [block1.txs[0]!, block1.txs[2]!, block1.txs[1]!] });
    assertRejects(checkBlock(reordered, params), 'BLOCK_BAD_TX_ROOT');
  });

  it('BLOCK_DUPLICATE_TX', () => {
    const result = checkBlock(withTxs(block1, [...block1.txs, block1.txs[1]!]), params);
    assertRejects(result, 'BLOCK_DUPLICATE_TX');
    assert.equal(!result.ok && result.txIndex, block1.txs.length);
  });

  it('BLOCK_MULTIPLE_REWARDS', () => {
    const second = createReward({
      chainId: params.chainId,
      height: 1,
      to: bob.address,
      amountMicro: 1n,
      timestampMs: 0,
    });
    const result = checkBlock(withTxs(block1, [...block1.txs, second]), params);
    assertRejects(result, 'BLOCK_MULTIPLE_REWARDS');
    assert.equal(!result.ok && result.txIndex, block1.txs.length);
  });

  it('locates a failing transaction by index, hash, block height and block hash', () => {
    const bad = { ...transfer(dave, bob.address, 1n, 0), amountMicro: 2n };
    const block = withTxs(block1, [...block1.txs, bad]);
    const result = checkBlock(block, params);
    assertRejects(result, 'TX_BAD_SIGNATURE');
    assert.ok(!result.ok);
    assert.equal(result.txIndex, block1.txs.length);
    assert.equal(result.txHash, txHashHex(bad));
    assert.equal(result.blockHeight, 1);
    assert.equal(result.blockHash, toHex(headerHash(block.header)));
  });

  it('passes signaturesVerified on to checkTx', () => {
    const bad = { ...transfer(dave, bob.address, 1n, 0), amountMicro: 2n };
    assertValid(checkBlock(withTxs(block1, [...block1.txs, bad]), params, { signaturesVerified: true }));
  });

  it('rejects a transaction of another network inside a block', () => {
    const foreign = transfer(dave, bob.address, 1n, 0, { chainId: 1 });
    assertRejects(checkBlock(withTxs(block1, [...block1.txs, foreign]), params), 'TX_WRONG_CHAIN');
  });
});

describe('medianTimestampMs', () => {
  it('is the middle value of an odd count, regardless of order', () => {
    assert.equal(medianTimestampMs([30, 10, 20]), 20);
  });

  it('is the upper median of an even count', () => {
    assert.equal(medianTimestampMs([40, 10, 30, 20]), 30);
  });

  it('is 0 for no timestamps', () => {
    assert.equal(medianTimestampMs([]), 0);
  });

  it('does not reorder its input', () => {
    const input = [3, 1, 2];
    medianTimestampMs(input);
    assert.deepEqual(input, [3, 1, 2]);
  });
});

describe('checkHeaderContext', () => {
  const now = () => block1.header.timestampMs;

  it('accepts the fixture block on genesis', () => {
    assertValid(checkHeaderContext(block1.header, genesis.header, chain.recentTimestampsMs(0), now(), params));
  });

  it('BLOCK_BAD_PREV_HASH', () => {
    const header: BlockHeader = { ...block1.header, prevHash: ZERO_HASH };
    assertRejects(checkHeaderContext(header, genesis.header, [], now(), params), 'BLOCK_BAD_PREV_HASH');
  });

  it('BLOCK_BAD_HEIGHT', () => {
    const header: BlockHeader = { ...block1.header, height: 2 };
    assertRejects(checkHeaderContext(header, genesis.header, [], now(), params), 'BLOCK_BAD_HEIGHT');
  });

  it('BLOCK_TIME_TOO_OLD at exactly the median', () => {
    const header: BlockHeader = { ...block1.header, timestampMs: genesis.header.timestampMs };
    assertRejects(checkHeaderContext(header, genesis.header, [], now(), params), 'BLOCK_TIME_TOO_OLD');
  });

  it('BLOCK_TIME_TOO_OLD against the median of recent blocks', () => {
    const header: BlockHeader = { ...block1.header, timestampMs: 200 };
    assertRejects(checkHeaderContext(header, genesis.header, [100, 200, 300], 1_000, params), 'BLOCK_TIME_TOO_OLD');
  });

  it('accepts a timestamp before the parent’s when it is after the median (one miner cannot rewind time)', () => {
    const parent: BlockHeader = { ...genesis.header, timestampMs: 1_000 };
    const header: BlockHeader = { ...block1.header, prevHash: headerHash(parent), timestampMs: 201 };
    assertValid(checkHeaderContext(header, parent, [100, 200, 1_000], 1_000, params));
  });

  it('BLOCK_TIME_TOO_NEW', () => {
    const header = block1.header;
    const nowMs = header.timestampMs - params.maxFutureDriftMs - 1;
    assertRejects(checkHeaderContext(header, genesis.header, [], nowMs, params), 'BLOCK_TIME_TOO_NEW');
  });

  it('accepts a timestamp exactly maxFutureDriftMs ahead of the clock', () => {
    const header = block1.header;
    assertValid(checkHeaderContext(header, genesis.header, [], header.timestampMs - params.maxFutureDriftMs, params));
  });

  it('locates the failure at the header', () => {
    const header: BlockHeader = { ...block1.header, height: 5 };
    const result = checkHeaderContext(header, genesis.header, [], now(), params);
    assert.ok(!result.ok);
    assert.equal(result.blockHeight, 5);
    assert.equal(result.blockHash, toHex(headerHash(header)));
  });
});

describe('applyTx', () => {
  const blockTimeMs = GENESIS_TIMESTAMP_MS + BLOCK_INTERVAL_MS;
  const base = () => genesisState(DEFAULT_ALLOCATIONS);

  it('debits amount + fee, bumps the nonce, credits the receiver and returns the fee', () => {
    const state = base();
    const overlay = new StateOverlay(state);
    const result = applyTx(
      overlay,
      transfer(alice, dave.address, 300n, 0, { feeMicro: 7n }),
      { height: 1, timestampMs: blockTimeMs },
      params,
    );
    assert.deepEqual(result, { ok: true, feeMicro: 7n });
    assert.deepEqual(overlay.account(alice.address), {
      balanceMicro: state.account(alice.address).balanceMicro - 307n,
      nonce: 1,
    });
    assert.deepEqual(overlay.account(dave.address), { balanceMicro: 300n, nonce: 0 });
  });

  it('a transfer to oneself costs only the fee and bumps the nonce', () => {
    const state = base();
    const overlay = new StateOverlay(state);
    assertValid(
      applyTx(
        overlay,
        transfer(alice, alice.address, 300n, 0, { feeMicro: 7n }),
        { height: 1, timestampMs: blockTimeMs },
        params,
      ),
    );
    assert.deepEqual(overlay.account(alice.address), {
      balanceMicro: state.account(alice.address).balanceMicro - 7n,
      nonce: 1,
    });
  });

  it('applies consecutive nonces in order', () => {
    const overlay = new StateOverlay(base());
    assertValid(applyTx(overlay, transfer(alice, bob.address, 1n, 0), { height: 1, timestampMs: blockTimeMs }, params));
    assertValid(applyTx(overlay, transfer(alice, bob.address, 1n, 1), { height: 1, timestampMs: blockTimeMs }, params));
    assert.equal(overlay.account(alice.address).nonce, 2);
  });

  it('TX_UNEXPECTED_REWARD', () => {
    const reward = createReward({
      chainId: params.chainId,
      height: 1,
      to: bob.address,
      amountMicro: 1n,
      timestampMs: 0,
    });
    assertRejects(
      applyTx(new StateOverlay(base()), reward, { height: 1, timestampMs: blockTimeMs }, params),
      'TX_UNEXPECTED_REWARD',
    );
  });

  it('TX_FUTURE_TIMESTAMP', () => {
    const tx = transfer(alice, bob.address, 1n, 0, { timestampMs: blockTimeMs + params.maxFutureDriftMs + 1 });
    assertRejects(
      applyTx(new StateOverlay(base()), tx, { height: 1, timestampMs: blockTimeMs }, params),
      'TX_FUTURE_TIMESTAMP',
    );
  });

  it('accepts a transaction dated exactly maxFutureDriftMs after its block', () => {
    const tx = transfer(alice, bob.address, 1n, 0, { timestampMs: blockTimeMs + params.maxFutureDriftMs });
    assertValid(applyTx(new StateOverlay(base()), tx, { height: 1, timestampMs: blockTimeMs }, params));
  });

  it('TX_NONCE_TOO_LOW (a replay)', () => {
    const overlay = new StateOverlay(base());
    const tx = transfer(alice, bob.address, 1n, 0);
    assertValid(applyTx(overlay, tx, { height: 1, timestampMs: blockTimeMs }, params));
    assertRejects(applyTx(overlay, tx, { height: 1, timestampMs: blockTimeMs }, params), 'TX_NONCE_TOO_LOW');
  });

  it('TX_NONCE_TOO_HIGH (a gap)', () => {
    assertRejects(
      applyTx(
        new StateOverlay(base()),
        transfer(alice, bob.address, 1n, 1),
        { height: 1, timestampMs: blockTimeMs },
        params,
      ),
      'TX_NONCE_TOO_HIGH',
    );
  });

  it('TX_INSUFFICIENT_BALANCE when amount + fee exceeds the balance by 1', () => {
    const state = base();
    const balance = state.account(carol.address).balanceMicro;
    const tx = transfer(carol, bob.address, balance - 10n, 0, { feeMicro: 11n });
    assertRejects(
      applyTx(new StateOverlay(state), tx, { height: 1, timestampMs: blockTimeMs }, params),
      'TX_INSUFFICIENT_BALANCE',
    );
  });

  it('TX_INSUFFICIENT_BALANCE for an account that does not exist', () => {
    assertRejects(
      applyTx(
        new StateOverlay(base()),
        transfer(dave, bob.address, 1n, 0),
        { height: 1, timestampMs: blockTimeMs },
        params,
      ),
      'TX_INSUFFICIENT_BALANCE',
    );
  });

  it('accepts spending the whole balance', () => {
    const state = base();
    const balance = state.account(carol.address).balanceMicro;
    const overlay = new StateOverlay(state);
    assertValid(
      applyTx(
        overlay,
        transfer(carol, bob.address, balance - 10n, 0, { feeMicro: 10n }),
        { height: 1, timestampMs: blockTimeMs },
        params,
      ),
    );
    assert.equal(overlay.account(carol.address).balanceMicro, 0n);
  });

  it('TX_BALANCE_OVERFLOW', () => {
    const overlay = new StateOverlay(LedgerState.empty());
    overlay.setAccount(alice.address, { balanceMicro: 10n, nonce: 0 });
    overlay.setAccount(bob.address, { balanceMicro: MAX_MONEY_MICRO - 4n, nonce: 0 });
    assertRejects(
      applyTx(overlay, transfer(alice, bob.address, 5n, 0), { height: 1, timestampMs: blockTimeMs }, params),
      'TX_BALANCE_OVERFLOW',
    );
  });

  it('a rejected transaction leaves the overlay unchanged', () => {
    const overlay = new StateOverlay(LedgerState.empty());
    overlay.setAccount(alice.address, { balanceMicro: 10n, nonce: 0 });
    overlay.setAccount(bob.address, { balanceMicro: MAX_MONEY_MICRO - 4n, nonce: 0 });
    const before = new Map(overlay.changes());
    applyTx(overlay, transfer(alice, bob.address, 5n, 0), { height: 1, timestampMs: blockTimeMs }, params);
    assert.deepEqual(new Map(overlay.changes()), before);
    assert.deepEqual(overlay.account(alice.address), { balanceMicro: 10n, nonce: 0 });
  });
});

describe('applyBlock', () => {
  const genesisOf = () => chain.links[0]!.state;

  it('accepts the fixture block and reaches its state root', () => {
    const result = applyBlock(genesisOf(), block1, params);
    assertValid(result);
    assert.ok(result.ok);
    assert.ok(bytesEqual(result.state.root(), block1.header.stateRoot));
    assert.equal(result.feesMicro, 150n);
  });

  it('pays the miner block reward + fees and raises the supply by the block reward only', () => {
    const result = applyBlock(genesisOf(), block1, params);
    assert.ok(result.ok);
    assert.equal(rewardOf(block1).amountMicro, params.blockRewardMicro + 150n);
    assert.equal(result.state.account(minerKey.address).balanceMicro, params.blockRewardMicro + 150n);
    assert.equal(result.state.supplyMicro(), genesisOf().supplyMicro() + params.blockRewardMicro);
  });

  it('undo restores the parent state root', () => {
    const result = applyBlock(genesisOf(), block1, params);
    assert.ok(result.ok);
    assert.ok(bytesEqual(result.state.apply(result.undo).root(), genesisOf().root()));
  });

  it('leaves the input state unchanged', () => {
    const rootBefore = toHex(genesisOf().root());
    applyBlock(genesisOf(), block1, params);
    applyBlock(genesisOf(), withTxs(block1, [block1.txs[0]!, transfer(alice, bob.address, 1n, 5)]), params);
    assert.equal(toHex(genesisOf().root()), rootBefore);
  });

  it('BLOCK_NO_REWARD', () => {
    assertRejects(applyBlock(genesisOf(), withTxs(block1, block1.txs.slice(1)), params), 'BLOCK_NO_REWARD');
    assertRejects(applyBlock(genesisOf(), withTxs(block1, []), params), 'BLOCK_NO_REWARD');
  });

  const badRewards: Array<[string, (reward: RewardTx) => RewardTx, RegExp]> = [
    ['paid to someone other than the miner', (r) => ({ ...r, to: bob.address }), /not the miner/],
    ['with a nonce that is not the height', (r) => ({ ...r, nonce: r.nonce + 1 }), /not the height/],
    ['with a timestamp other than the block’s', (r) => ({ ...r, timestampMs: r.timestampMs + 1 }), /timestamp/],
    ['that pays a fee', (r) => ({ ...r, feeMicro: 1n }), /no fee/],
    ['one micro above block reward + fees', (r) => ({ ...r, amountMicro: r.amountMicro + 1n }), /block reward \+ fees/],
    ['one micro below block reward + fees', (r) => ({ ...r, amountMicro: r.amountMicro - 1n }), /block reward \+ fees/],
    [
      'carrying data in its sender key',
      (r) => ({ ...r, senderPublicKey: new Uint8Array(32).fill(7) }),
      /zero sender key/,
    ],
    ['carrying data in its signature', (r) => ({ ...r, signature: new Uint8Array(64).fill(1) }), /zero signature/],
  ];
  for (const [label, change, reason] of badRewards) {
    it(`BLOCK_BAD_REWARD for a reward ${label}`, () => {
      const block = withTxs(block1, [change(rewardOf(block1)), ...block1.txs.slice(1)]);
      const result = applyBlock(genesisOf(), block, params);
      assertRejects(result, 'BLOCK_BAD_REWARD');
      assert.ok(!result.ok);
      assert.match(result.reason, reason);
      assert.equal(result.txIndex, 0);
    });
  }

  it('BLOCK_BAD_REWARD when the reward would overflow the miner balance', () => {
    const empty = assembleBlock(genesis.header, genesisOf(), [], {
      miner: minerKey.address,
      timestampMs: block1.header.timestampMs,
      bits: block1.header.bits,
    }).block;
    const rich = genesisState([
      { address: minerKey.address, balanceMicro: MAX_MONEY_MICRO - params.blockRewardMicro + 1n },
    ]);
    const result = applyBlock(rich, empty, params);
    assertRejects(result, 'BLOCK_BAD_REWARD');
    assert.ok(!result.ok);
    assert.match(result.reason, /miner balance/);
  });

  it('BLOCK_BAD_REWARD when the supply would overflow', () => {
    const empty = assembleBlock(genesis.header, genesisOf(), [], {
      miner: minerKey.address,
      timestampMs: block1.header.timestampMs,
      bits: block1.header.bits,
    }).block;
    const saturated = genesisState([
      { address: alice.address, balanceMicro: MAX_MONEY_MICRO - params.blockRewardMicro + 1n },
    ]);
    const result = applyBlock(saturated, empty, params);
    assertRejects(result, 'BLOCK_BAD_REWARD');
    assert.ok(!result.ok);
    assert.match(result.reason, /supply/);
  });

  it('BLOCK_BAD_STATE_ROOT', () => {
    const result = applyBlock(genesisOf(), withHeader(block1, { stateRoot: ZERO_HASH }), params);
    assertRejects(result, 'BLOCK_BAD_STATE_ROOT');
    assert.ok(!result.ok);
    assert.equal(result.blockHeight, 1);
  });

  it('BLOCK_BAD_STATE_ROOT when the block is applied to the wrong parent state', () => {
    const other = genesisState([...DEFAULT_ALLOCATIONS, { address: dave.address, balanceMicro: 1n }]);
    assertRejects(applyBlock(other, block1, params), 'BLOCK_BAD_STATE_ROOT');
  });

  it('TX_UNEXPECTED_REWARD for a second reward (when checkBlock was skipped)', () => {
    const second = createReward({
      chainId: params.chainId,
      height: 1,
      to: bob.address,
      amountMicro: 1n,
      timestampMs: 0,
    });
    const result = applyBlock(genesisOf(), withTxs(block1, [...block1.txs, second]), params);
    assertRejects(result, 'TX_UNEXPECTED_REWARD');
    assert.equal(!result.ok && result.txIndex, block1.txs.length);
  });

  it('locates a failing transaction by index and hash', () => {
    const gap = transfer(alice, bob.address, 1n, 5);
    const result = applyBlock(genesisOf(), withTxs(block1, [...block1.txs, gap]), params);
    assertRejects(result, 'TX_NONCE_TOO_HIGH');
    assert.ok(!result.ok);
    assert.equal(result.txIndex, block1.txs.length);
    assert.equal(result.txHash, txHashHex(gap));
    assert.equal(result.blockHeight, 1);
  });

  it('rejects a transaction replayed in the next block (TX_NONCE_TOO_LOW)', () => {
    const afterBlock1 = chain.links[1]!.state;
    const replay = assembleBlock(block1.header, genesisOf(), [block1.txs[1]!], {
      miner: minerKey.address,
      timestampMs: block1.header.timestampMs + BLOCK_INTERVAL_MS,
      bits: block1.header.bits,
    }).block;
    assertRejects(applyBlock(afterBlock1, replay, params), 'TX_NONCE_TOO_LOW');
  });
});
