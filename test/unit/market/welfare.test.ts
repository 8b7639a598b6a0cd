import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { isGridPeerError } from '../../../src/errors/index.js';
import { buildResult, FlowBook } from '../../../src/market/result.js';
import {
  dayCostOptimum,
  loadLpSolver,
  mechanismWelfare,
  slotWelfareOptimum,
  welfareEfficiency,
} from '../../../src/market/welfare.js';
import {
  caseA,
  caseBPool,
  coin,
  meritOrderMechanism,
  meritOrderPairs,
  resultFromPairs,
  slot,
} from '../../helpers/welfareFixtures.js';

const relativeClose = (actual: number, expected: number, tolerance: number) =>
  Math.abs(actual - expected) <= tolerance * Math.abs(expected);

const rejectsWith = (code: string) => (error: unknown) => isGridPeerError(error) && error.code === code;

describe('slotWelfareOptimum (reference §7.1)', () => {
  before(async () => {
    await loadLpSolver();
  });

  it('case A: W* = 0.59 with x = (3, 2, 0), y = (2, 3, 0), no grid; the dual is a vertex price in [0.15, 0.22]', async () => {
    const optimum = await slotWelfareOptimum(caseA());
    assert.equal(optimum.welfareMicro, 590_000);
    assert.equal(optimum.welfareNano, 590_000_000n);
    assert.ok(Math.abs(optimum.lpObjectiveMicro - 590_000) < 1e-6);
    assert.deepEqual(optimum.bidWh, { B1: 3000, B2: 2000, B3: 0 });
    assert.deepEqual(optimum.offerWh, { S1: 2000, S2: 3000, S3: 0 });
    assert.equal(optimum.gridImportWh, 0);
    assert.equal(optimum.gridExportWh, 0);
    assert.ok(optimum.clearingPriceMicroPerKwh >= 150_000 - 1e-6 && optimum.clearingPriceMicroPerKwh <= 220_000 + 1e-6);
    // HiGHS returns the 0.15 vertex (reference §7.1).
    assert.ok(Math.abs(optimum.clearingPriceMicroPerKwh - 150_000) < 1e-6);
  });

  it('case B as a pool (no limits): every bid is served from peers, the surplus goes to the grid; W* = (λb − λs)·D', async () => {
    const optimum = await slotWelfareOptimum(caseBPool());
    assert.equal(optimum.welfareMicro, 0.2 * 8 * 1_000_000);
    assert.equal(
      Object.values(optimum.bidWh).reduce((a, b) => a + b, 0),
      8000,
    );
    assert.equal(Object.values(optimum.offerWh).reduce((a, b) => a + b, 0) - optimum.gridExportWh, 8000);
    assert.equal(optimum.gridImportWh, 0);
    // Surplus: the marginal unit is worth the feed-in tariff.
    assert.ok(Math.abs(optimum.clearingPriceMicroPerKwh - 100_000) < 1e-6);
  });

  it('buys from the grid for a bid above λb and sells to it for an ask below λs', async () => {
    const input = slot([
      { id: 'b', participant: 'b', side: 'bid', energyWh: 1000, limitPriceMicroPerKwh: coin('0.50') },
      { id: 's', participant: 's', side: 'offer', energyWh: 5000, limitPriceMicroPerKwh: coin('0.05') },
    ]);
    const optimum = await slotWelfareOptimum(input);
    assert.deepEqual(optimum.bidWh, { b: 1000 });
    assert.deepEqual(optimum.offerWh, { s: 5000 });
    assert.equal(optimum.gridExportWh, 4000);
    // 1·0.50 − 5·0.05 + 4·0.10 = 0.65
    assert.equal(optimum.welfareMicro, 650_000);
  });

  it('an empty book has W* = 0', async () => {
    const optimum = await slotWelfareOptimum(slot([]));
    assert.equal(optimum.welfareMicro, 0);
    assert.deepEqual(optimum.bidWh, {});
  });

  it('MARKET_INVALID_INPUT when λs > λb (the LP would be unbounded) or for a bad order', async () => {
    await assert.rejects(slotWelfareOptimum(slot([], '0.10', '0.30')), rejectsWith('MARKET_INVALID_INPUT'));
    const bad = slot([{ id: 'x', participant: 'x', side: 'bid', energyWh: 1.5 }]);
    await assert.rejects(slotWelfareOptimum(bad), rejectsWith('MARKET_INVALID_INPUT'));
  });
});

