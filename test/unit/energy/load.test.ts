/** Load shapes, resampling of CSV rows to slots, explicit values. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  DEFAULT_HOURLY_LOAD_WEIGHTS,
  type LoadShapeSpec,
  loadShapeProfileWh,
  resampleRowsToSlotsWh,
  valuesProfileWh,
} from '../../../src/energy/index.js';
import { GridPeerError } from '../../../src/errors/index.js';
import { seededRandom } from '../../../src/units/random.js';
import { runs } from '../../helpers/arbitraries.js';
import { assertThrowsCoded } from '../../helpers/assertions.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const START_MS = Date.UTC(2017, 4, 11);
const sum = (values: ArrayLike<number>, from = 0, to = values.length) => {
  let total = 0;
  for (let i = from; i < to; i++) total += values[i]!;
  return total;
};

describe('DEFAULT_HOURLY_LOAD_WEIGHTS', () => {
  it('has 24 values: low at night, a morning bump, the evening peak', () => {
    const w = DEFAULT_HOURLY_LOAD_WEIGHTS;
    assert.equal(w.length, 24);
    const peak = w.indexOf(Math.max(...w));
    assert.ok(peak >= 17 && peak <= 21, `peak at ${peak}`);
    assert.ok(w[3]! < w[8]! && w[8]! > w[11]!, 'morning bump');
    assert.ok(Math.max(...w.slice(0, 5)) < Math.min(...w.slice(17, 21)));
  });
});

describe('loadShapeProfileWh', () => {
  const spec: LoadShapeSpec = { kind: 'load-shape', dailyKwh: 12.3, variability: 0.3 };

  it('sums to dailyKwh each day (within 1 Wh), with noise, for 15-minute and hourly slots', () => {
    for (const slotMs of [HOUR_MS / 4, HOUR_MS, 2 * HOUR_MS]) {
      const perDay = DAY_MS / slotMs;
      const wh = loadShapeProfileWh(spec, START_MS, slotMs, 3 * perDay, seededRandom(1));
      for (let day = 0; day < 3; day++) {
        const dayWh = sum(wh, day * perDay, (day + 1) * perDay);
        assert.ok(Math.abs(dayWh - 12_300) <= 1, `slot ${slotMs} ms, day ${day}: ${dayWh} Wh`);
      }
      assert.ok(wh.every((value) => value >= 0));
    }
  });

  it('follows the weights without noise, and the noise reshapes the day', () => {
    const plain = loadShapeProfileWh({ kind: 'load-shape', dailyKwh: 24 }, START_MS, HOUR_MS, 24, seededRandom(1));
    const total = sum(DEFAULT_HOURLY_LOAD_WEIGHTS);
    for (let hour = 0; hour < 24; hour++) {
      assert.ok(Math.abs(plain[hour]! - (24_000 * DEFAULT_HOURLY_LOAD_WEIGHTS[hour]!) / total) <= 1, `hour ${hour}`);
    }
    const noisy = loadShapeProfileWh(spec, START_MS, HOUR_MS, 24, seededRandom(1));
    assert.deepEqual(noisy, loadShapeProfileWh(spec, START_MS, HOUR_MS, 24, seededRandom(1)));
    assert.notDeepEqual(noisy, loadShapeProfileWh(spec, START_MS, HOUR_MS, 24, seededRandom(2)));
  });

  it('uses UTC hour of day and covers partial days by their share', () => {
    const night = [1, ...new Array<number>(23).fill(0)];
    const wh = loadShapeProfileWh(
      { kind: 'load-shape', dailyKwh: 5, hourlyWeights: night },
      START_MS + 12 * HOUR_MS,
      HOUR_MS,
      24,
      seededRandom(1),
    );
    // Hours 12–23 of day 1 get nothing; 00:00–01:00 of day 2 (slot 12) gets the whole 5 kWh.
    assert.equal(wh[12], 5_000);
    assert.equal(sum(wh), 5_000);
  });

  it('rejects bad weights', () => {
    assertThrowsCoded(
      () =>
        loadShapeProfileWh({ kind: 'load-shape', dailyKwh: 5, hourlyWeights: [1, 2] }, 0, HOUR_MS, 1, seededRandom(1)),
      'INVALID_ARGUMENT',
      'hourlyWeights',
    );
    assertThrowsCoded(
      () => loadShapeProfileWh({ kind: 'load-shape', dailyKwh: -1 }, 0, HOUR_MS, 1, seededRandom(1)),
      'INVALID_ARGUMENT',
      'dailyKwh',
    );
  });
});

describe('resampleRowsToSlotsWh', () => {
  const hourlyKwh = [1, 2, 3, 4];

  it('splits hourly kWh into 15-minute slots and sums them into 2-hour slots, conserving energy', () => {
    const quarter = resampleRowsToSlotsWh(hourlyKwh, { unit: 'kWh', rowMinutes: 60 }, 15, 16);
    assert.deepEqual(
      Array.from(quarter),
      [250, 250, 250, 250, 500, 500, 500, 500, 750, 750, 750, 750, 1000, 1000, 1000, 1000],
    );
    const twoHour = resampleRowsToSlotsWh(hourlyKwh, { unit: 'kWh', rowMinutes: 60 }, 120, 2);
    assert.deepEqual(Array.from(twoHour), [3_000, 7_000]);
    assert.equal(sum(quarter), 10_000);
  });

  it('shares rows that straddle slots by overlap (45-minute slots over hourly rows)', () => {
    // Rows 1, 2, 3 kWh per hour; slots [0,45) [45,90) [90,135) [135,180): 750 | 250 + 1000 | 1000 + 750 | 2250.
    const wh = resampleRowsToSlotsWh([1, 2, 3], { unit: 'kWh', rowMinutes: 60 }, 45, 4);
    assert.deepEqual(Array.from(wh), [750, 1_250, 1_750, 2_250]);
  });

  it('averages kW rows over the slot × hours, with startRow and scale', () => {
    // Rows in W per kW installed × 2 kW / 1000 → kW: [2, 4] kW over hours → 1 kWh per half hour, then 2 kWh.
    const wh = resampleRowsToSlotsWh(
      [999, 1000, 2000],
      { unit: 'kW', rowMinutes: 60, startRow: 1, scale: 0.002 },
      30,
      4,
    );
    assert.deepEqual(Array.from(wh), [1_000, 1_000, 2_000, 2_000]);
    // A 2-hour slot over 30-minute kW rows: mean power × 2 h.
    const coarse = resampleRowsToSlotsWh([1, 2, 3, 4], { unit: 'kW', rowMinutes: 30 }, 120, 1);
    assert.deepEqual(Array.from(coarse), [5_000]);
  });

  it('throws naming rows, with how many are needed, when the column runs out', () => {
    const error = assertThrowsCoded(
      () => resampleRowsToSlotsWh(hourlyKwh, { unit: 'kWh', rowMinutes: 60, startRow: 2 }, 60, 3),
      'INVALID_ARGUMENT',
      'rows',
    );
    assert.ok(error instanceof GridPeerError);
    assert.equal(error.details['needed'], 3);
    assert.equal(error.details['available'], 2);
    assertThrowsCoded(
      () => resampleRowsToSlotsWh([1, Number.NaN], { unit: 'kWh', rowMinutes: 60 }, 60, 2),
      'INVALID_ARGUMENT',
      'values',
    );
  });

  it('conserves energy for any row and slot lengths that tile the same span', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(5, 10, 15, 30, 60, 120),
        fc.constantFrom(5, 15, 30, 60, 120, 240),
        fc.array(fc.double({ min: 0, max: 50, noNaN: true }), { minLength: 48, maxLength: 48 }),
        (rowMinutes, slotMinutes, values) => {
          const spanMinutes = 48 * rowMinutes;
          if (spanMinutes % slotMinutes !== 0) return;
          const wh = resampleRowsToSlotsWh(values, { unit: 'kWh', rowMinutes }, slotMinutes, spanMinutes / slotMinutes);
          const exactWh = values.reduce((a, b) => a + b, 0) * 1000;
          assert.ok(Math.abs(sum(wh) - exactWh) <= 0.5 + 1e-6, `${sum(wh)} vs ${exactWh}`);
        },
      ),
      runs(200),
    );
  });
});

describe('valuesProfileWh', () => {
  it('turns kWh per slot into Wh, one value per slot', () => {
    assert.deepEqual(Array.from(valuesProfileWh([1.5, 0.25, 2, 9], 3)), [1_500, 250, 2_000]);
    assertThrowsCoded(() => valuesProfileWh([1], 2), 'INVALID_ARGUMENT', 'kwhPerSlot');
  });
});
