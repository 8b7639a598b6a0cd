/** Price-based demand response with incentives (E7, seed 004 Fig. 7): shifting within the day. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { priceResponsiveLoadWh } from '../../../src/energy/index.js';
import { runs } from '../../helpers/arbitraries.js';
import { assertThrowsCoded } from '../../helpers/assertions.js';

const HOUR_MS = 3_600_000;
const START_MS = Date.UTC(2017, 4, 11);
const sum = (values: ArrayLike<number>, from = 0, to = values.length) => {
  let total = 0;
  for (let i = from; i < to; i++) total += values[i]!;
  return total;
};
/** A day of hourly prices: cheap at night, dear in the evening (3.0 at 19:00, 1.0 at 03:00). */
const DAY_PRICES = [
  1.2, 1.1, 1.05, 1, 1.05, 1.2, 1.5, 1.8, 2, 1.9, 1.8, 1.7, 1.7, 1.7, 1.8, 1.9, 2.2, 2.6, 2.9, 3, 2.8, 2.2, 1.7, 1.4,
].map((price) => BigInt(Math.round(price * 1e6)));
const FLAT_LOAD = new Int32Array(24).fill(1_000);

describe('priceResponsiveLoadWh', () => {
  it('moves load from the most to the least expensive hour and conserves the day', () => {
    const result = priceResponsiveLoadWh(FLAT_LOAD, DAY_PRICES, { flexibleShare: 0.2, elasticity: -0.2 });
    assert.equal(sum(result.loadWh), sum(FLAT_LOAD));
    assert.equal(sum(result.shiftedWh), 0);
    assert.ok(result.loadWh[19]! < 1_000, `19:00 ${result.loadWh[19]}`);
    assert.ok(result.loadWh[3]! > 1_000, `03:00 ${result.loadWh[3]}`);
    // The cheapest hour gets the most, the dearest loses the most.
    assert.equal(result.shiftedWh.indexOf(Math.max(...result.shiftedWh)), 3);
    assert.equal(result.shiftedWh.indexOf(Math.min(...result.shiftedWh)), 19);
    // Mean price 1.80. At 19:00: |ε| (3.0 − 1.8) / 1.8 = 0.2 × 0.667 = 13.3 % of 1000 Wh → 133 Wh;
    // at 17:00: 0.2 × (2.6 − 1.8) / 1.8 = 8.9 % → 88 Wh (floored).
    assert.equal(result.shiftedWh[19], -133);
    assert.equal(result.shiftedWh[17], -88);
    // Capped at the flexible share: at 10 % both 18:00 (12.2 %) and 19:00 (13.3 %) move 100 Wh.
    const capped = priceResponsiveLoadWh(FLAT_LOAD, DAY_PRICES, { flexibleShare: 0.1, elasticity: -0.2 });
    assert.equal(capped.shiftedWh[18], -100);
    assert.equal(capped.shiftedWh[19], -100);
    for (let hour = 0; hour < 24; hour++) assert.equal(result.loadWh[hour], FLAT_LOAD[hour]! + result.shiftedWh[hour]!);
  });

  it('moves more with incentives (seed 004 Fig. 7, S2 vs S1)', () => {
    const without = priceResponsiveLoadWh(FLAT_LOAD, DAY_PRICES, { flexibleShare: 0.3, elasticity: -0.2 });
    const withIncentive = priceResponsiveLoadWh(FLAT_LOAD, DAY_PRICES, {
      flexibleShare: 0.3,
      elasticity: -0.2,
      incentivePerKwh: 0.5,
    });
    const moved = (shifted: Int32Array) => shifted.reduce((total, value) => total + Math.max(0, value), 0);
    assert.ok(moved(withIncentive.shiftedWh) > moved(without.shiftedWh));
    assert.equal(sum(withIncentive.loadWh), sum(FLAT_LOAD));
  });

  it('keeps each UTC day separate when given the calendar', () => {
    const twoDays = [...DAY_PRICES, ...DAY_PRICES.map((price) => price * 2n)];
    const load = new Int32Array(48).map((_, slot) => 500 + 20 * slot);
    const result = priceResponsiveLoadWh(
      load,
      twoDays,
      { flexibleShare: 0.2, elasticity: -1 },
      {
        startMs: START_MS,
        slotMs: HOUR_MS,
      },
    );
    assert.equal(sum(result.loadWh, 0, 24), sum(load, 0, 24));
    assert.equal(sum(result.loadWh, 24, 48), sum(load, 24, 48));
  });

  it('leaves equal prices, zero elasticity and zero flexible share alone', () => {
    const flat = new Array<bigint>(24).fill(2_000_000n);
    assert.deepEqual(priceResponsiveLoadWh(FLAT_LOAD, flat, { flexibleShare: 0.5, elasticity: -1 }).loadWh, FLAT_LOAD);
    assert.deepEqual(
      priceResponsiveLoadWh(FLAT_LOAD, DAY_PRICES, { flexibleShare: 0.5, elasticity: 0 }).loadWh,
      FLAT_LOAD,
    );
    assert.deepEqual(
      priceResponsiveLoadWh(FLAT_LOAD, DAY_PRICES, { flexibleShare: 0, elasticity: -1 }).loadWh,
      FLAT_LOAD,
    );
  });

  it('rejects bad input naming the field', () => {
    assertThrowsCoded(
      () => priceResponsiveLoadWh(FLAT_LOAD, DAY_PRICES.slice(1), { flexibleShare: 0.1, elasticity: -1 }),
      'INVALID_ARGUMENT',
      'importMicroPerKwh',
    );
    assertThrowsCoded(
      () => priceResponsiveLoadWh(FLAT_LOAD, DAY_PRICES, { flexibleShare: 1.1, elasticity: -1 }),
      'INVALID_ARGUMENT',
      'flexibleShare',
    );
    assertThrowsCoded(
      () => priceResponsiveLoadWh(FLAT_LOAD, DAY_PRICES, { flexibleShare: 0.1, elasticity: -1, incentivePerKwh: -1 }),
      'INVALID_ARGUMENT',
      'incentivePerKwh',
    );
  });

  it('property: daily energy conserved, loads stay ≥ 0, load only leaves dear slots and only reaches cheap ones', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 5_000 }), { minLength: 48, maxLength: 48 }),
        fc.array(fc.bigInt({ min: 0n, max: 10_000_000n }), { minLength: 48, maxLength: 48 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: -3, max: 3, noNaN: true }),
        fc.double({ min: 0, max: 2, noNaN: true }),
        (loads, prices, flexibleShare, elasticity, incentivePerKwh) => {
          const load = Int32Array.from(loads);
          const result = priceResponsiveLoadWh(
            load,
            prices,
            { flexibleShare, elasticity, incentivePerKwh },
            { startMs: START_MS, slotMs: HOUR_MS },
          );
          for (const [from, to] of [
            [0, 24],
            [24, 48],
          ] as const) {
            assert.equal(sum(result.loadWh, from, to), sum(load, from, to));
            const total = prices.slice(from, to).reduce((a, b) => a + b, 0n);
            for (let slot = from; slot < to; slot++) {
              assert.ok(result.loadWh[slot]! >= 0);
              assert.ok(result.loadWh[slot]! >= Math.floor(load[slot]! * (1 - flexibleShare)) - 1);
              const scaled = BigInt(to - from) * prices[slot]!;
              if (result.shiftedWh[slot]! < 0) assert.ok(scaled > total);
              if (result.shiftedWh[slot]! > 0) assert.ok(scaled < total);
            }
          }
        },
      ),
      runs(200),
    );
  });
});
