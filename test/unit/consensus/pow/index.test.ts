import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { ConsensusContext } from '../../../../src/consensus/index.js';
import {
  DEFAULT_POW_PARAMS,
  PowConsensus,
  type PowParams,
  parsePowParams,
} from '../../../../src/consensus/pow/index.js';
import {
  bitsToTarget,
  hashMeetsTarget,
  leadingZeroBits,
  targetForLeadingZeroBits,
  targetToBits,
  workForTarget,
} from '../../../../src/consensus/pow/target.js';
import { toHex } from '../../../../src/crypto/index.js';
import { type BlockHeader, encodeHeader, headerHash } from '../../../../src/ledger/block.js';
import { assertRejects, assertThrowsCoded, assertValid } from '../../../helpers/assertions.js';
import { TEST_POW_PARAMS, TestChain } from '../../../helpers/ledgerFixtures.js';

const bitsFor = (leadingZeros: number) => targetToBits(targetForLeadingZeroBits(leadingZeros));
const nodeHash = (header: BlockHeader) => createHash('sha256').update(encodeHeader(header)).digest();

let chain: TestChain;
/** An unsealed header at height 1 on the fixture's genesis. */
let unsealed: BlockHeader;

before(async () => {
  chain = await TestChain.create();
  const built = await chain.buildBlock([]);
  unsealed = Object.freeze({ ...built.block.header, nonce: 0n });
});

describe('parsePowParams', () => {
  it('fills every default from an empty section', () => {
    assert.deepEqual(parsePowParams({}), DEFAULT_POW_PARAMS);
  });

  it('starts at 16 bits by default (seed 000: four hex zeros)', () => {
    assert.equal(DEFAULT_POW_PARAMS.initialDifficultyBits, 16);
  });

  it('reads given values', () => {
    const params = parsePowParams({
      initialDifficultyBits: 20,
      minDifficultyBits: 8,
      targetBlockIntervalMs: 5000,
      retargetEveryBlocks: 5,
      maxAdjustFactor: 2,
    });
    assert.deepEqual(params, {
      initialDifficultyBits: 20,
      minDifficultyBits: 8,
      targetBlockIntervalMs: 5000,
      retargetEveryBlocks: 5,
      maxAdjustFactor: 2,
    });
  });

  const bad: Array<[string, unknown]> = [
    ['initialDifficultyBits', 0],
    ['initialDifficultyBits', 65],
    ['minDifficultyBits', 'easy'],
    ['targetBlockIntervalMs', 0],
    ['targetBlockIntervalMs', 24 * 3600 * 1000 + 1],
    ['retargetEveryBlocks', 0],
    ['retargetEveryBlocks', 1.5],
    ['maxAdjustFactor', 1001],
  ];
  for (const [name, value] of bad) {
    it(`rejects ${name} = ${JSON.stringify(value)} with INVALID_CONFIG naming consensus.${name}`, () => {
      assertThrowsCoded(() => parsePowParams({ [name]: value }), 'INVALID_CONFIG', `consensus.${name}`);
    });
  }

  it('rejects a minimum difficulty above the initial one', () => {
    assertThrowsCoded(
      () => parsePowParams({ initialDifficultyBits: 8, minDifficultyBits: 9 }),
      'INVALID_CONFIG',
      'consensus.minDifficultyBits',
    );
  });
});

describe('PowConsensus basics', () => {
  const consensus = new PowConsensus(TEST_POW_PARAMS, { workers: 0 });

  it('is the "pow" engine', () => {
    assert.equal(consensus.engine, 'pow');
  });

  it('genesisBits encodes 2^(256 − initialDifficultyBits)', () => {
    assert.equal(
      bitsToTarget(consensus.genesisBits()),
      targetForLeadingZeroBits(TEST_POW_PARAMS.initialDifficultyBits),
    );
    assert.equal(new PowConsensus(DEFAULT_POW_PARAMS).genesisBits(), bitsFor(16));
  });

  it('weight is the expected work of the header’s target and grows with difficulty', () => {
    const easy = { ...unsealed, bits: bitsFor(8) };
    const hard = { ...unsealed, bits: bitsFor(9) };
    assert.equal(consensus.weight(easy), workForTarget(targetForLeadingZeroBits(8)));
    assert.ok(consensus.weight(hard) > consensus.weight(easy));
  });
});

