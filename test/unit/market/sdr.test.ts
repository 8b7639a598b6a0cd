/** SDR pool (reference §1): every worked example and edge case, exact µcoin. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clearSdr, sdr, sdrPrices } from '../../../src/market/mechanisms/sdr.js';
import { ratio } from '../../../src/market/money.js';
import { assertThrowsCoded } from '../../helpers/assertions.js';
import { CASE_A, CASE_B, LAMBDA_BUY, LAMBDA_SELL, order, payments, slot } from '../../helpers/poolCases.js';

describe('sdrPrices (Liu eqs. 7, 9, 10)', () => {
  it('case A: SDR 0.75, p_sell = 0.03/0.25 = 0.12, p_buy = 0.12·0.75 + 0.30·0.25 = 0.165', () => {
    const p = sdrPrices(6000, 8000, LAMBDA_BUY, LAMBDA_SELL);
    assert.deepEqual(p.supplyDemandRatio, ratio(3n, 4n));
    assert.equal(p.sellPriceMicroPerKwh, 120_000n);
    assert.equal(p.buyPriceMicroPerKwh, 165_000n);
  });

  it('case B: SDR 1.25 > 1, both prices λs', () => {
    const p = sdrPrices(10_000, 8000, LAMBDA_BUY, LAMBDA_SELL);
    assert.deepEqual(p.supplyDemandRatio, ratio(5n, 4n));
    assert.equal(p.sellPriceMicroPerKwh, 100_000n);
    assert.equal(p.buyPriceMicroPerKwh, 100_000n);
  });

  it('S = D = 8: SDR 1, both branches give λs (continuous)', () => {
    const p = sdrPrices(8000, 8000, LAMBDA_BUY, LAMBDA_SELL);
    assert.equal(p.sellPriceMicroPerKwh, 100_000n);
    assert.equal(p.buyPriceMicroPerKwh, 100_000n);
    // just below 1 the first branch tends to λs too (slopes there: −0.067 and −0.27 coin per unit SDR)
    const near = sdrPrices(7999, 8000, LAMBDA_BUY, LAMBDA_SELL);
    assert.ok(near.sellPriceMicroPerKwh - 100_000n <= 10n && near.buyPriceMicroPerKwh - 100_000n <= 40n);
  });

  it('S = 0: SDR 0, both prices λb', () => {
    const p = sdrPrices(0, 8000, LAMBDA_BUY, LAMBDA_SELL);
    assert.deepEqual(p.supplyDemandRatio, ratio(0n));
    assert.equal(p.sellPriceMicroPerKwh, 300_000n);
    assert.equal(p.buyPriceMicroPerKwh, 300_000n);
  });

  it('D = 0: SDR +∞, both prices λs, with or without supply', () => {
    for (const supply of [0, 6000]) {
      const p = sdrPrices(supply, 0, LAMBDA_BUY, LAMBDA_SELL);
      assert.equal(p.supplyDemandRatio, 'infinity');
      assert.equal(p.sellPriceMicroPerKwh, 100_000n);
      assert.equal(p.buyPriceMicroPerKwh, 100_000n);
    }
  });

  it('λs = 0 and λb = λs = 0 need no division by zero', () => {
    assert.equal(sdrPrices(0, 10, 300_000n, 0n).sellPriceMicroPerKwh, 300_000n);
    const free = sdrPrices(3, 10, 300_000n, 0n);
    assert.equal(free.sellPriceMicroPerKwh, 0n);
    assert.equal(free.buyPriceMicroPerKwh, 210_000n); // 0.30·(1 − 0.3)
    assert.equal(sdrPrices(3, 10, 0n, 0n).buyPriceMicroPerKwh, 0n);
  });

  it('rounds the exact price once: S = 1, D = 3 gives p_sell = 0.03/(0.2/3 + 0.1) = 0.18', () => {
    const p = sdrPrices(1, 3, LAMBDA_BUY, LAMBDA_SELL);
    assert.deepEqual(p.sellPrice, ratio(180_000n));
    // p_buy = 0.18/3 + 0.30·2/3 = 0.26
    assert.equal(p.buyPriceMicroPerKwh, 260_000n);
    const odd = sdrPrices(2, 7, LAMBDA_BUY, LAMBDA_SELL);
    // 3e10·7 / (2e5·2 + 1e5·7) = 2.1e11 / 1.1e6 = 190909.09…
    assert.equal(odd.sellPriceMicroPerKwh, 190_909n);
  });

  it('rejects λb < λs and negative or fractional energy', () => {
    assertThrowsCoded(() => sdrPrices(1, 1, 100n, 200n), 'MARKET_INVALID_INPUT');
    assertThrowsCoded(() => sdrPrices(-1, 1, 200n, 100n), 'MARKET_INVALID_INPUT', 'supplyWh');
    assertThrowsCoded(() => sdrPrices(1, 0.5, 200n, 100n), 'MARKET_INVALID_INPUT', 'demandWh');
  });
});

describe('sdr pool billing', () => {
  it('case A: sellers paid 0.24/0.36/0.12, buyers pay 0.495/0.33/0.495, grid 2 kWh for 0.60, 1.32 = 0.72 + 0.60', () => {
    const r = sdr.clear(CASE_A);
    assert.equal(r.mechanism, 'sdr');
    assert.deepEqual(payments(r), {
      B1: 495_000n,
      B2: 330_000n,
      B3: 495_000n,
      S1: -240_000n,
      S2: -360_000n,
      S3: -120_000n,
    });
    assert.deepEqual(r.prices, { buyPriceMicroPerKwh: 165_000n, sellPriceMicroPerKwh: 120_000n });
    assert.equal(r.gridImportWh, 2000);
    assert.equal(r.gridExportWh, 0);
    assert.equal(r.gridImportCostMicro, 600_000n);
    assert.equal(r.gridExportRevenueMicro, 0n);
    assert.equal(r.operatorMicro, 0n);
    assert.deepEqual(r.trades, []);
  });

  it('case A pitfall: B1 pays 0.495 for its whole deficit, not the split 0.59625 of settle_sdr', () => {
    const b1 = sdr.clear(CASE_A).settlements.find((s) => s.participant === 'B1')!;
    assert.equal(b1.netPaymentMicro, 495_000n);
    assert.notEqual(b1.netPaymentMicro, 596_250n);
    assert.equal(b1.gridOnlyPaymentMicro, 900_000n);
    // peer share 0.75·3 kWh = 2.25 kWh, the rest through the grid
    assert.equal(b1.importWh, 3000);
    assert.equal(b1.peerImportWh, 2250);
  });

  it('case A: peer energy is min(S, D) = 6 kWh apportioned over each side', () => {
    const r = clearSdr(CASE_A);
    const peer = Object.fromEntries(r.settlements.map((s) => [s.participant, [s.peerImportWh, s.peerExportWh]]));
    assert.deepEqual(peer, {
      B1: [2250, 0],
      B2: [1500, 0],
      B3: [2250, 0],
      S1: [0, 2000],
      S2: [0, 3000],
      S3: [0, 1000],
    });
  });

  it('case B: buyers pay 0.80, sellers receive 1.00, grid export 2 kWh earns 0.20', () => {
    const r = sdr.clear(CASE_B);
    assert.deepEqual(payments(r), {
      B1: 300_000n,
      B2: 200_000n,
      B3: 300_000n,
      S1: -500_000n,
      S2: -300_000n,
      S3: -200_000n,
    });
    assert.equal(r.gridExportWh, 2000);
    assert.equal(r.gridExportRevenueMicro, 200_000n);
    assert.equal(r.gridImportWh, 0);
    assert.equal(r.operatorMicro, 0n);
  });

  it('S = D = 8: no grid exchange, everyone at λs', () => {
    const r = sdr.clear(slot([order('S', 'offer', 8000), order('B', 'bid', 8000)]));
    assert.deepEqual(payments(r), { B: 800_000n, S: -800_000n });
    assert.equal(r.gridImportWh + r.gridExportWh, 0);
  });

  it('S = 0: buyers pay λb, exactly their grid-only bill; D = 0: sellers get λs', () => {
    const short = sdr.clear(slot([order('B1', 'bid', 3000), order('B2', 'bid', 2000)]));
    assert.deepEqual(payments(short), { B1: 900_000n, B2: 600_000n });
    assert.equal(short.gridImportCostMicro, 1_500_000n);
    const long = sdr.clear(slot([order('S1', 'offer', 2000)]));
    assert.deepEqual(payments(long), { S1: -200_000n });
    assert.deepEqual(long.prices, { buyPriceMicroPerKwh: 100_000n, sellPriceMicroPerKwh: 100_000n });
  });

  it('empty book: no settlements, no grid, prices λs', () => {
    const r = sdr.clear(slot([]));
    assert.deepEqual(r.settlements, []);
    assert.equal(r.operatorMicro, 0n);
  });

  it('nets several orders of one participant (reference §0)', () => {
    const r = sdr.clear(
      slot([
        order('S1', 'offer', 2000),
        { id: 'h-load', participant: 'H', side: 'bid', energyWh: 3000 },
        { id: 'h-pv', participant: 'H', side: 'offer', energyWh: 1000 },
      ]),
    );
    // H is a net buyer of 2 kWh: S = D = 2, everything at λs
    assert.deepEqual(payments(r), { H: 200_000n, S1: -200_000n });
    const h = r.settlements.find((s) => s.participant === 'H')!;
    assert.equal(h.importWh, 2000);
    assert.equal(h.exportWh, 0);
  });

  it('ESP fee β (Liu eqs. 20–21): total β·min(S, D), shares ∝ |NP_n|, kept by the operator', () => {
    const r = sdr.clear(CASE_A, { espFeeMicroPerKwh: 10_000n });
    // total 0.01·6 = 0.06; shares 60000·|NP|/14 apportioned: 3 → 12857, 2 → 8571 (+1 for B2), 1 → 4285 (+1)
    assert.deepEqual(payments(r), {
      B1: 495_000n + 12_857n,
      B2: 330_000n + 8_572n,
      B3: 495_000n + 12_857n,
      S1: -240_000n + 8_571n,
      S2: -360_000n + 12_857n,
      S3: -120_000n + 4_286n,
    });
    assert.equal(r.operatorMicro, 60_000n);
  });

  it('rejects invalid input with MARKET_INVALID_INPUT', () => {
    assertThrowsCoded(
      () => sdr.clear(slot([order('S', 'offer', 1)], { gridExportPriceMicroPerKwh: 400_000n })),
      'MARKET_INVALID_INPUT',
      'gridExportPriceMicroPerKwh',
    );
    assertThrowsCoded(() => sdr.clear(slot([order('S', 'offer', -1)])), 'MARKET_INVALID_INPUT', 'orders[0].energyWh');
    assertThrowsCoded(() => sdr.clear(slot([order('S', 'offer', 1.5)])), 'MARKET_INVALID_INPUT', 'orders[0].energyWh');
    assertThrowsCoded(
      () => sdr.clear(slot([order('S', 'offer', 1), order('S', 'bid', 1)])),
      'MARKET_INVALID_INPUT',
      'orders[1].id',
    );
    assertThrowsCoded(() => sdr.clear(CASE_A, { espFeeMicroPerKwh: -1n }), 'MARKET_INVALID_INPUT', 'feeMicroPerKwh');
  });
});
