/** Fixed-price, demand-priority trading of seed 000 §4.2 (reference §4). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  clearFixedPriceHorizon,
  dailyFixedPriceMicroPerKwh,
  fixedPrice,
  inTradingWindow,
} from '../../../src/market/mechanisms/fixedPrice.js';
import { assertThrowsCoded } from '../../helpers/assertions.js';
import { HOUR_MS, order, payments, slot } from '../../helpers/poolCases.js';

const DAY_START_MS = Date.UTC(2026, 4, 11);
const P = 2_100_000n; // 2.10 coin/kWh
// The seed's prices: grid 3.00 in, 1.00 out (any λb, λs work; they only price the grid leftovers).
const seedSlot = (orders: Parameters<typeof slot>[0], hour = 10, minutes = 60) =>
  slot(orders, {
    slotStartMs: DAY_START_MS + hour * HOUR_MS,
    slotDurationMs: minutes * 60_000,
    gridImportPriceMicroPerKwh: 3_000_000n,
    gridExportPriceMicroPerKwh: 1_000_000n,
  });

describe('dailyFixedPriceMicroPerKwh (rule 1)', () => {
  it('0.9 × the day average: 2.3333 gives 2.10', () => {
    assert.equal(dailyFixedPriceMicroPerKwh([2_000_000n, 2_500_000n, 2_500_000n]), P);
    assert.equal(dailyFixedPriceMicroPerKwh([2_333_333n]), P); // 2_099_999.7 rounds once
  });

  it('rejects an empty day', () => {
    assertThrowsCoded(() => dailyFixedPriceMicroPerKwh([]), 'MARKET_INVALID_INPUT', 'gridImportPrices');
  });
});

describe('inTradingWindow (rule 4)', () => {
  it('09:00 ≤ hour < 17:00 UTC by default', () => {
    assert.equal(inTradingWindow(DAY_START_MS + 8 * HOUR_MS + 59 * 60_000), false);
    assert.equal(inTradingWindow(DAY_START_MS + 9 * HOUR_MS), true);
    assert.equal(inTradingWindow(DAY_START_MS + 16 * HOUR_MS + 45 * 60_000), true);
    assert.equal(inTradingWindow(DAY_START_MS + 17 * HOUR_MS), false);
  });

  it('a window may wrap past midnight', () => {
    const night = { startHourUtc: 22, endHourUtc: 2 };
    assert.equal(inTradingWindow(DAY_START_MS + 23 * HOUR_MS, night), true);
    assert.equal(inTradingWindow(DAY_START_MS + HOUR_MS, night), true);
    assert.equal(inTradingWindow(DAY_START_MS + 12 * HOUR_MS, night), false);
  });
});

describe('fixedPrice', () => {
  const example = seedSlot([
    order('P1', 'offer', 3000),
    order('C1', 'bid', 300),
    order('C2', 'bid', 600),
    order('C3', 'bid', 2200),
  ]);

  it('reference §4 example: C3 2.2 → 4.62, C2 0.6 → 1.26, C1 0.2 → 0.42, C1 buys 0.1 kWh from the grid', () => {
    const r = fixedPrice.clear(example, { dayPriceMicroPerKwh: P });
    assert.equal(r.mechanism, 'fixed-price');
    assert.deepEqual(
      r.trades.map((t) => [t.sellerId, t.buyerId, t.energyWh, t.amountMicro]),
      [
        ['P1', 'C3', 2200, 4_620_000n],
        ['P1', 'C2', 600, 1_260_000n],
        ['P1', 'C1', 200, 420_000n],
      ],
    );
    assert.ok(r.trades.every((t) => t.priceMicroPerKwh === P && t.sellerAmountMicro === t.amountMicro));
    assert.deepEqual(payments(r), {
      C1: 420_000n + 300_000n, // 0.1 kWh at 3.00 from the grid
      C2: 1_260_000n,
      C3: 4_620_000n,
      P1: -6_300_000n,
    });
    const c1 = r.settlements.find((s) => s.participant === 'C1')!;
    assert.deepEqual([c1.importWh, c1.peerImportWh], [300, 200]);
    assert.equal(r.gridImportWh, 100);
    assert.equal(r.gridImportCostMicro, 300_000n);
    assert.equal(r.operatorMicro, 0n);
    assert.deepEqual(r.prices, { clearingPriceMicroPerKwh: P });
  });

  it('without a day price uses 0.9 λb of the slot; clearHorizon averages over each UTC day', () => {
    assert.equal(fixedPrice.clear(example).trades[0]!.priceMicroPerKwh, 2_700_000n);
    const morning = { ...example, slotStartMs: DAY_START_MS + 9 * HOUR_MS, gridImportPriceMicroPerKwh: 2_000_000n };
    const late = { ...example, slotStartMs: DAY_START_MS + 11 * HOUR_MS, gridImportPriceMicroPerKwh: 2_500_000n };
    const results = clearFixedPriceHorizon([morning, late, { ...example, gridImportPriceMicroPerKwh: 2_500_000n }]);
    assert.deepEqual(
      results.map((r) => r.prices.clearingPriceMicroPerKwh),
      [P, P, P],
    );
    const nextDay = { ...example, slotStartMs: example.slotStartMs + 24 * HOUR_MS };
    assert.equal(fixedPrice.clearHorizon([morning, nextDay])[1]!.prices.clearingPriceMicroPerKwh, 2_700_000n);
  });

  it('outside 09:00–17:00 everything goes to the grid (rule 4, K8)', () => {
    for (const hour of [8, 17, 23]) {
      const r = fixedPrice.clear(seedSlot(example.orders, hour), { dayPriceMicroPerKwh: P });
      assert.deepEqual(r.trades, []);
      assert.deepEqual(r.prices, {});
      assert.ok(r.settlements.every((s) => s.netPaymentMicro === s.gridOnlyPaymentMicro));
      assert.equal(r.gridExportWh, 3000);
    }
  });

  it('a seller needs 0.5 kW of surplus (rule 3), scaled by the slot length', () => {
    const small = [order('P1', 'offer', 400), order('C1', 'bid', 1000)];
    assert.deepEqual(fixedPrice.clear(seedSlot(small), { dayPriceMicroPerKwh: P }).trades, []);
    // a 30-minute slot needs 250 Wh
    assert.equal(fixedPrice.clear(seedSlot(small, 10, 30), { dayPriceMicroPerKwh: P }).trades.length, 1);
    assert.equal(fixedPrice.clear(seedSlot(small), { dayPriceMicroPerKwh: P, minSurplusWh: 400 }).trades.length, 1);
    // the excluded surplus goes to the grid at λs
    const r = fixedPrice.clear(seedSlot(small), { dayPriceMicroPerKwh: P });
    assert.deepEqual(payments(r), { C1: 3_000_000n, P1: -400_000n });
  });

  it('several sellers: largest surplus first (default) or by id; each serves the largest remaining demand', () => {
    const orders = [
      order('P1', 'offer', 1000),
      order('P2', 'offer', 2000),
      order('C1', 'bid', 1500),
      order('C2', 'bid', 1200),
    ];
    const bySurplus = fixedPrice.clear(seedSlot(orders), { dayPriceMicroPerKwh: P });
    assert.deepEqual(
      bySurplus.trades.map((t) => [t.sellerId, t.buyerId, t.energyWh]),
      [
        ['P2', 'C1', 1500],
        ['P2', 'C2', 500],
        ['P1', 'C2', 700],
      ],
    );
    const byId = fixedPrice.clear(seedSlot(orders), { dayPriceMicroPerKwh: P, sellerOrder: 'id' });
    assert.deepEqual(
      byId.trades.map((t) => [t.sellerId, t.buyerId, t.energyWh]),
      [
        ['P1', 'C1', 1000],
        ['P2', 'C2', 1200],
        ['P2', 'C1', 500],
      ],
    );
    // P2 has 300 Wh left for the grid
    assert.equal(byId.gridExportWh, 300);
  });

  it("nets a prosumer's load and PV orders; trades name its smallest order ids", () => {
    const r = fixedPrice.clear(
      seedSlot([
        { id: 'p1-pv', participant: 'P1', side: 'offer', energyWh: 4000 },
        { id: 'p1-load', participant: 'P1', side: 'bid', energyWh: 1000 },
        order('C1', 'bid', 3000),
      ]),
      { dayPriceMicroPerKwh: P },
    );
    assert.deepEqual(
      r.trades.map((t) => [t.offerId, t.bidId, t.energyWh]),
      [['p1-pv', 'C1', 3000]],
    );
  });

  it('rejects bad parameters with MARKET_INVALID_INPUT', () => {
    assertThrowsCoded(
      () => fixedPrice.clear(example, { tradingWindow: { startHourUtc: 9, endHourUtc: 25 } }),
      'MARKET_INVALID_INPUT',
      'tradingWindow.endHourUtc',
    );
    assertThrowsCoded(() => fixedPrice.clear(example, { minSurplusWh: -1 }), 'MARKET_INVALID_INPUT', 'minSurplusWh');
    assertThrowsCoded(
      () => fixedPrice.clear(example, { dayPriceMicroPerKwh: -1n }),
      'MARKET_INVALID_INPUT',
      'dayPriceMicroPerKwh',
    );
  });
});