describe('PowConsensus.nextBits', () => {
  const params: PowParams = {
    initialDifficultyBits: 20,
    minDifficultyBits: 8,
    targetBlockIntervalMs: 10_000,
    retargetEveryBlocks: 10,
    maxAdjustFactor: 4,
  };
  const consensus = new PowConsensus(params, { workers: 0 });
  const n = params.retargetEveryBlocks;
  const expectedWindowMs = n * params.targetBlockIntervalMs;

  /** A branch of headers 0..parentHeight, every block `intervalMs` apart, all at `bits`. */
  function branch(parentHeight: number, intervalMs: (height: number) => number, bits = consensus.genesisBits()) {
    const headers: BlockHeader[] = [];
    let timestampMs = 1_000_000;
    for (let height = 0; height <= parentHeight; height++) {
      if (height > 0) timestampMs += intervalMs(height);
      headers.push({ ...unsealed, height, timestampMs, bits });
    }
    const asked: number[] = [];
    const ctx: ConsensusContext = {
      parent: headers[parentHeight]!,
      ancestor: (height) => {
        asked.push(height);
        return headers[height];
      },
    };
    return { ctx, asked };
  }

  const retargetedTarget = (windowMs: number) => {
    const { ctx } = branch(2 * n - 1, (h) => (h >= n ? windowMs / n : params.targetBlockIntervalMs));
    return bitsToTarget(consensus.nextBits(ctx));
  };

  it('keeps the parent bits off a retarget boundary', () => {
    for (const parentHeight of [0, 1, 5, 2 * n, 2 * n + 3]) {
      const { ctx, asked } = branch(parentHeight, () => 1, bitsFor(12));
      assert.equal(consensus.nextBits(ctx), bitsFor(12), `parent ${parentHeight}`);
      assert.deepEqual(asked, []);
    }
  });

  it('does not retarget at the first boundary (its window would reach genesis)', () => {
    const { ctx, asked } = branch(n - 1, () => 1);
    assert.equal(consensus.nextBits(ctx), consensus.genesisBits());
    assert.deepEqual(asked, []);
  });

  it('measures the window from the block n + 1 below the new height (n intervals)', () => {
    const { ctx, asked } = branch(2 * n - 1, () => params.targetBlockIntervalMs);
    consensus.nextBits(ctx);
    assert.deepEqual(asked, [n - 1]);
  });

  it('keeps the target when the window took exactly the expected time', () => {
    assert.equal(retargetedTarget(expectedWindowMs), targetForLeadingZeroBits(20));
  });

  it('halves the target when blocks came twice as fast', () => {
    assert.equal(retargetedTarget(expectedWindowMs / 2), targetForLeadingZeroBits(21));
  });

  it('doubles the target when blocks came twice as slowly', () => {
    assert.equal(retargetedTarget(expectedWindowMs * 2), targetForLeadingZeroBits(19));
  });

  it('clamps a faster window to a factor of maxAdjustFactor', () => {
    assert.equal(retargetedTarget(expectedWindowMs / 100), targetForLeadingZeroBits(20) / 4n);
    assert.equal(retargetedTarget(0), targetForLeadingZeroBits(20) / 4n);
  });

  it('clamps a slower window to a factor of maxAdjustFactor', () => {
    assert.equal(retargetedTarget(expectedWindowMs * 100), targetForLeadingZeroBits(20) * 4n);
  });

  it('treats a window that runs backwards as the fastest allowed', () => {
    const { ctx } = branch(2 * n - 1, (h) => (h >= n ? -1_000 : params.targetBlockIntervalMs));
    assert.equal(bitsToTarget(consensus.nextBits(ctx)), targetForLeadingZeroBits(20) / 4n);
  });

  it('never goes easier than the pow limit', () => {
    const { ctx } = branch(2 * n - 1, (h) => (h >= n ? 10 * params.targetBlockIntervalMs : 1), bitsFor(9));
    assert.equal(bitsToTarget(consensus.nextBits(ctx)), targetForLeadingZeroBits(params.minDifficultyBits));
  });

  it('keeps the parent bits when the window’s first block is unknown', () => {
    const { ctx } = branch(2 * n - 1, () => 1);
    const blind: ConsensusContext = { parent: ctx.parent, ancestor: () => undefined };
    assert.equal(consensus.nextBits(blind), ctx.parent.bits);
  });

  it('with retargetEveryBlocks = 1 the window never includes genesis', () => {
    const everyBlock = new PowConsensus({ ...params, retargetEveryBlocks: 1 }, { workers: 0 });
    const atTwo = branch(1, () => 1_000_000);
    assert.equal(everyBlock.nextBits(atTwo.ctx), everyBlock.genesisBits());
    assert.deepEqual(atTwo.asked, []);
    const atThree = branch(2, () => params.targetBlockIntervalMs / 2);
    assert.equal(bitsToTarget(everyBlock.nextBits(atThree.ctx)), targetForLeadingZeroBits(21));
    assert.deepEqual(atThree.asked, [1]);
  });

  it('verifyHeader accepts the retargeted bits and rejects others with BLOCK_BAD_DIFFICULTY', () => {
    const { ctx } = branch(2 * n - 1, (h) => (h >= n ? expectedWindowMs / n / 2 : params.targetBlockIntervalMs));
    const next = consensus.nextBits(ctx);
    assertValid(consensus.verifyHeader({ ...unsealed, bits: next }, ctx));
    assertRejects(consensus.verifyHeader({ ...unsealed, bits: ctx.parent.bits }, ctx), 'BLOCK_BAD_DIFFICULTY');
  });
});

