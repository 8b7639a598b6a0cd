/**
 * The simulator's loop (src/sim/engine.ts) on a small hand-made community: every home's energy balances in every
 * slot (load = own PV + battery + peers + grid), money is conserved slot by slot, SoC stays in its bounds, a run
 * replays byte for byte, and the in-process ledger gives the same trades as clearing without a ledger.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCommunity } from '../../../src/sim/engine.js';
import type { BatterySpec, Community, HomeSpec, Scenario } from '../../../src/sim/types.js';

const START_MS = Date.UTC(2017, 4, 11, 0, 0, 0);
const HOUR_MS = 3_600_000;
const SLOTS = 24;

/** A PV curve: zero at night, a bell between 06:00 and 18:00 peaking at `peakWh`. */
function pvCurve(peakWh: number): Int32Array {
  return Int32Array.from({ length: SLOTS }, (_, h) =>
    h < 6 || h >= 18 ? 0 : Math.round(peakWh * Math.sin(((h - 6 + 0.5) / 12) * Math.PI)),
  );
}

function flatLoad(wh: number, eveningWh = wh): Int32Array {
  return Int32Array.from({ length: SLOTS }, (_, h) => (h >= 18 ? eveningWh : wh));
}

const BATTERY: BatterySpec = {
  capacityKwh: 5,
  maxChargeKw: 2.5,
  maxDischargeKw: 2.5,
  chargeEfficiency: 0.96,
  dischargeEfficiency: 0.96,
  socMin: 0.2,
  socMax: 0.8,
};

function community(mechanism: string, strategy: Scenario['strategy']): Community {
  const homes: Array<{ spec: HomeSpec; loadWh: Int32Array; pvWh: Int32Array }> = [
    {
      spec: { id: 'P1', role: 'prosumer', load: { kind: 'values', kwhPerSlot: [] }, battery: BATTERY },
      loadWh: flatLoad(300, 800),
      pvWh: pvCurve(4000),
    },
    {
      spec: { id: 'P2', role: 'prosumer', load: { kind: 'values', kwhPerSlot: [] } },
      loadWh: flatLoad(400, 900),
      pvWh: pvCurve(1600),
    },
    {
      spec: { id: 'C1', role: 'consumer', load: { kind: 'values', kwhPerSlot: [] } },
      loadWh: flatLoad(250, 600),
      pvWh: new Int32Array(SLOTS),
    },
    {
      spec: { id: 'C2', role: 'consumer', load: { kind: 'values', kwhPerSlot: [] } },
      loadWh: flatLoad(500, 1200),
      pvWh: new Int32Array(SLOTS),
    },
    {
      spec: { id: 'C3', role: 'consumer', load: { kind: 'values', kwhPerSlot: [] } },
      loadWh: flatLoad(1500, 2500),
      pvWh: new Int32Array(SLOTS),
    },
  ];
  const scenario: Scenario = {
    format: 'gridpeer-scenario/1',
    name: `engine-test-${mechanism}`,
    description: 'five homes, one day',
    currency: 'Rs',
    start: new Date(START_MS).toISOString(),
    slotMinutes: 60,
    slots: SLOTS,
    seed: 7,
    mechanism,
    strategy,
    tariff: { kind: 'flat', importPerKwh: 2.33, exportPerKwh: 1 },
    homes: homes.map((h) => h.spec),
  };
  return {
    scenario,
    slotMs: HOUR_MS,
    startMs: START_MS,
    importPriceMicroPerKwh: Array.from({ length: SLOTS }, (_, h) => 2_000_000n + BigInt(h) * 30_000n),
    exportPriceMicroPerKwh: Array.from({ length: SLOTS }, () => 1_000_000n),
    homes,
  };
}

describe('simulator engine', () => {
  for (const [mechanism, strategy] of [
    ['fixed-price', 'rule-based'],
    ['sdr', 'price-taker'],
    ['uniform-auction', 'zi-c'],
  ] as const) {
    it(`${mechanism} with ${strategy} agents on the in-process ledger: energy balances, money is conserved, SoC in bounds`, async () => {
      const c = community(mechanism, strategy);
      const run = await runCommunity(c, { ledger: 'inprocess' });
      assert.equal(run.homeSlots.length, 5);
      let traded = 0;
      for (let s = 0; s < SLOTS; s++) {
        let payments = 0n;
        let gridCost = 0n;
        for (let h = 0; h < 5; h++) {
          const x = run.homeSlots[h]![s]!;
          assert.equal(x.loadWh, x.selfUseWh + x.dischargeWh + x.peerImportWh + x.gridImportWh, `load of ${h} in ${s}`);
          assert.equal(x.pvWh, x.selfUseWh + x.chargeWh + x.peerExportWh + x.gridExportWh, `PV of ${h} in ${s}`);
          payments += x.paymentMicro;
          const price = c.importPriceMicroPerKwh[s]!;
          gridCost += (BigInt(x.gridImportWh) * price) / 1000n - (BigInt(x.gridExportWh) * 1_000_000n) / 1000n;
          if (h === 0) {
            assert.ok(x.socWh >= 1000 && x.socWh <= 4000, `SoC ${x.socWh} Wh within 20–80 % of 5 kWh`);
          }
          traded += x.peerImportWh;
        }
        // Households pay what the grid charges them in total, apart from rounding (one µcoin per home and trade).
        assert.ok(payments - gridCost >= -20n && payments - gridCost <= 20n, `slot ${s}: ${payments} vs ${gridCost}`);
      }
      assert.ok(traded > 0, 'the homes traded');
      assert.equal(run.trades.reduce((sum, t) => sum + t.energyWh, 0) > 0 || mechanism === 'sdr', true);
      assert.match(run.stateRoot, /^[0-9a-f]{64}$/);
      assert.ok(run.blocks > SLOTS);
    });
  }

  it('replays byte for byte: the same run hash and state root twice', async () => {
    const a = await runCommunity(community('uniform-auction', 'zi-c'), { ledger: 'inprocess' });
    const b = await runCommunity(community('uniform-auction', 'zi-c'), { ledger: 'inprocess' });
    assert.equal(a.runHash, b.runHash);
    assert.equal(a.stateRoot, b.stateRoot);
  });

  it('clears the same trades on the in-process ledger as with the market functions alone', async () => {
    for (const [mechanism, strategy] of [
      ['uniform-auction', 'zi-c'],
      ['fixed-price', 'rule-based'],
    ] as const) {
      const ledger = await runCommunity(community(mechanism, strategy), { ledger: 'inprocess' });
      const direct = await runCommunity(community(mechanism, strategy), { ledger: 'none' });
      assert.deepEqual(ledger.trades, direct.trades, mechanism);
      assert.ok(ledger.trades.length > 0);
    }
  });
});
