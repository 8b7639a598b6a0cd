/**
 * Continuous double auction: the arrival table of reference §5.4 (case A) with exact micro-coin values,
 * price-time priority, the maker price, the clamp to [λs, λb], arrival by sequence, and gate closure.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isGridPeerError } from '../../../src/errors/index.js';
import { arrivalOrder, readBook } from '../../../src/market/mechanisms/auctionBook.js';
import { clearContinuousAuction, continuousAuction } from '../../../src/market/mechanisms/continuousAuction.js';
import type { ClearingResult, Order } from '../../../src/market/types.js';
import { order, payments, slot } from '../../helpers/poolCases.js';

const bid = (id: string, wh: number, price: bigint, sequence?: number): Order =>
  order(id, 'bid', wh, { limitPriceMicroPerKwh: price, ...(sequence === undefined ? {} : { sequence }) });
const ask = (id: string, wh: number, price: bigint, sequence?: number): Order =>
  order(id, 'offer', wh, { limitPriceMicroPerKwh: price, ...(sequence === undefined ? {} : { sequence }) });

function tradeRows(result: ClearingResult) {
  return result.trades.map((t) => [t.bidId, t.offerId, t.energyWh, t.priceMicroPerKwh, t.amountMicro]);
}

/** Reference §5.4: t1 S2 ask 3@0.15, t2 B2 bid 2@0.22, t3 S1 ask 2@0.12, t4 B1 bid 3@0.28, t5 B3 3@0.14, t6 S3 1@0.25. */
const ARRIVALS: Order[] = [
  ask('S2', 3000, 150_000n, 1),
  bid('B2', 2000, 220_000n, 2),
  ask('S1', 2000, 120_000n, 3),
  bid('B1', 3000, 280_000n, 4),
  bid('B3', 3000, 140_000n, 5),
  ask('S3', 1000, 250_000n, 6),
];

describe('continuous auction: reference §5.4 arrival table', () => {
  const result = clearContinuousAuction(slot(ARRIVALS));

  it('trades B2 2@0.15 with S2, then B1 2@0.12 with S1 and 1@0.15 with S2, at the maker’s price', () => {
    assert.deepEqual(tradeRows(result), [
      ['B2', 'S2', 2000, 150_000n, 300_000n],
      ['B1', 'S1', 2000, 120_000n, 240_000n],
      ['B1', 'S2', 1000, 150_000n, 150_000n],
    ]);
  });

  it('bills B1 0.39 and B2 0.30; B3 buys 3 kWh from the grid (0.90) and S3 sells 1 kWh (0.10) at closure', () => {
    assert.deepEqual(payments(result), {
      B1: 390_000n,
      B2: 300_000n,
      B3: 900_000n,
      S1: -240_000n,
      S2: -450_000n,
      S3: -100_000n,
    });
    assert.equal(result.gridImportWh, 3000);
    assert.equal(result.gridExportWh, 1000);
    assert.equal(result.operatorMicro, 0n);
    // The volume equals the call auction's.
    assert.equal(
      result.trades.reduce((sum, t) => sum + t.energyWh, 0),
      5000,
    );
  });

  it('follows sequence, not the position in the input', () => {
    assert.deepEqual(clearContinuousAuction(slot([...ARRIVALS].reverse())), result);
  });

  it('is the ClearingMechanism continuousAuction', () => {
    assert.equal(continuousAuction.name, 'continuous-auction');
    assert.deepEqual(continuousAuction.clear(slot(ARRIVALS)), result);
  });
});

describe('continuous auction: priority and price', () => {
  it('an incoming ask trades at the resting bid’s price', () => {
    const result = clearContinuousAuction(slot([bid('B1', 2000, 280_000n, 1), ask('S1', 1000, 120_000n, 2)]));
    assert.deepEqual(tradeRows(result), [['B1', 'S1', 1000, 280_000n, 280_000n]]);
    // The rest of B1 stays in the book until closure and then comes from the grid.
    assert.deepEqual(payments(result), { B1: 580_000n, S1: -280_000n });
  });

  it('takes the best price first, then the earliest among equal prices', () => {
    const result = clearContinuousAuction(
      slot([
        ask('S-late-cheap', 1000, 130_000n, 3),
        ask('S-early', 1000, 150_000n, 1),
        ask('S-mid', 1000, 150_000n, 2),
        bid('B1', 2500, 280_000n, 4),
      ]),
    );
    assert.deepEqual(
      result.trades.map((t) => [t.offerId, t.energyWh, t.priceMicroPerKwh]),
      [
        ['S-late-cheap', 1000, 130_000n],
        ['S-early', 1000, 150_000n],
        ['S-mid', 500, 150_000n],
      ],
    );
  });

  it('does not cross an incoming bid below the best ask', () => {
    const result = clearContinuousAuction(slot([ask('S1', 1000, 200_000n, 1), bid('B1', 1000, 199_999n, 2)]));
    assert.deepEqual(result.trades, []);
  });

  it('clamps a maker price to [λs, λb]', () => {
    const high = clearContinuousAuction(slot([bid('B1', 1000, 500_000n, 1), ask('S1', 1000, 120_000n, 2)]));
    assert.equal(high.trades[0]!.priceMicroPerKwh, 300_000n);
    const low = clearContinuousAuction(slot([ask('S1', 1000, 20_000n, 1), bid('B1', 1000, 280_000n, 2)]));
    assert.equal(low.trades[0]!.priceMicroPerKwh, 100_000n);
  });

  it('orders arrivals by sequence, an absent sequence last, then by id', () => {
    const input = slot([bid('b', 1, 1n), bid('a', 1, 1n), bid('z', 1, 1n, 7), bid('y', 1, 1n, 2)], {
      gridExportPriceMicroPerKwh: 0n,
    });
    const book = readBook(input);
    assert.deepEqual(
      [...arrivalOrder(book)].map((i) => input.orders[i]!.id),
      ['y', 'z', 'a', 'b'],
    );
  });

  it('clears empty and one-sided books through the grid', () => {
    assert.deepEqual(clearContinuousAuction(slot([])).settlements, []);
    const asksOnly = clearContinuousAuction(slot([ask('S1', 1000, 120_000n, 1), ask('S2', 500, 90_000n, 2)]));
    assert.deepEqual(asksOnly.trades, []);
    assert.deepEqual(payments(asksOnly), { S1: -100_000n, S2: -50_000n });
  });

  it('rejects invalid input with MARKET_INVALID_INPUT', () => {
    assert.throws(
      () => clearContinuousAuction(slot([bid('B1', 1000, 1n), bid('B1', 1000, 1n)])),
      (error) => isGridPeerError(error, 'MARKET_INVALID_INPUT'),
    );
  });
});