describe('mechanismWelfare', () => {
  it('the merit-order outcome of case A reaches W* (η = 1); gross value is −0.04 because of forced grid use', async () => {
    const input = caseA();
    const optimum = await slotWelfareOptimum(input);
    const result = meritOrderMechanism().clear(input);
    const w = mechanismWelfare(input, result, optimum);
    assert.equal(w.welfareMicro, 590_000);
    assert.equal(w.peerGainsNano, 590_000_000n);
    assert.equal(w.efficiency, 1);
    // (3·0.28 + 2·0.22 + 3·0.14) − (2·0.12 + 3·0.15 + 1·0.25) − 0.90 + 0.10
    assert.equal(w.grossWelfareMicro, -40_000);
  });

  it('dropping the marginal trade (McAfee-style) gives W = 0.59 − 2·(0.22 − 0.15) = 0.45', async () => {
    const input = caseA();
    const optimum = await slotWelfareOptimum(input);
    const pairs = meritOrderPairs(input).filter((p) => p.bidId !== 'B2');
    const w = mechanismWelfare(input, resultFromPairs(input, pairs), optimum);
    assert.equal(w.welfareMicro, 450_000);
    assert.ok(Math.abs((w.efficiency ?? 0) - 0.45 / 0.59) < 1e-12);
  });

  it('a trade below the seller’s ask loses welfare', () => {
    const input = caseA();
    const w = mechanismWelfare(
      input,
      resultFromPairs(input, [{ bidId: 'B3', offerId: 'S3', energyWh: 1000, priceMicroPerKwh: coin('0.2') }]),
    );
    // 1 kWh valued 0.14 by the buyer and 0.25 by the seller; B1, B2 and S1, S2 go to the grid at no welfare change.
    assert.equal(w.welfareMicro, -110_000);
  });

  it('attributes peer energy from settlements when a pool reports no trades', async () => {
    const input = caseBPool();
    const flows = new FlowBook();
    // Pool outcome: 8 kWh between peers pro rata, 2 kWh of surplus to the grid.
    const sellers: Array<[string, number, number]> = [
      ['S1', 5000, 4000],
      ['S2', 3000, 2400],
      ['S3', 2000, 1600],
    ];
    for (const [id, exportWh, peerWh] of sellers) {
      const f = flows.get(id);
      f.exportWh = exportWh;
      f.peerExportWh = peerWh;
      f.netPaymentMicro = -BigInt(exportWh) * 150n;
    }
    for (const [id, wh] of [
      ['B1', 3000],
      ['B2', 2000],
      ['B3', 3000],
    ] as const) {
      const f = flows.get(id);
      f.importWh = wh;
      f.peerImportWh = wh;
      f.netPaymentMicro = BigInt(wh) * 200n;
    }
    const result = buildResult({ mechanism: 'pool', input, trades: [], flows, gridImportWh: 0, gridExportWh: 2000 });
    const optimum = await slotWelfareOptimum(input);
    const w = mechanismWelfare(input, result, optimum);
    assert.equal(w.welfareMicro, 1_600_000);
    assert.equal(w.efficiency, 1);
  });

  it('welfareEfficiency: W/W*; 1 when both are 0; null when only W* is 0', () => {
    assert.equal(welfareEfficiency(45n, 90n), 0.5);
    assert.equal(welfareEfficiency(0n, 0n), 1);
    assert.equal(welfareEfficiency(-5n, 0n), null);
  });
});

