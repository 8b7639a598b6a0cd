/** Grid prices per slot (E2): flat, hourly, time-of-use, CSV, the carbon price and λb ≥ λs. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  averagePriceMicroPerKwh,
  priceToMicroPerKwh,
  type TariffSpec,
  tariffPricesMicro,
} from '../../../src/energy/index.js';
import { assertThrowsCoded } from '../../helpers/assertions.js';

const HOUR_MS = 3_600_000;
const START_MS = Date.UTC(2017, 4, 11);
const micro = (values: readonly number[]) => values.map((value) => BigInt(Math.round(value * 1e6)));

describe('flat', () => {
  const flat: TariffSpec = { kind: 'flat', importPerKwh: 3, exportPerKwh: 1 };

  it('gives the same prices in every slot, in µcoin per kWh', () => {
    const prices = tariffPricesMicro(flat, START_MS, HOUR_MS, 3);
    assert.deepEqual(prices.importMicroPerKwh, [3_000_000n, 3_000_000n, 3_000_000n]);
    assert.deepEqual(prices.exportMicroPerKwh, [1_000_000n, 1_000_000n, 1_000_000n]);
  });

  it('adds the carbon price to import prices only', () => {
    const prices = tariffPricesMicro(flat, START_MS, HOUR_MS, 2, undefined, 0.25);
    assert.deepEqual(prices.importMicroPerKwh, [3_250_000n, 3_250_000n]);
    assert.deepEqual(prices.exportMicroPerKwh, [1_000_000n, 1_000_000n]);
    assertThrowsCoded(
      () => tariffPricesMicro(flat, 0, HOUR_MS, 1, undefined, -1),
      'INVALID_ARGUMENT',
      'carbonPricePerKwh',
    );
  });

  it('rounds currency to µcoin once (Math.round(price × 1e6))', () => {
    const prices = tariffPricesMicro({ kind: 'flat', importPerKwh: 2.3333333, exportPerKwh: 0 }, 0, HOUR_MS, 1);
    assert.deepEqual(prices.importMicroPerKwh, [2_333_333n]);
    assert.equal(priceToMicroPerKwh(0.0000005), 1n);
  });

  it('requires export ≤ import (λb ≥ λs)', () => {
    assertThrowsCoded(
      () => tariffPricesMicro({ kind: 'flat', importPerKwh: 1, exportPerKwh: 1.5 }, 0, HOUR_MS, 1),
      'INVALID_ARGUMENT',
      'exportPerKwh',
    );
    assertThrowsCoded(
      () => tariffPricesMicro({ kind: 'flat', importPerKwh: -1, exportPerKwh: 0 }, 0, HOUR_MS, 1),
      'INVALID_ARGUMENT',
      'importPerKwh',
    );
  });
});

describe('hourly', () => {
  const importPerKwh = Array.from({ length: 24 }, (_, hour) => 1 + hour / 10);

  it('prices each slot by its UTC hour of day, repeating daily', () => {
    const prices = tariffPricesMicro({ kind: 'hourly', importPerKwh, exportPerKwh: 0.5 }, START_MS, HOUR_MS, 48);
    assert.deepEqual(prices.importMicroPerKwh, [...micro(importPerKwh), ...micro(importPerKwh)]);
    assert.ok(prices.exportMicroPerKwh.every((price) => price === 500_000n));
  });

  it('averages the hours a longer slot spans, and repeats an hour for shorter slots', () => {
    const twoHour = tariffPricesMicro(
      { kind: 'hourly', importPerKwh, exportPerKwh: 0.5 },
      START_MS + 10 * HOUR_MS,
      2 * HOUR_MS,
      2,
    );
    assert.deepEqual(twoHour.importMicroPerKwh, [2_050_000n, 2_250_000n]); // (2.0 + 2.1) / 2, (2.2 + 2.3) / 2
    const quarter = tariffPricesMicro(
      { kind: 'hourly', importPerKwh, exportPerKwh: 0.5 },
      START_MS + 23 * HOUR_MS,
      HOUR_MS / 4,
      5,
    );
    assert.deepEqual(quarter.importMicroPerKwh, [3_300_000n, 3_300_000n, 3_300_000n, 3_300_000n, 1_000_000n]);
  });

  it('takes 24 export prices too, and checks them against import', () => {
    const exportPerKwh = importPerKwh.map((price) => price / 2);
    const prices = tariffPricesMicro({ kind: 'hourly', importPerKwh, exportPerKwh }, START_MS, HOUR_MS, 24);
    assert.deepEqual(prices.exportMicroPerKwh, micro(exportPerKwh));
    const bad = [...exportPerKwh];
    bad[5] = 9;
    const error = assertThrowsCoded(
      () => tariffPricesMicro({ kind: 'hourly', importPerKwh, exportPerKwh: bad }, START_MS, HOUR_MS, 24),
      'INVALID_ARGUMENT',
      'exportPerKwh',
    );
    assert.equal(error.details['slot'], 5);
    assertThrowsCoded(
      () => tariffPricesMicro({ kind: 'hourly', importPerKwh: [1, 2], exportPerKwh: 0 }, 0, HOUR_MS, 1),
      'INVALID_ARGUMENT',
      'importPerKwh',
    );
  });
});

describe('time-of-use bands', () => {
  const tou: TariffSpec = {
    kind: 'tou',
    bands: [
      { fromHour: 22, toHour: 7, importPerKwh: 1 }, // night, wrapping midnight
      { fromHour: 7, toHour: 17, importPerKwh: 2 },
      { fromHour: 17, toHour: 22, importPerKwh: 4 },
    ],
    exportPerKwh: 0.8,
  };

  it('prices by band, wrapping midnight, averaging a slot that crosses a band edge', () => {
    const hourly = tariffPricesMicro(tou, START_MS, HOUR_MS, 24).importMicroPerKwh;
    assert.equal(hourly[3], 1_000_000n);
    assert.equal(hourly[12], 2_000_000n);
    assert.equal(hourly[18], 4_000_000n);
    assert.equal(hourly[23], 1_000_000n);
    const straddle = tariffPricesMicro(tou, START_MS + 16.5 * HOUR_MS, HOUR_MS, 1).importMicroPerKwh;
    assert.deepEqual(straddle, [3_000_000n]);
  });

  it('rejects bands that leave a gap or overlap', () => {
    const gap: TariffSpec = { kind: 'tou', bands: [{ fromHour: 0, toHour: 20, importPerKwh: 1 }], exportPerKwh: 0 };
    assertThrowsCoded(() => tariffPricesMicro(gap, 0, HOUR_MS, 1), 'INVALID_ARGUMENT', 'bands');
    const overlap: TariffSpec = {
      kind: 'tou',
      bands: [
        { fromHour: 0, toHour: 13, importPerKwh: 1 },
        { fromHour: 12, toHour: 24, importPerKwh: 2 },
      ],
      exportPerKwh: 0,
    };
    assertThrowsCoded(() => tariffPricesMicro(overlap, 0, HOUR_MS, 1), 'INVALID_ARGUMENT', 'bands');
  });
});

describe('csv', () => {
  const csv = (extra: Partial<Extract<TariffSpec, { kind: 'csv' }>>): TariffSpec => ({
    kind: 'csv',
    file: 'prices.csv',
    column: 'price',
    rowMinutes: 30,
    ...extra,
  });
  // Half-hourly prices in currency/MWh (scale 0.001 → per kWh).
  const column = [2000, 4000, 3000, 3000, 5000, 1000];

  it('averages rows over each slot, with scale and startRow; export by ratio or fixed price', () => {
    const byRatio = tariffPricesMicro(csv({ scale: 0.001, exportRatio: 0.5 }), START_MS, HOUR_MS, 3, column);
    assert.deepEqual(byRatio.importMicroPerKwh, [3_000_000n, 3_000_000n, 3_000_000n]);
    assert.deepEqual(byRatio.exportMicroPerKwh, [1_500_000n, 1_500_000n, 1_500_000n]);
    const shifted = tariffPricesMicro(
      csv({ scale: 0.001, startRow: 1, exportPerKwh: 1 }),
      START_MS,
      HOUR_MS / 2,
      3,
      column,
    );
    assert.deepEqual(shifted.importMicroPerKwh, [4_000_000n, 3_000_000n, 3_000_000n]);
    assert.deepEqual(shifted.exportMicroPerKwh, [1_000_000n, 1_000_000n, 1_000_000n]);
  });

  it('adds the carbon price to import only (ratio applies before it)', () => {
    const prices = tariffPricesMicro(csv({ scale: 0.001, exportRatio: 0.5 }), START_MS, HOUR_MS, 1, column, 0.1);
    assert.deepEqual(prices.importMicroPerKwh, [3_100_000n]);
    assert.deepEqual(prices.exportMicroPerKwh, [1_500_000n]);
  });

  it('names the field: missing column, missing export rule, export ratio above 1, too few rows', () => {
    assertThrowsCoded(() => tariffPricesMicro(csv({ exportRatio: 0.5 }), 0, HOUR_MS, 1), 'INVALID_ARGUMENT', 'column');
    assertThrowsCoded(() => tariffPricesMicro(csv({}), 0, HOUR_MS, 1, column), 'INVALID_ARGUMENT', 'exportPerKwh');
    assertThrowsCoded(
      () => tariffPricesMicro(csv({ exportRatio: 1.2 }), 0, HOUR_MS, 1, column),
      'INVALID_ARGUMENT',
      'exportRatio',
    );
    const error = assertThrowsCoded(
      () => tariffPricesMicro(csv({ exportRatio: 0.5 }), 0, HOUR_MS, 4, column),
      'INVALID_ARGUMENT',
      'rows',
    );
    assert.equal(error.details['needed'], 8);
  });
});

describe('averagePriceMicroPerKwh', () => {
  it('rounds the mean half away from zero', () => {
    assert.equal(averagePriceMicroPerKwh([1n, 2n]), 2n);
    assert.equal(averagePriceMicroPerKwh([1n, 1n, 2n]), 1n);
    assert.equal(averagePriceMicroPerKwh([2_000_000n, 2_500_000n, 2_500_000n]), 2_333_333n);
    assertThrowsCoded(() => averagePriceMicroPerKwh([]), 'INVALID_ARGUMENT', 'prices');
  });
});
