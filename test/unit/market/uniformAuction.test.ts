/**
 * Uniform-price k-double auction: the worked example of reference §5.1 (case A) with exact micro-coin values, the
 * interval's edge cases (partial fills, missing neighbours), the clamp to [λs, λb], the book's admission rule,
 * tie-breaking and the input checks.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isGridPeerError } from '../../../src/errors/index.js';
import { readBook, sortMeritOrder, sweepMeritOrder } from '../../../src/market/mechanisms/auctionBook.js';
import { clearUniformAuction, uniformAuction, uniformPrice } from '../../../src/market/mechanisms/uniformAuction.js';
import type { ClearingResult, SlotInput } from '../../../src/market/types.js';
import { CASE_A, order, payments, slot } from '../../helpers/poolCases.js';

function tradeRows(result: ClearingResult) {
  return result.trades.map((t) => [t.bidId, t.offerId, t.energyWh, t.priceMicroPerKwh, t.amountMicro]);
}

function interval(input: SlotInput, k = 0.5) {
  const book = readBook(input);
  sortMeritOrder(book);
  return uniformPrice(book, sweepMeritOrder(book.bids, book.asks, book.price, book.energyWh), k);
}

const bid = (id: string, wh: number, price: bigint, extra = {}) =>
  order(id, 'bid', wh, { limitPriceMicroPerKwh: price, ...extra });
const ask = (id: string, wh: number, price: bigint, extra = {}) =>
  order(id, 'offer', wh, { limitPriceMicroPerKwh: price, ...extra });

describe('uniform auction: reference §5.1 case A', () => {
  const result = clearUniformAuction(CASE_A);

  it('matches B1 with 2 from S1 and 1 from S2, B2 with 2 from S2: Q* = 5 kWh', () => {
    assert.deepEqual(tradeRows(result), [
      ['B1', 'S1', 2000, 185_000n, 370_000n],
      ['B1', 'S2', 1000, 185_000n, 185_000n],
      ['B2', 'S2', 2000, 185_000n, 370_000n],
    ]);
    assert.equal(
      result.trades.reduce((sum, t) => sum + t.energyWh, 0),
      5000,
    );
  });

  it('finds the interval [0.15, 0.22] and p* = 0.185 with k = 0.5', () => {
    assert.deepEqual(interval(CASE_A), {
      lowMicroPerKwh: 150_000n,
      highMicroPerKwh: 220_000n,
      partiallyFilled: null,
      priceMicroPerKwh: 185_000n,
    });
    assert.equal(result.prices.clearingPriceMicroPerKwh, 185_000n);
  });

  it('bills B1 0.555, B2 0.37, pays S1 0.37, S2 0.555; B3 buys 3 kWh from the grid (0.90), S3 sells 1 (0.10)', () => {
    assert.deepEqual(payments(result), {
      B1: 555_000n,
      B2: 370_000n,
      B3: 900_000n,
      S1: -370_000n,
      S2: -555_000n,
      S3: -100_000n,
    });
    assert.equal(result.gridImportWh, 3000);
    assert.equal(result.gridExportWh, 1000);
    assert.equal(result.gridImportCostMicro, 900_000n);
    assert.equal(result.gridExportRevenueMicro, 100_000n);
    assert.equal(result.operatorMicro, 0n);
    assert.equal(result.mechanism, 'uniform-auction');
  });

  it('reaches the gains from trade of 0.59 (reference §7.1 W*)', () => {
    const limit = Object.fromEntries(CASE_A.orders.map((o) => [o.id, o.limitPriceMicroPerKwh!]));
    const gains = result.trades.reduce(
      (sum, t) => sum + (BigInt(t.energyWh) * (limit[t.bidId]! - limit[t.offerId]!)) / 1000n,
      0n,
    );
    assert.equal(gains, 590_000n);
  });

  it('moves p* across the interval with k: 0 → p_lo, 1 → p_hi', () => {
    assert.equal(clearUniformAuction(CASE_A, { k: 0 }).prices.clearingPriceMicroPerKwh, 150_000n);
    assert.equal(clearUniformAuction(CASE_A, { k: 1 }).prices.clearingPriceMicroPerKwh, 220_000n);
    assert.equal(clearUniformAuction(CASE_A, { k: 0.25 }).prices.clearingPriceMicroPerKwh, 167_500n);
  });

  it('is the ClearingMechanism uniformAuction', () => {
    assert.equal(uniformAuction.name, 'uniform-auction');
    assert.deepEqual(uniformAuction.clear(CASE_A), result);
  });
});

describe('uniform auction: interval edge cases', () => {
  it('collapses the interval to a partially filled bid’s price', () => {
    const input = slot([bid('B1', 3000, 280_000n), ask('S1', 2000, 120_000n)]);
    assert.deepEqual(interval(input), {
      lowMicroPerKwh: 280_000n,
      highMicroPerKwh: 280_000n,
      partiallyFilled: 'bid',
      priceMicroPerKwh: 280_000n,
    });
    const result = clearUniformAuction(input);
    assert.deepEqual(tradeRows(result), [['B1', 'S1', 2000, 280_000n, 560_000n]]);
    // The unfilled 1 kWh of B1 comes from the grid.
    assert.deepEqual(payments(result), { B1: 560_000n + 300_000n, S1: -560_000n });
    assert.equal(result.gridImportWh, 1000);
  });

  it('collapses the interval to a partially filled ask’s price', () => {
    const input = slot([bid('B1', 2000, 220_000n), bid('B2', 1000, 110_000n), ask('S1', 5000, 120_000n)]);
    const p = interval(input);
    assert.equal(p?.partiallyFilled, 'offer');
    assert.equal(p?.priceMicroPerKwh, 120_000n);
    const result = clearUniformAuction(input);
    assert.deepEqual(payments(result), { B1: 240_000n, B2: 300_000n, S1: -240_000n - 300_000n });
  });

  it('takes p_lo from the first rejected bid when it is above s_K', () => {
    // B1 and S1 trade 1 kWh; B2 (0.20) does not cross S2 (0.26): [max(0.12, 0.20), min(0.28, 0.26)] = [0.20, 0.26].
    const input = slot([
      bid('B1', 1000, 280_000n),
      bid('B2', 1000, 200_000n),
      ask('S1', 1000, 120_000n),
      ask('S2', 1000, 260_000n),
    ]);
    const p = interval(input)!;
    assert.deepEqual([p.lowMicroPerKwh, p.highMicroPerKwh, p.priceMicroPerKwh], [200_000n, 260_000n, 230_000n]);
  });

  it('counts a missing b_{K+1} as −∞ and a missing s_{K+1} as +∞', () => {
    const input = slot([bid('B1', 1000, 280_000n), ask('S1', 1000, 120_000n)]);
    const p = interval(input)!;
    assert.deepEqual([p.lowMicroPerKwh, p.highMicroPerKwh, p.priceMicroPerKwh], [120_000n, 280_000n, 200_000n]);
  });

  it('rounds p* half away from zero to whole micro-coins per kWh', () => {
    const input = slot([bid('B1', 1000, 220_001n), ask('S1', 1000, 150_000n)]);
    assert.equal(clearUniformAuction(input).prices.clearingPriceMicroPerKwh, 185_001n);
  });
});

describe('uniform auction: clamp to [λs, λb] and the grid', () => {
  it('clamps p* down to λb when the interval reaches above it (§5.1 step 6)', () => {
    // [0.12, 0.50] → 0.31 → 0.30.
    const result = clearUniformAuction(slot([bid('B1', 1000, 500_000n), ask('S1', 1000, 120_000n)]));
    assert.equal(result.prices.clearingPriceMicroPerKwh, 300_000n);
    assert.deepEqual(payments(result), { B1: 300_000n, S1: -300_000n });
  });

  it('clamps p* up to λs when the interval reaches below it', () => {
    // [0.02, 0.12] → 0.07 → 0.10.
    const result = clearUniformAuction(slot([bid('B1', 1000, 120_000n), ask('S1', 1000, 20_000n)]));
    assert.equal(result.prices.clearingPriceMicroPerKwh, 100_000n);
    assert.deepEqual(payments(result), { B1: 100_000n, S1: -100_000n });
  });

  it('keeps bids below λs and asks above λb out of the book: they settle with the grid', () => {
    const result = clearUniformAuction(slot([bid('B1', 1000, 50_000n), ask('S1', 1000, 20_000n)]));
    assert.deepEqual(result.trades, []);
    assert.deepEqual(payments(result), { B1: 300_000n, S1: -100_000n });
    const high = clearUniformAuction(slot([bid('B1', 1000, 500_000n), ask('S1', 1000, 350_000n)]));
    assert.deepEqual(high.trades, []);
    assert.equal(high.prices.clearingPriceMicroPerKwh, undefined);
  });

  it('lets orders without a limit price bid λb and ask λs', () => {
    const result = clearUniformAuction(slot([order('B1', 'bid', 1000), order('S1', 'offer', 1000)]));
    assert.equal(result.prices.clearingPriceMicroPerKwh, 200_000n);
    assert.deepEqual(payments(result), { B1: 200_000n, S1: -200_000n });
  });

  it('clears an empty book and one-sided books through the grid alone', () => {
    const empty = clearUniformAuction(slot([]));
    assert.deepEqual([empty.trades, empty.settlements, empty.operatorMicro], [[], [], 0n]);
    const bidsOnly = clearUniformAuction(slot([bid('B1', 1500, 280_000n), bid('B2', 500, 220_000n)]));
    assert.deepEqual(payments(bidsOnly), { B1: 450_000n, B2: 150_000n });
    const asksOnly = clearUniformAuction(slot([ask('S1', 1500, 120_000n)]));
    assert.deepEqual(payments(asksOnly), { S1: -150_000n });
    for (const r of [bidsOnly, asksOnly]) {
      assert.deepEqual(r.trades, []);
      for (const s of r.settlements) assert.equal(s.netPaymentMicro, s.gridOnlyPaymentMicro);
    }
  });

  it('keeps zero-energy orders out of the book but lists their participant', () => {
    const result = clearUniformAuction(
      slot([bid('B0', 0, 500_000n), bid('B1', 1000, 280_000n), ask('S1', 1000, 120_000n)]),
    );
    assert.equal(result.prices.clearingPriceMicroPerKwh, 200_000n);
    assert.equal(payments(result)['B0'], 0n);
  });
});

describe('uniform auction: time priority', () => {
  it('breaks price ties by sequence, an absent sequence last, then by id', () => {
    const input = slot([
      ask('S-a', 1000, 150_000n),
      ask('S-b', 1000, 150_000n, { sequence: 9 }),
      ask('S-c', 1000, 150_000n, { sequence: 3 }),
      ask('S-0', 1000, 150_000n),
      bid('B1', 2500, 280_000n),
    ]);
    const result = clearUniformAuction(input);
    assert.deepEqual(
      result.trades.map((t) => [t.offerId, t.energyWh]),
      [
        ['S-c', 1000],
        ['S-b', 1000],
        ['S-0', 500],
      ],
    );
  });
});

describe('uniform auction: large books and large money', () => {
  it('sorts a book whose prices fit a counting sort like the merit order says (price, sequence, id)', () => {
    // 400 orders over 11 adjacent prices: the key range (11) is small, so the book is sorted by counting
    // (auctionBook.ts `countingSort`); ties by sequence and id are common.
    const orders = Array.from({ length: 400 }, (_, i) => {
      const price = 150_000n + BigInt((i * 7) % 11);
      const sequence = (i * 13) % 50;
      return i % 2 === 0
        ? bid(`b${String(i).padStart(3, '0')}`, 100 + (i % 5) * 100, price + 20_000n, { sequence })
        : ask(`a${String(i).padStart(3, '0')}`, 100 + (i % 7) * 100, price - 20_000n, { sequence });
    });
    const book = readBook(slot(orders));
    sortMeritOrder(book);
    const key = (i: number) => [book.price[i]!, book.sequence[i]!, orders[i]!.id] as const;
    const byMerit = (descending: boolean) => (x: number, y: number) => {
      const [px, sx, ix] = key(x);
      const [py, sy, iy] = key(y);
      if (px !== py) return descending ? py - px : px - py;
      if (sx !== sy) return sx - sy;
      return ix < iy ? -1 : 1;
    };
    assert.deepEqual([...book.bids], [...book.bids].sort(byMerit(true)));
    assert.deepEqual([...book.asks], [...book.asks].sort(byMerit(false)));
    assert.equal(book.bids.length + book.asks.length, 400);
  });

  it('keeps money exact beyond 2^53 micro-coins (the bigint path) and the budget identity with it', () => {
    const price = 2n ** 52n;
    const input = slot([bid('B', 5000, price), ask('S', 3000, price)], {
      gridImportPriceMicroPerKwh: price,
      gridExportPriceMicroPerKwh: 0n,
    });
    const result = clearUniformAuction(input);
    assert.deepEqual(tradeRows(result), [['B', 'S', 3000, price, 3n * price]]);
    const [buyer, seller] = result.settlements;
    // B pays 3 kWh to S and 2 kWh to the grid, each at 2^52 µcoin/kWh: 5·2^52 in all, above 2^53.
    assert.equal(buyer!.netPaymentMicro, 5n * price);
    assert.equal(buyer!.gridOnlyPaymentMicro, 5n * price);
    assert.equal(seller!.netPaymentMicro, -3n * price);
    assert.equal(result.gridImportCostMicro, 2n * price);
    assert.equal(result.operatorMicro, 0n);
  });
});

describe('uniform auction: input checks', () => {
  const cases: Array<[string, SlotInput, object?]> = [
    ['a repeated id', slot([bid('B1', 1000, 1n), { ...bid('B1', 1000, 1n), participant: 'X' }])],
    ['a negative energy', slot([bid('B1', -1, 1n)])],
    ['a fractional energy', slot([bid('B1', 1.5, 1n)])],
    ['an unknown side', slot([{ ...bid('B1', 1000, 1n), side: 'sell' as never }])],
    ['a number as limit price', slot([{ ...bid('B1', 1000, 1n), limitPriceMicroPerKwh: 5 as never }])],
    ['a limit price past 2^53', slot([bid('B1', 1000, 2n ** 53n)])],
    ['a NaN sequence', slot([bid('B1', 1000, 1n, { sequence: Number.NaN })])],
    ['λs above λb', slot([], { gridExportPriceMicroPerKwh: 400_000n })],
    ['a negative λs', slot([], { gridExportPriceMicroPerKwh: -1n })],
    ['k above 1', CASE_A, { k: 1.5 }],
    ['k not a number', CASE_A, { k: '0.5' }],
  ];
  for (const [what, input, params] of cases) {
    it(`rejects ${what} with MARKET_INVALID_INPUT`, () => {
      assert.throws(
        () => clearUniformAuction(input, params as never),
        (error) => isGridPeerError(error, 'MARKET_INVALID_INPUT'),
      );
    });
  }
});
