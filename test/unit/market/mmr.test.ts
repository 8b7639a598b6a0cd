/** Mid-market rate, net version (reference §2): worked examples and edge cases, exact µcoin. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mmr, mmrPrices } from '../../../src/market/mechanisms/mmr.js';
import { assertThrowsCoded } from '../../helpers/assertions.js';
import { CASE_A, CASE_B, LAMBDA_BUY, LAMBDA_SELL, order, payments, slot } from '../../helpers/poolCases.js';

describe('mmrPrices (Long eqs. 15–17)', () => {
  it('case A: p_mid 0.20, p_sell 0.20, p_buy = (6·0.20 + 2·0.30)/8 = 0.225', () => {
    const p = mmrPrices(6000, 8000, LAMBDA_BUY, LAMBDA_SELL);
    assert.equal(p.midPriceMicroPerKwh, 200_000n);
    assert.equal(p.sellPriceMicroPerKwh, 200_000n);
    assert.equal(p.buyPriceMicroPerKwh, 225_000n);
  });

  it('case B: p_buy 0.20, p_sell = (8·0.20 + 2·0.10)/10 = 0.18', () => {
    const p = mmrPrices(10_000, 8000, LAMBDA_BUY, LAMBDA_SELL);
    assert.equal(p.buyPriceMicroPerKwh, 200_000n);
    assert.equal(p.sellPriceMicroPerKwh, 180_000n);
  });

  it('S = D (also 0 = 0): both prices p_mid', () => {
    for (const wh of [0, 8000]) {
      const p = mmrPrices(wh, wh, LAMBDA_BUY, LAMBDA_SELL);
      assert.equal(p.buyPriceMicroPerKwh, 200_000n);
      assert.equal(p.sellPriceMicroPerKwh, 200_000n);
    }
  });

  it('S = 0: p_buy = λb; D = 0: p_sell = λs', () => {
    assert.equal(mmrPrices(0, 5000, LAMBDA_BUY, LAMBDA_SELL).buyPriceMicroPerKwh, 300_000n);
    assert.equal(mmrPrices(5000, 0, LAMBDA_BUY, LAMBDA_SELL).sellPriceMicroPerKwh, 100_000n);
  });

  it('an odd p_mid stays exact: λb + λs = 3 µcoin/kWh gives 1.5, rounded to 2 only for display', () => {
    const p = mmrPrices(1000, 1000, 2n, 1n);
    assert.equal(p.midPrice.denominator, 2n);
    assert.equal(p.midPriceMicroPerKwh, 2n);
  });

  it('rejects λb < λs', () => {
    assertThrowsCoded(() => mmrPrices(1, 1, 1n, 2n), 'MARKET_INVALID_INPUT');
  });
});

describe('mmr pool billing (Long eq. 18, net totals)', () => {
  it('case A: S1 0.40, S2 0.60, S3 0.20; B1 0.675, B2 0.45, B3 0.675; 1.80 = 1.20 + 0.60', () => {
    const r = mmr.clear(CASE_A);
    assert.equal(r.mechanism, 'mmr');
    assert.deepEqual(payments(r), {
      B1: 675_000n,
      B2: 450_000n,
      B3: 675_000n,
      S1: -400_000n,
      S2: -600_000n,
      S3: -200_000n,
    });
    assert.equal(r.gridImportCostMicro, 600_000n);
    assert.equal(r.operatorMicro, 0n);
  });

  it('case B: buyers pay 1.60, sellers receive 1.80 = 1.60 + 0.20 export', () => {
    const r = mmr.clear(CASE_B);
    assert.deepEqual(payments(r), {
      B1: 600_000n,
      B2: 400_000n,
      B3: 600_000n,
      S1: -900_000n,
      S2: -540_000n,
      S3: -360_000n,
    });
    assert.equal(r.gridExportRevenueMicro, 200_000n);
    assert.equal(r.operatorMicro, 0n);
  });

  it('self-consumption: the net version balances where the gross one ends 0.033 short (reference §2 flag)', () => {
    // H1 has load 3 and PV 2 (net buyer of 1 kWh); H2 has PV 0.5. Net S = 0.5, D = 1: p_sell 0.20,
    // p_buy = (0.5·0.20 + 0.5·0.30)/1 = 0.25.
    const r = mmr.clear(
      slot([
        { id: 'h1-load', participant: 'H1', side: 'bid', energyWh: 3000 },
        { id: 'h1-pv', participant: 'H1', side: 'offer', energyWh: 2000 },
        order('H2', 'offer', 500),
      ]),
    );
    assert.deepEqual(payments(r), { H1: 250_000n, H2: -100_000n });
    assert.equal(r.gridImportCostMicro, 150_000n);
    assert.equal(r.operatorMicro, 0n);
  });
});
