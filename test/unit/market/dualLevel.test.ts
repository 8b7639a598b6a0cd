/** Dual-level pricing of seed 001 eqs. 3.1–3.4 (reference §1 "Where the seeds use SDR"). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  clearDualLevel,
  dualLevel,
  dualLevelPrices,
  splitByMicrogrid,
} from '../../../src/market/mechanisms/dualLevel.js';
import { sdr } from '../../../src/market/mechanisms/sdr.js';
import { ratio } from '../../../src/market/money.js';
import { assertThrowsCoded } from '../../helpers/assertions.js';
import { CASE_A, CASE_B, LAMBDA_BUY, LAMBDA_SELL, order, payments, slot } from '../../helpers/poolCases.js';

describe('dualLevelPrices (eqs. 3.1–3.4)', () => {
  it('TES 1.5, TEP 2: γ_m 0.75 gives the case-A prices 0.12 and 0.165', () => {
    const p = dualLevelPrices([2000, -1500], LAMBDA_BUY, LAMBDA_SELL);
    assert.equal(p.totalEnergySoldWh, 1500);
    assert.equal(p.totalEnergyPurchasedWh, 2000);
    assert.deepEqual(p.gamma, ratio(3n, 4n));
    assert.equal(p.sellPriceMicroPerKwh, 120_000n);
    assert.equal(p.buyPriceMicroPerKwh, 165_000n);
  });

  it('no purchasing microgrid: γ_m = +∞, both λs; a balanced microgrid counts in TEP with 0', () => {
    const p = dualLevelPrices([-1000, 0], LAMBDA_BUY, LAMBDA_SELL);
    assert.equal(p.gamma, 'infinity');
    assert.equal(p.buyPriceMicroPerKwh, 100_000n);
  });
});

describe('clearDualLevel', () => {
  it('a short and a long microgrid: M1 buys 2 kWh at 0.225, M2 sells 1 kWh at 0.15, the grid supplies 1 kWh', () => {
    // TES 1, TEP 2, γ 0.5: P_sell = 0.03/(0.2·0.5 + 0.1) = 0.15, P_buy = 0.15·0.5 + 0.30·0.5 = 0.225
    const result = clearDualLevel([
      { microgridId: 'M1', input: slot([order('B', 'bid', 2000)]) },
      { microgridId: 'M2', input: slot([order('S', 'offer', 1000)]) },
    ]);
    assert.equal(result.prices.sellPriceMicroPerKwh, 150_000n);
    assert.equal(result.prices.buyPriceMicroPerKwh, 225_000n);
    assert.deepEqual(payments(result.exchange), { M1: 450_000n, M2: -150_000n });
    assert.equal(result.exchange.gridImportWh, 1000);
    assert.equal(result.exchange.gridImportCostMicro, 300_000n);
    assert.equal(result.exchange.operatorMicro, 0n);
    // inside: M1 alone (S = 0) pays its outside price, M2 alone (D = 0) gets its outside price
    assert.deepEqual(payments(result.combined), { B: 450_000n, S: -150_000n });
    const [m1, m2] = result.microgrids;
    assert.deepEqual([m1!.microgridId, m1!.netPositionWh, m1!.importPriceMicroPerKwh], ['M1', 2000, 225_000n]);
    assert.deepEqual([m2!.microgridId, m2!.netPositionWh, m2!.exportPriceMicroPerKwh], ['M2', -1000, 150_000n]);
    assert.equal(m1!.result.gridImportCostMicro, 450_000n);
    assert.equal(m2!.result.gridExportRevenueMicro, 150_000n);
    // B gets 1 kWh from M2 (peer) and 1 kWh from the grid
    const b = result.combined.settlements.find((s) => s.participant === 'B')!;
    assert.deepEqual([b.importWh, b.peerImportWh, b.gridOnlyPaymentMicro], [2000, 1000, 600_000n]);
    assert.equal(result.combined.gridImportWh, 1000);
    assert.equal(result.combined.operatorMicro, 0n);
  });

  it('case A next to a microgrid 1.5 kWh long: level 2 at 0.12/0.165, case A’s pool at λb′ = 0.165', () => {
    const result = clearDualLevel([
      { microgridId: 'A', input: CASE_A },
      { microgridId: 'X', input: slot([order('X1', 'offer', 2000), order('X2', 'bid', 500)]) },
    ]);
    assert.deepEqual(payments(result.exchange), { A: 330_000n, X: -180_000n });
    assert.equal(result.exchange.gridImportCostMicro, 150_000n); // 0.5 kWh at 0.30
    // In A: p_sell = 0.1·0.165/(0.065·0.75 + 0.1) = 66/595 = 0.1109243…, p_buy = p_sell·0.75 + 0.165·0.25
    // = 0.1244433…; each bill rounded once from the exact price.
    const [a, x] = result.microgrids;
    assert.deepEqual(a!.result.prices, { sellPriceMicroPerKwh: 110_924n, buyPriceMicroPerKwh: 124_443n });
    assert.deepEqual(payments(a!.result), {
      B1: 373_330n,
      B2: 248_887n,
      B3: 373_330n,
      S1: -221_849n,
      S2: -332_773n,
      S3: -110_924n,
    });
    assert.equal(a!.result.operatorMicro, 1n); // rounding: 995_547 = 665_546 + 330_000 + 1
    // In X (SDR 4 > 1) both prices are its outside price P_m_sell = 0.12
    assert.deepEqual(payments(x!.result), { X1: -240_000n, X2: 60_000n });
    assert.equal(x!.result.gridExportRevenueMicro, 180_000n);
    assert.equal(x!.result.operatorMicro, 0n);
    // together: real grid 0.5 kWh; the operator residual is both levels' rounding
    assert.equal(result.combined.gridImportWh, 500);
    assert.equal(result.combined.operatorMicro, 1n);
    // everyone at least as well off as with the grid alone
    assert.ok(result.combined.settlements.every((s) => s.netPaymentMicro <= s.gridOnlyPaymentMicro));
  });

  it('one microgrid is the plain SDR pool', () => {
    for (const input of [CASE_A, CASE_B, slot([])]) {
      const result = clearDualLevel([{ microgridId: 'only', input }]);
      const single = sdr.clear(input);
      assert.deepEqual(result.combined.settlements, single.settlements);
      assert.equal(result.combined.gridImportCostMicro, single.gridImportCostMicro);
      assert.equal(result.combined.gridExportRevenueMicro, single.gridExportRevenueMicro);
    }
  });

  it('rejects no microgrid, repeated ids, a participant in two microgrids, different slots', () => {
    assertThrowsCoded(() => clearDualLevel([]), 'MARKET_INVALID_INPUT', 'microgrids');
    assertThrowsCoded(
      () =>
        clearDualLevel([
          { microgridId: 'M', input: CASE_A },
          { microgridId: 'M', input: slot([]) },
        ]),
      'MARKET_INVALID_INPUT',
      'microgrids[1].microgridId',
    );
    assertThrowsCoded(
      () =>
        clearDualLevel([
          { microgridId: 'M1', input: slot([order('P', 'bid', 1)]) },
          { microgridId: 'M2', input: slot([{ id: 'p2', participant: 'P', side: 'offer', energyWh: 1 }]) },
        ]),
      'MARKET_INVALID_INPUT',
      'microgrids[1].input.orders',
    );
    assertThrowsCoded(
      () =>
        clearDualLevel([
          { microgridId: 'M1', input: CASE_A },
          { microgridId: 'M2', input: slot([], { gridImportPriceMicroPerKwh: 1n, gridExportPriceMicroPerKwh: 0n }) },
        ]),
      'MARKET_INVALID_INPUT',
      'microgrids[1].input.gridImportPriceMicroPerKwh',
    );
  });
});

describe('dualLevel as a ClearingMechanism', () => {
  it('groups by order location unless microgridOf says otherwise', () => {
    const input = slot([order('B', 'bid', 2000, { location: 'M1' }), order('S', 'offer', 1000, { location: 'M2' })]);
    assert.deepEqual(
      splitByMicrogrid(input).map((m) => m.microgridId),
      ['M1', 'M2'],
    );
    assert.deepEqual(payments(dualLevel.clear(input)), { B: 450_000n, S: -150_000n });
    // all in one microgrid: S = 1, D = 2, SDR 0.5 gives the same prices here
    const together = dualLevel.clear(input, { microgridOf: { B: 'M', S: 'M' } });
    assert.deepEqual(payments(together), { B: 450_000n, S: -150_000n });
    assert.deepEqual(splitByMicrogrid(slot([])), [{ microgridId: 'default', input: slot([]) }]);
  });
});
