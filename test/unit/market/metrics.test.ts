import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jainIndex, marketMetrics } from '../../../src/market/metrics.js';
import { slotWelfareOptimum } from '../../../src/market/welfare.js';
import { caseA, coin, meritOrderMechanism, resultFromPairs } from '../../helpers/welfareFixtures.js';

describe('jainIndex', () => {
  it('is 1 for equal shares, 1/n when one takes all, 1 for all zeros, null for none', () => {
    assert.equal(jainIndex([3, 3, 3]), 1);
    assert.equal(jainIndex([1, 0, 0, 0]), 0.25);
    assert.equal(jainIndex([0, 0]), 1);
    assert.equal(jainIndex([]), null);
    assert.ok(Math.abs(jainIndex([1, 2])! - 9 / 10) < 1e-15);
  });
});

describe('marketMetrics', () => {
  // Merit order with pair mid-prices on case A = reference §5.2 (a): B1 pays 0.615, B2 0.37; S1 gets 0.40, S2 0.585.
  const input = caseA();
  const result = meritOrderMechanism().clear(input);

  it('volumes, self-sufficiency and average prices of case A (reference §5.2 (a) numbers)', () => {
    const m = marketMetrics(input, result);
    assert.equal(m.mechanism, 'merit-order');
    assert.equal(m.p2pTradedWh, 5000);
    assert.equal(m.demandWh, 8000);
    assert.equal(m.supplyWh, 6000);
    assert.equal(m.selfSufficiency, 5 / 8);
    assert.equal(m.gridImportWh, 3000);
    assert.equal(m.gridExportWh, 1000);
    // (0.40 + 0.215 + 0.37) / 5 kWh
    assert.ok(Math.abs(m.averageP2pPriceMicroPerKwh! - 197_000) < 1e-9);
    // Buyers: (0.615 + 0.37 + 0.90) / 8 kWh; sellers: (0.40 + 0.585 + 0.10) / 6 kWh.
    assert.ok(Math.abs(m.averageBuyerPriceMicroPerKwh! - 235_625) < 1e-9);
    assert.ok(Math.abs(m.averageSellerPriceMicroPerKwh! - 1_085_000 / 6) < 1e-9);
  });

  it('bills against grid-only, savings and Jain’s index over active participants', () => {
    const m = marketMetrics(input, result);
    const savings = Object.fromEntries(m.participants.map((p) => [p.participant, p.savingsMicro]));
    assert.deepEqual(savings, { B1: 285_000n, B2: 230_000n, B3: 0n, S1: 200_000n, S2: 285_000n, S3: 0n });
    const b1 = m.participants.find((p) => p.participant === 'B1')!;
    assert.equal(b1.billMicro, 615_000n);
    assert.equal(b1.gridOnlyBillMicro, 900_000n);
    assert.ok(Math.abs(b1.savingsShare! - 285 / 900) < 1e-12);
    assert.equal(m.totalSavingsMicro, 1_000_000n);
    const x = [285_000, 230_000, 0, 200_000, 285_000, 0];
    const expected = x.reduce((a, b) => a + b) ** 2 / (x.length * x.reduce((a, b) => a + b * b, 0));
    assert.ok(Math.abs(m.jainFairnessIndex! - expected) < 1e-12);
    assert.equal(m.negativeSavingsCount, 0);
    assert.equal('efficiency' in m, false);
  });

  it('welfare and efficiency when the optimum is given', async () => {
    const optimum = await slotWelfareOptimum(input);
    const m = marketMetrics(input, result, optimum);
    assert.equal(m.welfare.welfareMicro, 590_000);
    assert.equal(m.optimumWelfareMicro, 590_000);
    assert.equal(m.efficiency, 1);
  });

  it('a participant who pays more than the grid counts as 0 in Jain’s index and is counted', () => {
    // B3 buys 1 kWh from S3 at 0.35 > λb: it loses 0.05 against the grid.
    const pairs = [{ bidId: 'B3', offerId: 'S3', energyWh: 1000, priceMicroPerKwh: coin('0.35') }];
    const m = marketMetrics(input, resultFromPairs(input, pairs));
    const b3 = m.participants.find((p) => p.participant === 'B3')!;
    assert.equal(b3.savingsMicro, -50_000n);
    assert.equal(m.negativeSavingsCount, 1);
    // Only S3 saves (0.35 − 0.10 = 0.25): one of six active participants takes everything.
    assert.ok(Math.abs(m.jainFairnessIndex! - 1 / 6) < 1e-12);
  });

  it('undefined ratios are null for an empty slot', () => {
    const empty = { ...input, orders: [] };
    const m = marketMetrics(empty, resultFromPairs(empty, []));
    assert.equal(m.selfSufficiency, null);
    assert.equal(m.averageP2pPriceMicroPerKwh, null);
    assert.equal(m.averageBuyerPriceMicroPerKwh, null);
    assert.equal(m.jainFairnessIndex, null);
  });
});
