import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gridOnlyCostMicro } from '../../../src/energy/index.js';
import { dailyFixedPriceMicroPerKwh } from '../../../src/market/mechanisms/fixedPrice.js';
import { homeRandom, resolveCommunity } from '../../../src/sim/community.js';
import { listScenarios, loadScenario } from '../../../src/sim/scenario.js';
import type { Community, HomeSpec, Scenario } from '../../../src/sim/types.js';

/** Seed 000 Table 7, scenario 1 (grid only), Rs/day. */
const TABLE7_S1: Record<string, number> = { P1: 10.537, P2: 32.879, C1: 14.881, C2: 23.28, C3: 95.114 };

const resolved = new Map<string, Community>();
function community(name: string): Community {
  let c = resolved.get(name);
  if (!c) {
    c = resolveCommunity(loadScenario(name));
    resolved.set(name, c);
  }
  return c;
}

describe('sim/community', () => {
  for (const name of listScenarios()) {
    it(`resolves ${name}: lengths, non-negative profiles, PV dark at night, prices`, () => {
      const c = community(name);
      const { slots } = c.scenario;
      assert.equal(c.slotMs, c.scenario.slotMinutes * 60_000);
      assert.equal(c.startMs, Date.parse(c.scenario.start));
      assert.equal(c.importPriceMicroPerKwh.length, slots);
      assert.equal(c.exportPriceMicroPerKwh.length, slots);
      c.importPriceMicroPerKwh.forEach((p, s) => {
        assert.ok(p >= c.exportPriceMicroPerKwh[s]! && c.exportPriceMicroPerKwh[s]! >= 0n, `${name} slot ${s}`);
      });
      assert.equal(c.homes.length, c.scenario.homes.length);
      for (const home of c.homes) {
        assert.equal(home.loadWh.length, slots, home.spec.id);
        assert.equal(home.pvWh.length, slots, home.spec.id);
        assert.ok(
          home.loadWh.every((wh) => wh >= 0),
          `${name} ${home.spec.id} load`,
        );
        assert.ok(
          home.pvWh.every((wh) => wh >= 0),
          `${name} ${home.spec.id} pv`,
        );
        assert.ok(
          home.loadWh.some((wh) => wh > 0),
          `${name} ${home.spec.id} has demand`,
        );
        if (home.spec.pv === undefined) assert.ok(home.pvWh.every((wh) => wh === 0));
        if (home.spec.pv?.kind === 'pv-model' || home.spec.pv?.kind === 'csv') {
          // (Measured PV may be dark for a whole run: CityLearn Building 7 reads 0 on 1–8 August.)
          if (home.spec.pv.kind === 'pv-model')
            assert.ok(
              home.pvWh.some((wh) => wh > 0),
              `${name} ${home.spec.id}`,
            );
          // Scenario clocks are local time: nothing between 21:00 and 04:00.
          home.pvWh.forEach((wh, s) => {
            const hour = new Date(c.startMs + s * c.slotMs).getUTCHours();
            if (hour >= 21 || hour < 4) assert.equal(wh, 0, `${name} ${home.spec.id} PV at ${hour}:00`);
          });
        }
      }
    });
  }

  it('saini2023: grid-only daily costs within 5 % of Table 7 scenario 1, mean price 2.33 Rs/kWh, P2P price 2.10', () => {
    const c = community('saini2023');
    for (const home of c.homes) {
      const rs = Number(gridOnlyCostMicro(home.loadWh, c.importPriceMicroPerKwh)) / 1e6;
      const target = TABLE7_S1[home.spec.id]!;
      assert.ok(Math.abs(rs - target) / target < 0.05, `${home.spec.id}: ${rs} vs ${target}`);
    }
    const mean = c.importPriceMicroPerKwh.reduce((a, b) => a + b, 0n) / BigInt(c.importPriceMicroPerKwh.length);
    assert.ok(Math.abs(Number(mean) / 1e6 - 2.33) <= 0.02);
    assert.equal(dailyFixedPriceMicroPerKwh(c.importPriceMicroPerKwh), 2_100_000n);
    // PV peaks around local solar noon (12:35 IST) and the 5 kW home makes more than the 2 kW one.
    const [p1, p2] = c.homes;
    const peak = p1!.pvWh.indexOf(Math.max(...p1!.pvWh));
    assert.ok(peak >= 11 && peak <= 13, `peak hour ${peak}`);
    const sum = (a: Int32Array): number => a.reduce((x, y) => x + y, 0);
    assert.ok(sum(p1!.pvWh) > 2 * sum(p2!.pvWh));
  });

  it('boumaiza2023: S2 adds the battery, S3 raises PV to 10 kW, the 623-home compound has 295 PV homes', () => {
    const [s1, s2, s3] = ['boumaiza2023-s1', 'boumaiza2023-s2', 'boumaiza2023-s3'].map((n) => community(n));
    const pvHomes = (c: Community): HomeSpec[] => c.scenario.homes.filter((h) => h.pv !== undefined);
    assert.equal(pvHomes(s1!).length, 9);
    assert.ok(s1!.scenario.homes.every((h) => h.battery === undefined));
    assert.ok(pvHomes(s2!).every((h) => h.battery?.capacityKwh === 5 && h.battery.maxChargeKw === 2.5));
    assert.ok(pvHomes(s3!).every((h) => h.pv?.kind === 'pv-model' && h.pv.capacityKw === 10));
    // S1 and S2 share the load and PV profiles.
    s1!.homes.forEach((h, i) => {
      assert.deepEqual(h.loadWh, s2!.homes[i]!.loadWh);
      assert.deepEqual(h.pvWh, s2!.homes[i]!.pvWh);
    });
    const big = loadScenario('boumaiza2023-623');
    assert.equal(big.homes.length, 623);
    assert.equal(big.homes.filter((h) => h.pv !== undefined).length, 295);
    assert.ok(big.homes.some((h) => h.battery !== undefined));
    assert.deepEqual([...new Set(big.homes.map((h) => h.location))].sort(), ['lot1', 'lot2']);
  });

  it('citylearn-17: the CSV rows from 1 August 00:00, PV scaled by the rated power, B15 a consumer', () => {
    const c = community('citylearn-17');
    const b1 = c.homes[0]!;
    assert.equal(b1.loadWh[0], 851); // Building_1.csv row 1 (line 3): 0.85116667 kWh
    const b15 = c.homes.find((h) => h.spec.id === 'B15')!;
    assert.equal(b15.spec.role, 'consumer');
    assert.equal(c.importPriceMicroPerKwh[0], 220_000n);
    assert.equal(c.exportPriceMicroPerKwh[0], 55_000n);
    const producing = c.homes.filter((h) => h.pvWh.some((wh) => wh > 0)).map((h) => h.spec.id);
    assert.equal(producing.length, 15); // 16 PV homes, Building 7's PV is dark 1–8 August
    // Weekday summer peak (hour 16–20 rows) is the highest price of the week.
    assert.equal(Math.max(...c.importPriceMicroPerKwh.map(Number)), 540_000);
  });

  it('resolves the same scenario to identical arrays', () => {
    for (const name of ['saini2023', 'boumaiza2023-s2']) {
      const a = resolveCommunity(loadScenario(name));
      const b = resolveCommunity(loadScenario(name));
      assert.deepEqual(a.importPriceMicroPerKwh, b.importPriceMicroPerKwh);
      a.homes.forEach((h, i) => {
        assert.deepEqual(h.loadWh, b.homes[i]!.loadWh);
        assert.deepEqual(h.pvWh, b.homes[i]!.pvWh);
      });
    }
  });

  it('adding, removing or reordering homes does not change the others; the seed does', () => {
    const scenario = loadScenario('saini2023');
    const extra: HomeSpec = { ...scenario.homes[0]!, id: 'P9' };
    const grown: Scenario = { ...scenario, homes: [extra, ...[...scenario.homes].reverse()] };
    const before = resolveCommunity(scenario);
    const after = resolveCommunity(grown);
    for (const home of before.homes) {
      const same = after.homes.find((h) => h.spec.id === home.spec.id)!;
      assert.deepEqual(same.loadWh, home.loadWh, home.spec.id);
      assert.deepEqual(same.pvWh, home.pvWh, home.spec.id);
    }
    // P9 has P1's spec but its own noise.
    assert.notDeepEqual(after.homes[0]!.loadWh, before.homes[0]!.loadWh);
    const reseeded = resolveCommunity(scenario, { seed: scenario.seed + 1 });
    assert.notDeepEqual(reseeded.homes[0]!.loadWh, before.homes[0]!.loadWh);
    assert.deepEqual(
      resolveCommunity(scenario, { random: () => 0.5 }).homes[0]!.loadWh,
      resolveCommunity(scenario, { seed: 2 ** 31 }).homes[0]!.loadWh,
    );
  });

  it('derives independent generators per home and stream', () => {
    const a = homeRandom(7, 'H1', 'load');
    const b = homeRandom(7, 'H1', 'pv');
    const c = homeRandom(7, 'H2', 'load');
    const again = homeRandom(7, 'H1', 'load');
    const first = a();
    assert.equal(first, again());
    assert.notEqual(first, b());
    assert.notEqual(first, c());
  });
});