describe('dayCostOptimum (reference §7.2)', () => {
  const hour = 3_600_000;
  const seed004Battery = {
    capacityWh: 5000,
    powerW: 2500,
    chargeEfficiency: 0.98,
    dischargeEfficiency: 0.9999,
    initialWh: 0,
  };

  it('the reference example: C* = 0.0120588 coin (charge 2 kW, discharge 1.959804 kWh, import 0.040196 kWh)', async () => {
    const optimum = await dayCostOptimum({
      slotDurationMs: hour,
      slots: [
        {
          netLoadWh: { S1: -2000 },
          gridImportPriceMicroPerKwh: coin('0.30'),
          gridExportPriceMicroPerKwh: coin('0.10'),
        },
        { netLoadWh: { B1: 2000 }, gridImportPriceMicroPerKwh: coin('0.30'), gridExportPriceMicroPerKwh: coin('0.10') },
      ],
      batteries: { S1: seed004Battery },
    });
    assert.ok(relativeClose(optimum.costMicro, 12_058.8, 1e-6), String(optimum.costMicro));
    assert.equal(optimum.withoutBatteriesCostMicro, 400_000);
    const battery = optimum.batteries['S1']!;
    assert.ok(relativeClose(battery.chargeW[0]!, 2000, 1e-6));
    assert.ok(relativeClose(battery.energyWh[0]!, 1960, 1e-6));
    assert.ok(relativeClose(battery.dischargeW[1]!, 1959.804, 1e-6));
    assert.ok(relativeClose(optimum.gridImportWh[1]!, 40.196, 1e-6));
    assert.ok(Math.abs(optimum.gridExportWh[0]!) < 1e-6);
    assert.equal(optimum.complementary, true);
    // Slot 2's marginal energy comes from the grid at λb.
    assert.ok(relativeClose(optimum.slotPriceMicroPerKwh[1]!, 300_000, 1e-9));
  });

  it('shifts cheap energy with a lossless battery; terminal E_T ≥ E_0 is honoured', async () => {
    const lossless = { capacityWh: 5000, powerW: 2500, chargeEfficiency: 1, dischargeEfficiency: 1, initialWh: 0 };
    const shifted = await dayCostOptimum({
      slotDurationMs: hour,
      slots: [
        { netLoadWh: { a: 0 }, gridImportPriceMicroPerKwh: coin('0.10'), gridExportPriceMicroPerKwh: 0n },
        { netLoadWh: { a: 2000 }, gridImportPriceMicroPerKwh: coin('0.30'), gridExportPriceMicroPerKwh: 0n },
      ],
      batteries: { a: lossless },
    });
    assert.ok(relativeClose(shifted.costMicro, 200_000, 1e-9));

    const full = { ...lossless, initialWh: 2000 };
    const slots = [0, 1].map(() => ({
      netLoadWh: { a: 1000 },
      gridImportPriceMicroPerKwh: coin('0.30'),
      gridExportPriceMicroPerKwh: 0n,
    }));
    const free = await dayCostOptimum({ slotDurationMs: hour, slots, batteries: { a: full } });
    assert.ok(Math.abs(free.costMicro) < 1e-6);
    const kept = await dayCostOptimum({
      slotDurationMs: hour,
      slots,
      batteries: { a: full },
      terminal: 'atLeastInitial',
    });
    assert.ok(relativeClose(kept.costMicro, 600_000, 1e-9));
  });

  it('a feeder limit that cannot cover the load is MARKET_INVALID_INPUT; one that can forces storage', async () => {
    const slots = [
      { netLoadWh: { a: 0 }, gridImportPriceMicroPerKwh: coin('0.30'), gridExportPriceMicroPerKwh: 0n },
      { netLoadWh: { a: 3000 }, gridImportPriceMicroPerKwh: coin('0.30'), gridExportPriceMicroPerKwh: 0n },
    ];
    await assert.rejects(
      dayCostOptimum({ slotDurationMs: hour, slots, feederLimitW: 2000 }),
      rejectsWith('MARKET_INVALID_INPUT'),
    );
    const lossless = { capacityWh: 5000, powerW: 2500, chargeEfficiency: 1, dischargeEfficiency: 1, initialWh: 0 };
    const limited = await dayCostOptimum({
      slotDurationMs: hour,
      slots,
      feederLimitW: 2000,
      batteries: { a: lossless },
    });
    assert.ok(limited.gridImportWh[1]! <= 2000 + 1e-6);
    assert.ok(relativeClose(limited.costMicro, 900_000, 1e-9));
  });

  it('rejects bad batteries and prices', async () => {
    const slots = [{ netLoadWh: { a: 1 }, gridImportPriceMicroPerKwh: coin('0.30'), gridExportPriceMicroPerKwh: 0n }];
    const bad = { capacityWh: 1000, powerW: 100, chargeEfficiency: 1.2, dischargeEfficiency: 1, initialWh: 0 };
    await assert.rejects(
      dayCostOptimum({ slotDurationMs: hour, slots, batteries: { a: bad } }),
      rejectsWith('MARKET_INVALID_INPUT'),
    );
    const inverted = [{ netLoadWh: {}, gridImportPriceMicroPerKwh: 1n, gridExportPriceMicroPerKwh: 2n }];
    await assert.rejects(
      dayCostOptimum({ slotDurationMs: hour, slots: inverted }),
      rejectsWith('MARKET_INVALID_INPUT'),
    );
    await assert.rejects(dayCostOptimum({ slotDurationMs: 0, slots }), rejectsWith('MARKET_INVALID_INPUT'));
  });
});
