/** Bill sharing (reference §3): horizon A, horizon {A, B}, edge cases, time-of-use numerator. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { billSharing, billSharingPrices } from '../../../src/market/mechanisms/billSharing.js';
import type { ClearingResult } from '../../../src/market/types.js';
import { CASE_A, CASE_B, HOUR_MS, LAMBDA_BUY, LAMBDA_SELL, order, payments, slot } from '../../helpers/poolCases.js';

function horizonTotals(results: readonly ClearingResult[]): Record<string, bigint> {
  const totals: Record<string, bigint> = {};
  for (const r of results) {
    for (const s of r.settlements) totals[s.participant] = (totals[s.participant] ?? 0n) + s.netPaymentMicro;
  }
  return totals;
}

describe('billSharingPrices (Long eqs. 4–13)', () => {
  it('horizon A: c_im = 0.30·2/8 = 0.075, c_ex = 0', () => {
    const p = billSharingPrices([
      {
        supplyWh: 6000,
        demandWh: 8000,
        gridImportPriceMicroPerKwh: LAMBDA_BUY,
        gridExportPriceMicroPerKwh: LAMBDA_SELL,
      },
    ]);
    assert.equal(p.importPriceMicroPerKwh, 75_000n);
    assert.equal(p.exportPriceMicroPerKwh, 0n);
    assert.equal(p.billMicro, 600_000n);
  });

  it('horizon {A, B}: E_BFG 2, E_im,tot 16, c_im 0.0375; E_STG 2, E_ex,tot 16, c_ex 0.0125', () => {
    const p = billSharingPrices([
      {
        supplyWh: 6000,
        demandWh: 8000,
        gridImportPriceMicroPerKwh: LAMBDA_BUY,
        gridExportPriceMicroPerKwh: LAMBDA_SELL,
      },
      {
        supplyWh: 10_000,
        demandWh: 8000,
        gridImportPriceMicroPerKwh: LAMBDA_BUY,
        gridExportPriceMicroPerKwh: LAMBDA_SELL,
      },
    ]);
    assert.equal(p.gridImportWh, 2000);
    assert.equal(p.importedWh, 16_000);
    assert.equal(p.importPriceMicroPerKwh, 37_500n);
    assert.equal(p.gridExportWh, 2000);
    assert.equal(p.exportedWh, 16_000);
    assert.equal(p.exportPriceMicroPerKwh, 12_500n);
  });

  it('edge cases: no import or no export gives 0; S = D in every slot gives both 0', () => {
    const none = billSharingPrices([]);
    assert.equal(none.importPriceMicroPerKwh, 0n);
    assert.equal(none.exportPriceMicroPerKwh, 0n);
    const balanced = billSharingPrices([
      {
        supplyWh: 5000,
        demandWh: 5000,
        gridImportPriceMicroPerKwh: LAMBDA_BUY,
        gridExportPriceMicroPerKwh: LAMBDA_SELL,
      },
    ]);
    assert.equal(balanced.importPriceMicroPerKwh, 0n);
    assert.equal(balanced.exportPriceMicroPerKwh, 0n);
  });

  it('time-of-use [R]: the numerator is Σ_t λb_t·(D_t − S_t)^+, the actual bill', () => {
    const p = billSharingPrices([
      { supplyWh: 0, demandWh: 1000, gridImportPriceMicroPerKwh: 200_000n, gridExportPriceMicroPerKwh: 0n },
      { supplyWh: 0, demandWh: 1000, gridImportPriceMicroPerKwh: 400_000n, gridExportPriceMicroPerKwh: 0n },
    ]);
    assert.equal(p.billMicro, 600_000n);
    assert.equal(p.importPriceMicroPerKwh, 300_000n);
  });
});

describe('billSharing', () => {
  it('horizon A: B1 0.225, B2 0.15, B3 0.225 = the 0.60 grid bill; sellers receive 0', () => {
    const [r] = billSharing.clearHorizon([CASE_A]);
    assert.deepEqual(payments(r!), { B1: 225_000n, B2: 150_000n, B3: 225_000n, S1: 0n, S2: 0n, S3: 0n });
    assert.equal(r!.operatorMicro, 0n);
    assert.deepEqual(r!.prices, { buyPriceMicroPerKwh: 75_000n, sellPriceMicroPerKwh: 0n });
    assert.deepEqual(billSharing.clear(CASE_A), r);
  });

  it('horizon {A, B}: buyers pay 0.225/0.15/0.225 = 0.60, sellers receive 0.0875/0.075/0.0375 = 0.20', () => {
    const results = billSharing.clearHorizon([CASE_A, CASE_B]);
    assert.equal(results.length, 2);
    assert.deepEqual(horizonTotals(results), {
      B1: 225_000n,
      B2: 150_000n,
      B3: 225_000n,
      S1: -87_500n,
      S2: -75_000n,
      S3: -37_500n,
    });
    // per slot at the horizon prices: slot A B1 3 kWh·0.0375, S1 2 kWh·0.0125
    assert.deepEqual(payments(results[0]!), {
      B1: 112_500n,
      B2: 75_000n,
      B3: 112_500n,
      S1: -25_000n,
      S2: -37_500n,
      S3: -12_500n,
    });
    // slot A's bill is partly paid in slot B; over the horizon the operator keeps nothing
    assert.equal(results[0]!.gridImportCostMicro, 600_000n);
    assert.equal(results[1]!.gridExportRevenueMicro, 200_000n);
    assert.equal(
      results.reduce((sum, r) => sum + r.operatorMicro, 0n),
      0n,
    );
  });

  it('rounds each participant once over the horizon: three equal buyers share a 1 µcoin bill', () => {
    const tiny = (start: number) =>
      slot([order('A', 'bid', 1000), order('B', 'bid', 1000), order('C', 'bid', 1000)], {
        slotStartMs: start,
        gridImportPriceMicroPerKwh: 1n,
        gridExportPriceMicroPerKwh: 0n,
      });
    const results = billSharing.clearHorizon([tiny(0), tiny(HOUR_MS)]);
    // bill 3 + 3 = 6 µcoin over 6 kWh: each pays 2, 1 per slot
    assert.deepEqual(horizonTotals(results), { A: 2n, B: 2n, C: 2n });
  });
});
