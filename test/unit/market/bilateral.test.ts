/**
 * Day-ahead bilateral matching with preferences (seed 002 §3, MISSION K5): by demand for surplus and by network
 * distance, each pair at the midpoint of bid and ask clamped to [λs, λb], leftovers to the grid.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isGridPeerError } from '../../../src/errors/index.js';
import {
  bilateral,
  clearBilateral,
  distanceFromTable,
  locationDistance,
  midpointPrice,
} from '../../../src/market/mechanisms/bilateral.js';
import type { ClearingResult, Order } from '../../../src/market/types.js';
import { CASE_A, order, payments, slot } from '../../helpers/poolCases.js';

const bid = (id: string, wh: number, price: bigint, location?: string): Order =>
  order(id, 'bid', wh, { limitPriceMicroPerKwh: price, ...(location === undefined ? {} : { location }) });
const ask = (id: string, wh: number, price: bigint, location?: string): Order =>
  order(id, 'offer', wh, { limitPriceMicroPerKwh: price, ...(location === undefined ? {} : { location }) });

function tradeRows(result: ClearingResult) {
  return result.trades.map((t) => [t.bidId, t.offerId, t.energyWh, t.priceMicroPerKwh, t.amountMicro]);
}

describe('bilateral by demand for surplus', () => {
  it('case A: each seller serves the largest compatible demand first, at the pair’s midpoint', () => {
    // S1 (0.12): B1 and B3 both want 3 kWh, B1 bids higher → B1 2 kWh @ 0.20. S2 (0.15): B3 (3 kWh) bids 0.14 < 0.15
    // and drops out; B2 (2 kWh) 2 @ 0.185; B1 (1 kWh left) 1 @ 0.215. S3 (0.25): no buyer left.
    const result = clearBilateral(CASE_A, { preference: 'demand' });
    assert.deepEqual(tradeRows(result), [
      ['B1', 'S1', 2000, 200_000n, 400_000n],
      ['B2', 'S2', 2000, 185_000n, 370_000n],
      ['B1', 'S2', 1000, 215_000n, 215_000n],
    ]);
    assert.deepEqual(payments(result), {
      B1: 615_000n,
      B2: 370_000n,
      B3: 900_000n,
      S1: -400_000n,
      S2: -585_000n,
      S3: -100_000n,
    });
    assert.equal(result.operatorMicro, 0n);
    assert.deepEqual(clearBilateral(CASE_A), result);
  });

  it('serves the larger demand before the higher bid', () => {
    const result = clearBilateral(
      slot([ask('S1', 2000, 120_000n), bid('B1', 1000, 280_000n), bid('B2', 3000, 220_000n)]),
    );
    assert.deepEqual(tradeRows(result), [['B2', 'S1', 2000, 170_000n, 340_000n]]);
    assert.deepEqual(payments(result), { B1: 300_000n, B2: 340_000n + 300_000n, S1: -340_000n });
  });

  it('re-ranks a buyer by its remaining demand', () => {
    // S1 gives B1 (5 kWh) 3 kWh; B1 now wants 2 < B2's 4, so S2 serves B2 first.
    const result = clearBilateral(
      slot([
        ask('S1', 3000, 100_000n),
        ask('S2', 5000, 110_000n),
        bid('B1', 5000, 200_000n),
        bid('B2', 4000, 200_000n),
      ]),
    );
    assert.deepEqual(
      result.trades.map((t) => [t.bidId, t.offerId, t.energyWh]),
      [
        ['B1', 'S1', 3000],
        ['B2', 'S2', 4000],
        ['B1', 'S2', 1000],
      ],
    );
  });
});

describe('bilateral by network distance', () => {
  it('matches each buyer with the nearest seller, not the cheapest', () => {
    const input = slot([
      bid('B1', 2000, 280_000n, '1'),
      bid('B2', 2000, 260_000n, '5'),
      ask('S1', 2000, 120_000n, '4'),
      ask('S2', 2000, 150_000n, '2'),
    ]);
    const result = clearBilateral(input, { preference: 'distance' });
    assert.deepEqual(tradeRows(result), [
      ['B1', 'S2', 2000, 215_000n, 430_000n],
      ['B2', 'S1', 2000, 190_000n, 380_000n],
    ]);
    assert.deepEqual(payments(result), { B1: 430_000n, B2: 380_000n, S1: -380_000n, S2: -430_000n });
  });

  it('skips a nearer seller that asks more than the bid, and falls back to the grid when none fits', () => {
    const input = slot([
      bid('B1', 3000, 200_000n, '1'),
      ask('S-near', 1000, 250_000n, '1'),
      ask('S-mid', 1000, 150_000n, '3'),
      ask('S-far', 1000, 120_000n, '9'),
    ]);
    const result = clearBilateral(input, { preference: 'distance' });
    assert.deepEqual(
      result.trades.map((t) => [t.offerId, t.energyWh, t.priceMicroPerKwh]),
      [
        ['S-mid', 1000, 175_000n],
        ['S-far', 1000, 160_000n],
      ],
    );
    assert.equal(result.gridImportWh, 1000);
    assert.equal(result.gridExportWh, 1000);
  });

  it('reads distances from a table', () => {
    const input = slot([
      bid('B1', 1000, 280_000n, 'home'),
      ask('S1', 1000, 120_000n, 'a'),
      ask('S2', 1000, 150_000n, 'b'),
    ]);
    const distance = { home: { a: 5, b: 1 } };
    const result = clearBilateral(input, { preference: 'distance', distance });
    assert.deepEqual(
      result.trades.map((t) => t.offerId),
      ['S2'],
    );
  });

  it('with no locations, buys in merit order (every distance is 0)', () => {
    const result = clearBilateral(CASE_A, { preference: 'distance' });
    assert.deepEqual(
      result.trades.map((t) => [t.bidId, t.offerId, t.energyWh, t.priceMicroPerKwh]),
      [
        ['B1', 'S1', 2000, 200_000n],
        ['B1', 'S2', 1000, 215_000n],
        ['B2', 'S2', 2000, 185_000n],
      ],
    );
  });
});

describe('bilateral: prices and distances', () => {
  it('prices a pair at the midpoint clamped to [λs, λb]', () => {
    assert.equal(midpointPrice(280_000n, 150_000n, 100_000n, 300_000n), 215_000n);
    assert.equal(midpointPrice(220_001n, 150_000n, 100_000n, 300_000n), 185_001n);
    assert.equal(midpointPrice(900_000n, 120_000n, 100_000n, 300_000n), 300_000n);
    assert.equal(midpointPrice(150_000n, 10_000n, 100_000n, 300_000n), 100_000n);
    const clamped = clearBilateral(slot([bid('B1', 1000, 900_000n), ask('S1', 1000, 120_000n)]));
    assert.equal(clamped.trades[0]!.priceMicroPerKwh, 300_000n);
  });

  it('locationDistance: 0 for equal locations, |a − b| for numbers, +∞ otherwise', () => {
    assert.equal(locationDistance('3', '7'), 4);
    assert.equal(locationDistance('feeder-1', 'feeder-1'), 0);
    assert.equal(locationDistance(undefined, undefined), 0);
    assert.equal(locationDistance('feeder-1', 'feeder-2'), Number.POSITIVE_INFINITY);
    assert.equal(locationDistance('3', undefined), Number.POSITIVE_INFINITY);
    assert.equal(locationDistance('', '0'), Number.POSITIVE_INFINITY);
  });

  it('distanceFromTable reads either direction and ignores inherited keys', () => {
    const d = distanceFromTable({ a: { b: 2 } });
    assert.equal(d('a', 'b'), 2);
    assert.equal(d('b', 'a'), 2);
    assert.equal(d('a', 'a'), 0);
    assert.equal(d('a', 'c'), Number.POSITIVE_INFINITY);
    assert.equal(d('constructor', 'a'), Number.POSITIVE_INFINITY);
  });

  it('rejects an unknown preference, a bad distance parameter and a negative or NaN distance', () => {
    const input = slot([bid('B1', 1000, 280_000n, 'x'), ask('S1', 1000, 120_000n, 'y')]);
    for (const params of [
      { preference: 'price' },
      { preference: 'distance', distance: 3 },
      { preference: 'distance', distance: () => -1 },
      { preference: 'distance', distance: () => Number.NaN },
    ]) {
      assert.throws(
        () => clearBilateral(input, params as never),
        (error) => isGridPeerError(error, 'MARKET_INVALID_INPUT'),
      );
    }
  });

  it('is the ClearingMechanism bilateral', () => {
    assert.equal(bilateral.name, 'bilateral');
    assert.deepEqual(bilateral.clear(CASE_A), clearBilateral(CASE_A));
  });
});