describe('PowConsensus.verifySeal', () => {
  const consensus = new PowConsensus(TEST_POW_PARAMS, { workers: 0 });
  let sealed: BlockHeader;

  before(async () => {
    const result = await consensus.seal(unsealed);
    assert.ok(result);
    sealed = result;
  });

  it('accepts a sealed header', () => {
    assertValid(consensus.verifySeal(sealed));
  });

  it('BLOCK_BAD_POW for a tampered nonce', () => {
    const target = bitsToTarget(sealed.bits);
    let nonce = sealed.nonce + 1n;
    while (hashMeetsTarget(nodeHash({ ...sealed, nonce }), target)) nonce++;
    assertRejects(consensus.verifySeal({ ...sealed, nonce }), 'BLOCK_BAD_POW');
  });

  it('BLOCK_BAD_POW for a tampered timestamp', () => {
    const target = bitsToTarget(sealed.bits);
    let timestampMs = sealed.timestampMs + 1;
    while (hashMeetsTarget(nodeHash({ ...sealed, timestampMs }), target)) timestampMs++;
    assertRejects(consensus.verifySeal({ ...sealed, timestampMs }), 'BLOCK_BAD_POW');
  });

  it('BLOCK_BAD_DIFFICULTY for non-canonical bits', () => {
    assertRejects(consensus.verifySeal({ ...sealed, bits: 0x04001234 }), 'BLOCK_BAD_DIFFICULTY');
  });

  it('BLOCK_BAD_DIFFICULTY for a zero target', () => {
    assertRejects(consensus.verifySeal({ ...sealed, bits: 0 }), 'BLOCK_BAD_DIFFICULTY');
  });

  it('BLOCK_BAD_DIFFICULTY for a target easier than the pow limit', () => {
    const easier = targetToBits(targetForLeadingZeroBits(TEST_POW_PARAMS.minDifficultyBits) * 2n);
    assertRejects(consensus.verifySeal({ ...sealed, bits: easier }), 'BLOCK_BAD_DIFFICULTY');
  });

  it('BLOCK_BAD_SEAL for a PoW header with extra data', () => {
    assertRejects(consensus.verifySeal({ ...sealed, extra: new Uint8Array([1]) }), 'BLOCK_BAD_SEAL');
  });
});

