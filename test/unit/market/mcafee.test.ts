/**
 * McAfee trade reduction: both worked examples of reference §5.3 (1-kWh units, `unitWh: 1000`) with exact
 * micro-coin values, case A split into units, fractions of a unit, and the input checks.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isGridPeerError } from '../../../src/errors/index.js';
import { clearMcAfee, mcafee } from '../../../src/market/mechanisms/mcafee.js';
import type { ClearingResult, Order } from '../../../src/market/types.js';
import { CASE_A, order, payments, slot } from '../../helpers/poolCases.js';

const bid = (id: string, wh: number, price: bigint): Order => order(id, 'bid', wh, { limitPriceMicroPerKwh: price });
const ask = (id: string, wh: number, price: bigint): Order => order(id, 'offer', wh, { limitPriceMicroPerKwh: price });

function tradeRows(result: ClearingResult) {
  return result.trades.map((t) => [t.bidId, t.offerId, t.energyWh, t.amountMicro, t.sellerAmountMicro]);
}

/** b = (0.28, 0.22, 0.14), s = (0.12, 0.15, s3), one kWh each. */
function example(s3: bigint) {
  return [
    bid('B1', 1000, 280_000n),
    bid('B2', 1000, 220_000n),
    bid('B3', 1000, 140_000n),
    ask('S1', 1000, 120_000n),
    ask('S2', 1000, 150_000n),
    ask('S3', 1000, s3),
  ];
}

describe('McAfee: reference §5.3 examples (1-kWh units)', () => {
  it('K = 2, p0 = 0.195 ∈ [0.15, 0.22]: both pairs trade at 0.195', () => {
    const result = clearMcAfee(slot(example(250_000n)), { unitWh: 1000 });
    assert.deepEqual(tradeRows(result), [
      ['B1', 'S1', 1000, 195_000n, 195_000n],
      ['B2', 'S2', 1000, 195_000n, 195_000n],
    ]);
    assert.deepEqual(result.prices, { clearingPriceMicroPerKwh: 195_000n });
    assert.deepEqual(payments(result), {
      B1: 195_000n,
      B2: 195_000n,
      B3: 300_000n,
      S1: -195_000n,
      S2: -195_000n,
      S3: -100_000n,
    });
    assert.equal(result.operatorMicro, 0n);
  });

  it('s3 = 0.35: p0 = 0.245 > 0.22, only B1 and S1 trade; B1 pays 0.22, S1 gets 0.15, the platform keeps 0.07', () => {
    // With λb = 0.40 S3 is in the book and p0 leaves [s_K, b_K]; with λb = 0.30 S3 cannot trade (ask above λb),
    // the (K+1)-th ask is missing, and McAfee falls back to the same reduction (§5.3 step 5).
    for (const gridImportPriceMicroPerKwh of [400_000n, 300_000n]) {
      const result = clearMcAfee(slot(example(350_000n), { gridImportPriceMicroPerKwh }), { unitWh: 1000 });
      assert.deepEqual(tradeRows(result), [['B1', 'S1', 1000, 220_000n, 150_000n]]);
      assert.deepEqual(result.prices, { buyPriceMicroPerKwh: 220_000n, sellPriceMicroPerKwh: 150_000n });
      assert.equal(result.operatorMicro, 70_000n);
      const pay = payments(result);
      assert.deepEqual(
        [pay['B1'], pay['S1'], pay['B2'], pay['S2']],
        [220_000n, -150_000n, gridImportPriceMicroPerKwh, -100_000n],
      );
    }
  });

  it('is the ClearingMechanism mcafee', () => {
    assert.equal(mcafee.name, 'mcafee');
    assert.deepEqual(mcafee.clear(slot(example(250_000n)), { unitWh: 1000 }).trades.length, 2);
  });
});

describe('McAfee: divisible orders split into units', () => {
  it('case A in 1-kWh units: K = 5, p0 = (0.14 + 0.25)/2 = 0.195 ∈ [0.15, 0.22], all 5 kWh trade', () => {
    const result = clearMcAfee(CASE_A, { unitWh: 1000 });
    assert.deepEqual(tradeRows(result), [
      ['B1', 'S1', 2000, 390_000n, 390_000n],
      ['B1', 'S2', 1000, 195_000n, 195_000n],
      ['B2', 'S2', 2000, 390_000n, 390_000n],
    ]);
  });

  it('case A in the default 100-Wh units gives the same outcome', () => {
    assert.deepEqual(tradeRows(clearMcAfee(CASE_A)), tradeRows(clearMcAfee(CASE_A, { unitWh: 1000 })));
  });

  it('sends a fraction of a unit to the grid', () => {
    // 250 Wh each side, 100-Wh units: K = 2 and no (K+1)-th unit, so 1 unit trades at b_K / s_K.
    const result = clearMcAfee(slot([bid('B1', 250, 280_000n), ask('S1', 250, 120_000n)]));
    assert.deepEqual(tradeRows(result), [['B1', 'S1', 100, 28_000n, 12_000n]]);
    assert.deepEqual(payments(result), { B1: 28_000n + 45_000n, S1: -12_000n - 15_000n });
    assert.equal(result.operatorMicro, 16_000n);
  });

  it('gives up the only crossing unit (K = 1): nothing trades', () => {
    const result = clearMcAfee(slot([bid('B1', 1000, 280_000n), ask('S1', 1000, 120_000n)]), { unitWh: 1000 });
    assert.deepEqual(result.trades, []);
    assert.deepEqual(result.prices, {});
    assert.deepEqual(payments(result), { B1: 300_000n, S1: -100_000n });
  });

  it('rejects a unitWh that is not a positive integer', () => {
    for (const unitWh of [0, -100, 1.5, '100']) {
      assert.throws(
        () => clearMcAfee(CASE_A, { unitWh } as never),
        (error) => isGridPeerError(error, 'MARKET_INVALID_INPUT'),
      );
    }
  });
});