describe('PowConsensus.seal on the calling thread (workers: 0)', () => {
  const consensus = new PowConsensus(TEST_POW_PARAMS, { workers: 0 });

  it('changes only the nonce and returns a frozen header that verifies', async () => {
    const sealed = await consensus.seal(unsealed);
    assert.ok(sealed);
    assert.ok(Object.isFrozen(sealed));
    assert.deepEqual({ ...sealed, nonce: 0n }, { ...unsealed });
    assertValid(consensus.verifySeal(sealed));
  });

  it('finds the first nonce: every smaller nonce fails', async () => {
    const sealed = await consensus.seal(unsealed);
    assert.ok(sealed);
    const target = bitsToTarget(sealed.bits);
    assert.ok(hashMeetsTarget(nodeHash(sealed), target));
    for (let nonce = 0n; nonce < sealed.nonce; nonce++) {
      assert.equal(hashMeetsTarget(nodeHash({ ...sealed, nonce }), target), false, `nonce ${nonce}`);
    }
  });

  it('at 16 leading zero bits the block hash starts with four hex zeros', async () => {
    const hard = new PowConsensus({ ...TEST_POW_PARAMS, initialDifficultyBits: 16 }, { workers: 0 });
    const sealed = await hard.seal({ ...unsealed, bits: hard.genesisBits() });
    assert.ok(sealed);
    assert.ok(toHex(headerHash(sealed)).startsWith('0000'), toHex(headerHash(sealed)));
    assert.ok(leadingZeroBits(headerHash(sealed)) >= 16);
    assertValid(hard.verifySeal(sealed));
  });

  it('returns null for an already aborted signal', async () => {
    assert.equal(await consensus.seal(unsealed, { signal: AbortSignal.abort() }), null);
  });

  it('close resolves without workers, and sealing still works after it', async () => {
    await assert.doesNotReject(consensus.close());
    assert.ok(await consensus.seal(unsealed));
  });
});

describe('PowConsensus.seal with worker threads (workers: 2)', () => {
  const consensus = new PowConsensus({ ...TEST_POW_PARAMS, initialDifficultyBits: 12 }, { workers: 2 });
  after(async () => {
    await consensus.close();
  });

  it('gives a valid seal', async () => {
    const header = { ...unsealed, bits: consensus.genesisBits() };
    const sealed = await consensus.seal(header);
    assert.ok(sealed);
    assertValid(consensus.verifySeal(sealed));
    assert.ok(hashMeetsTarget(nodeHash(sealed), targetForLeadingZeroBits(12)));
  });

  it('seals consecutive headers with the same pool', async () => {
    for (let i = 1; i <= 3; i++) {
      const sealed = await consensus.seal({
        ...unsealed,
        bits: consensus.genesisBits(),
        timestampMs: unsealed.timestampMs + i,
      });
      assert.ok(sealed);
      assertValid(consensus.verifySeal(sealed));
    }
  });

  it('resolves null quickly when aborted during a 40-bit search', async () => {
    const hard = new PowConsensus({ ...TEST_POW_PARAMS, initialDifficultyBits: 40 }, { workers: 2 });
    try {
      const controller = new AbortController();
      const sealing = hard.seal({ ...unsealed, bits: hard.genesisBits() }, { signal: controller.signal });
      await new Promise((resolve) => setTimeout(resolve, 200));
      const abortedAt = performance.now();
      controller.abort();
      assert.equal(await sealing, null);
      const latencyMs = performance.now() - abortedAt;
      assert.ok(latencyMs < 1_000, `stopped ${latencyMs.toFixed(0)} ms after the abort`);
    } finally {
      await hard.close();
    }
  });

  it('on the calling thread (workers: 0) an abort during a 40-bit search also resolves null', async () => {
    const hard = new PowConsensus({ ...TEST_POW_PARAMS, initialDifficultyBits: 40 }, { workers: 0 });
    const controller = new AbortController();
    const sealing = hard.seal({ ...unsealed, bits: hard.genesisBits() }, { signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 100));
    controller.abort();
    assert.equal(await sealing, null);
  });

  it('close can be called twice', async () => {
    const temporary = new PowConsensus(TEST_POW_PARAMS, { workers: 1 });
    const sealed = await temporary.seal(unsealed);
    assert.ok(sealed);
    await temporary.close();
    await assert.doesNotReject(temporary.close());
  });
});
