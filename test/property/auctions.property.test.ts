/**
 * Invariants of the double auctions and bilateral matching (reference §5, seed 002 §3) over random slots: energy
 * is conserved; the budget identity holds with the operator keeping nothing (each amount is rounded once and the
 * grid columns add up the participants' grid bills) or, for pay-as-bid (c) and McAfee, exactly the spread it
 * takes (≥ 0); no trade breaks either
 * party's limit price or leaves [λs, λb]; the uniform auction trades the volume that maximises gains from trade
 * (checked against a brute-force walk along the unit-by-unit demand and supply curves); empty and one-sided books
 * settle with the grid alone; results are deterministic and do not depend on the order of the input.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { arrivalOrder, readBook, sortMeritOrder, sweepMeritOrder } from '../../src/market/mechanisms/auctionBook.js';
import { clearBilateral } from '../../src/market/mechanisms/bilateral.js';
import { clearContinuousAuction } from '../../src/market/mechanisms/continuousAuction.js';
import { clearMcAfee } from '../../src/market/mechanisms/mcafee.js';
import { clearPayAsBid } from '../../src/market/mechanisms/payAsBid.js';
import { clearUniformAuction, uniformPrice } from '../../src/market/mechanisms/uniformAuction.js';
import { costMicro } from '../../src/market/money.js';
import type { ClearingResult, Order, SlotInput } from '../../src/market/types.js';
import { runs } from '../helpers/arbitraries.js';

interface Mechanism {
  readonly label: string;
  readonly clear: (input: SlotInput) => ClearingResult;
  /** The operator keeps a spread (pay-as-bid (c), McAfee's trade reduction); otherwise only rounding. */
  readonly keepsSpread: boolean;
}

const MECHANISMS: readonly Mechanism[] = [
  { label: 'uniform k=0.5', clear: (s) => clearUniformAuction(s), keepsSpread: false },
  { label: 'uniform k=0.3', clear: (s) => clearUniformAuction(s, { k: 0.3 }), keepsSpread: false },
  { label: 'pay-as-bid (a)', clear: (s) => clearPayAsBid(s), keepsSpread: false },
  { label: 'pay-as-bid (b)', clear: (s) => clearPayAsBid(s, { variant: 'bid' }), keepsSpread: false },
  { label: 'pay-as-bid (c)', clear: (s) => clearPayAsBid(s, { variant: 'bidAsk' }), keepsSpread: true },
  { label: 'mcafee 100 Wh', clear: (s) => clearMcAfee(s), keepsSpread: true },
  { label: 'mcafee 1 kWh', clear: (s) => clearMcAfee(s, { unitWh: 1000 }), keepsSpread: true },
  { label: 'continuous', clear: (s) => clearContinuousAuction(s), keepsSpread: false },
  { label: 'bilateral demand', clear: (s) => clearBilateral(s, { preference: 'demand' }), keepsSpread: false },
  { label: 'bilateral distance', clear: (s) => clearBilateral(s, { preference: 'distance' }), keepsSpread: false },
];

const orderFields = fc.record({
  side: fc.constantFrom<Order['side']>('bid', 'offer'),
  // Whole 100-Wh units half of the time, so McAfee's units and ties in quantity are common.
  energyWh: fc.oneof(
    fc.integer({ min: 0, max: 5000 }),
    fc.integer({ min: 0, max: 30 }).map((u) => u * 100),
  ),
  // Few distinct prices, so price ties (and time priority) are common; some outside [λs, λb].
  // Now and then a limit so large that packed sort keys would pass 2^53 (the comparison-sort fallback).
  limit: fc.option(
    fc.oneof(
      { weight: 8, arbitrary: fc.bigInt({ min: 0n, max: 450_000n }) },
      { weight: 4, arbitrary: fc.constantFrom(100_000n, 150_000n, 200_000n, 300_000n) },
      { weight: 1, arbitrary: fc.constant(2n ** 52n) },
    ),
    { nil: undefined },
  ),
  // Mostly small integers (ties); now and then fractional or huge (the comparison-sort fallback).
  sequence: fc.option(
    fc.oneof(
      { weight: 8, arbitrary: fc.integer({ min: 0, max: 6 }) },
      { weight: 1, arbitrary: fc.constantFrom(2.5, 1e15) },
    ),
    { nil: undefined },
  ),
  participant: fc.integer({ min: 0, max: 6 }),
  location: fc.option(fc.constantFrom('1', '2', '5', 'x'), { nil: undefined }),
});

type OrderFields = typeof orderFields extends fc.Arbitrary<infer T> ? T : never;

function buildSlot(lambdaS: bigint, spread: bigint, fields: readonly OrderFields[]): SlotInput {
  const orders = fields.map((f, i) => {
    const o: { -readonly [K in keyof Order]: Order[K] } = {
      id: `o${i}`,
      participant: `p${f.participant}`,
      side: f.side,
      energyWh: f.energyWh,
    };
    if (f.limit !== undefined) o.limitPriceMicroPerKwh = f.limit;
    if (f.sequence !== undefined) o.sequence = f.sequence;
    if (f.location !== undefined) o.location = f.location;
    return o as Order;
  });
  return {
    slotStartMs: 0,
    slotDurationMs: 3_600_000,
    orders,
    gridExportPriceMicroPerKwh: lambdaS,
    gridImportPriceMicroPerKwh: lambdaS + spread,
  };
}

const slotArb = fc
  .tuple(
    fc.bigInt({ min: 0n, max: 200_000n }),
    fc.oneof(fc.bigInt({ min: 0n, max: 250_000n }), fc.constant(0n)),
    fc.array(orderFields, { maxLength: 16 }),
  )
  .map(([lambdaS, spread, fields]) => buildSlot(lambdaS, spread, fields));

/** The limit an order trades under: its own, or its side's grid price. */
function limitOf(input: SlotInput, order: Order): bigint {
  return (
    order.limitPriceMicroPerKwh ??
    (order.side === 'bid' ? input.gridImportPriceMicroPerKwh : input.gridExportPriceMicroPerKwh)
  );
}

function ordersById(input: SlotInput): Map<string, Order> {
  return new Map(input.orders.map((o) => [o.id, o]));
}

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);
const sumBig = (values: readonly bigint[]) => values.reduce((a, b) => a + b, 0n);

describe('auctions: properties', () => {
  it('conserve energy: every order’s energy is traded or goes to the grid, never more', () => {
    fc.assert(
      fc.property(slotArb, (input) => {
        const bidWh = sum(input.orders.filter((o) => o.side === 'bid').map((o) => o.energyWh));
        const offerWh = sum(input.orders.filter((o) => o.side === 'offer').map((o) => o.energyWh));
        for (const m of MECHANISMS) {
          const r = m.clear(input);
          const tradedWh = sum(r.trades.map((t) => t.energyWh));
          assert.equal(sum(r.settlements.map((s) => s.importWh)), bidWh, m.label);
          assert.equal(sum(r.settlements.map((s) => s.exportWh)), offerWh, m.label);
          assert.equal(sum(r.settlements.map((s) => s.peerImportWh)), tradedWh, m.label);
          assert.equal(sum(r.settlements.map((s) => s.peerExportWh)), tradedWh, m.label);
          assert.equal(r.gridImportWh, bidWh - tradedWh, m.label);
          assert.equal(r.gridExportWh, offerWh - tradedWh, m.label);
          const filled = new Map<string, number>();
          for (const t of r.trades) {
            assert.ok(t.energyWh > 0 && Number.isSafeInteger(t.energyWh), m.label);
            filled.set(t.bidId, (filled.get(t.bidId) ?? 0) + t.energyWh);
            filled.set(t.offerId, (filled.get(t.offerId) ?? 0) + t.energyWh);
          }
          const byId = ordersById(input);
          for (const [id, wh] of filled) assert.ok(wh <= byId.get(id)!.energyWh, `${m.label}: ${id} overfilled`);
          assert.equal(r.settlements.length, new Set(input.orders.map((o) => o.participant)).size, m.label);
        }
      }),
      runs(500),
    );
  });

  it('keep the budget identity; the operator keeps exactly the spread it takes (pay-as-bid (c), McAfee), else 0', () => {
    fc.assert(
      fc.property(slotArb, (input) => {
        for (const m of MECHANISMS) {
          const r = m.clear(input);
          const net = sumBig(r.settlements.map((s) => s.netPaymentMicro));
          assert.equal(net, r.gridImportCostMicro - r.gridExportRevenueMicro + r.operatorMicro, m.label);
          const spread = sumBig(r.trades.map((t) => t.amountMicro - t.sellerAmountMicro));
          if (m.keepsSpread) assert.ok(spread >= 0n, m.label);
          else assert.equal(spread, 0n, m.label);
          // The grid columns are the sums of the participants' grid bills: no rounding residue.
          assert.equal(r.operatorMicro, spread, m.label);
          // Each participant's bill: its trades, plus what it did not exchange with peers at λb / λs, rounded once.
          const expected = new Map<string, bigint>();
          const add = (p: string, v: bigint) => expected.set(p, (expected.get(p) ?? 0n) + v);
          for (const t of r.trades) {
            add(t.buyerId, t.amountMicro);
            add(t.sellerId, -t.sellerAmountMicro);
          }
          let gridCost = 0n;
          let gridRevenue = 0n;
          for (const s of r.settlements) {
            const cost = costMicro(s.importWh - s.peerImportWh, input.gridImportPriceMicroPerKwh);
            const revenue = costMicro(s.exportWh - s.peerExportWh, input.gridExportPriceMicroPerKwh);
            add(s.participant, cost - revenue);
            gridCost += cost;
            gridRevenue += revenue;
            assert.equal(s.netPaymentMicro, expected.get(s.participant), `${m.label}: ${s.participant}`);
          }
          assert.equal(r.gridImportCostMicro, gridCost, m.label);
          assert.equal(r.gridExportRevenueMicro, gridRevenue, m.label);
        }
      }),
      runs(500),
    );
  });

  it('trade within both parties’ limits and within [λs, λb], and beat the grid up to rounding', () => {
    fc.assert(
      fc.property(slotArb, (input) => {
        const byId = ordersById(input);
        const lambdaS = input.gridExportPriceMicroPerKwh;
        const lambdaB = input.gridImportPriceMicroPerKwh;
        for (const m of MECHANISMS) {
          const r = m.clear(input);
          const tradesOf = new Map<string, number>();
          for (const t of r.trades) {
            const bidLimit = limitOf(input, byId.get(t.bidId)!);
            const askLimit = limitOf(input, byId.get(t.offerId)!);
            assert.equal(byId.get(t.bidId)!.side, 'bid');
            assert.equal(byId.get(t.offerId)!.side, 'offer');
            assert.ok(t.priceMicroPerKwh <= bidLimit, `${m.label}: ${t.bidId} pays above its bid`);
            assert.ok(t.priceMicroPerKwh >= lambdaS && t.priceMicroPerKwh <= lambdaB, `${m.label}: price off grid`);
            assert.equal(t.amountMicro, costMicro(t.energyWh, t.priceMicroPerKwh), m.label);
            assert.ok(t.sellerAmountMicro >= costMicro(t.energyWh, askLimit), `${m.label}: ${t.offerId} below its ask`);
            assert.ok(t.sellerAmountMicro >= costMicro(t.energyWh, lambdaS), m.label);
            assert.ok(t.sellerAmountMicro <= t.amountMicro, m.label);
            if (!m.keepsSpread) assert.ok(t.priceMicroPerKwh >= askLimit, `${m.label}: ${t.offerId} below its ask`);
            tradesOf.set(t.buyerId, (tradesOf.get(t.buyerId) ?? 0) + 1);
            tradesOf.set(t.sellerId, (tradesOf.get(t.sellerId) ?? 0) + 1);
          }
          // Prices inside [λs, λb]: nobody does worse than with the grid alone, up to a micro-coin per rounding.
          for (const s of r.settlements) {
            const slack = BigInt((tradesOf.get(s.participant) ?? 0) + 2);
            assert.ok(s.netPaymentMicro <= s.gridOnlyPaymentMicro + slack, `${m.label}: ${s.participant}`);
          }
        }
      }),
      runs(500),
    );
  });

  it('uniform: trades the volume that maximises gains from trade (brute force over the unit curves)', () => {
    fc.assert(
      fc.property(slotArb, fc.double({ min: 0, max: 1, noNaN: true }), (input, k) => {
        const lambdaS = input.gridExportPriceMicroPerKwh;
        const lambdaB = input.gridImportPriceMicroPerKwh;
        // The book: bids that can pay at least λs, asks that accept at most λb (auctionBook.ts); one entry per Wh.
        // Prices are safe integers, so doubles hold them and their differences exactly; gains add up in bigint.
        const bidUnits: number[] = [];
        const askUnits: number[] = [];
        for (const o of input.orders) {
          const limit = limitOf(input, o);
          if (o.side === 'bid' && limit >= lambdaS) for (let u = 0; u < o.energyWh; u++) bidUnits.push(Number(limit));
          if (o.side === 'offer' && limit <= lambdaB) for (let u = 0; u < o.energyWh; u++) askUnits.push(Number(limit));
        }
        const bidCurve = Float64Array.from(bidUnits).sort().reverse();
        const askCurve = Float64Array.from(askUnits).sort();
        // Gains of trading the first Q units of each curve, for every Q; the largest Q among the maximisers.
        let gains = 0n;
        let bestGains = 0n;
        let bestQ = 0;
        for (let q = 0; q < Math.min(bidCurve.length, askCurve.length); q++) {
          gains += BigInt(bidCurve[q]! - askCurve[q]!);
          if (gains >= bestGains) {
            bestGains = gains;
            bestQ = q + 1;
          }
        }
        const byId = ordersById(input);
        for (const r of [clearUniformAuction(input, { k }), clearPayAsBid(input)]) {
          const volume = sum(r.trades.map((t) => t.energyWh));
          assert.equal(volume, bestQ);
          const realised = sumBig(
            r.trades.map(
              (t) => BigInt(t.energyWh) * (limitOf(input, byId.get(t.bidId)!) - limitOf(input, byId.get(t.offerId)!)),
            ),
          );
          assert.equal(realised, bestGains);
        }
        // McAfee gives up at most one unit of each (K + 1 → K − 1) on whole units: never more volume.
        assert.ok(sum(clearMcAfee(input).trades.map((t) => t.energyWh)) <= bestQ);
      }),
      runs(500),
    );
  });

  it('uniform: every price of the equilibrium interval clears the market (§5.1 step 3)', () => {
    fc.assert(
      fc.property(slotArb, (input) => {
        const book = readBook(input);
        sortMeritOrder(book);
        const clearing = uniformPrice(book, sweepMeritOrder(book.bids, book.asks, book.price, book.energyWh), 0.5);
        const r = clearUniformAuction(input);
        if (clearing === null) {
          assert.deepEqual(r.trades, []);
          return;
        }
        assert.ok(clearing.lowMicroPerKwh <= clearing.highMicroPerKwh);
        const filled = new Map<string, number>();
        for (const t of r.trades) {
          filled.set(t.bidId, (filled.get(t.bidId) ?? 0) + t.energyWh);
          filled.set(t.offerId, (filled.get(t.offerId) ?? 0) + t.energyWh);
        }
        // At any p in [p_lo, p_hi]: orders strictly better than p are filled completely, orders strictly worse
        // not at all; only orders at exactly p may be partly filled.
        for (const p of [clearing.lowMicroPerKwh, clearing.highMicroPerKwh]) {
          for (const i of [...book.bids, ...book.asks]) {
            const o = input.orders[i]!;
            const limit = limitOf(input, o);
            const got = filled.get(o.id) ?? 0;
            const better = o.side === 'bid' ? limit > p : limit < p;
            const worse = o.side === 'bid' ? limit < p : limit > p;
            if (better) assert.equal(got, o.energyWh, `${o.id} at ${p}`);
            if (worse) assert.equal(got, 0, `${o.id} at ${p}`);
          }
        }
      }),
      runs(500),
    );
  });

  it('sort the book like a plain comparison sort by (price, sequence with absent last, id)', () => {
    fc.assert(
      fc.property(slotArb, (input) => {
        const book = readBook(input);
        const expected = (side: Order['side'], sign: bigint) =>
          input.orders
            .map((o, i) => ({ o, i, limit: limitOf(input, o) }))
            .filter(({ i }) => (side === 'bid' ? book.bids : book.asks).includes(i))
            .sort(
              (a, b) =>
                Number(sign * (a.limit - b.limit) > 0n) - Number(sign * (a.limit - b.limit) < 0n) ||
                (a.o.sequence ?? Number.POSITIVE_INFINITY) - (b.o.sequence ?? Number.POSITIVE_INFINITY) ||
                (a.o.id < b.o.id ? -1 : 1),
            )
            .map(({ i }) => i);
        const bids = expected('bid', -1n);
        const asks = expected('offer', 1n);
        const arrival = [...book.bids, ...book.asks].sort(
          (a, b) =>
            (input.orders[a]!.sequence ?? Number.POSITIVE_INFINITY) -
              (input.orders[b]!.sequence ?? Number.POSITIVE_INFINITY) ||
            (input.orders[a]!.id < input.orders[b]!.id ? -1 : 1),
        );
        assert.deepEqual([...arrivalOrder(book)], arrival);
        sortMeritOrder(book);
        assert.deepEqual([...book.bids], bids);
        assert.deepEqual([...book.asks], asks);
      }),
      runs(500),
    );
  });

  it('settle empty and one-sided books with the grid alone', () => {
    const oneSided = fc
      .tuple(slotArb, fc.constantFrom<Order['side']>('bid', 'offer'))
      .map(([input, side]) => ({ ...input, orders: input.orders.filter((o) => o.side === side) }));
    fc.assert(
      fc.property(oneSided, (input) => {
        for (const m of MECHANISMS) {
          const r = m.clear(input);
          assert.deepEqual(r.trades, [], m.label);
          assert.deepEqual(r.prices, {}, m.label);
          for (const s of r.settlements) assert.equal(s.netPaymentMicro, s.gridOnlyPaymentMicro, m.label);
          assert.equal(r.operatorMicro, 0n, m.label);
        }
      }),
      runs(60),
    );
    for (const m of MECHANISMS) {
      const r = m.clear(buildSlot(100_000n, 200_000n, []));
      assert.deepEqual([r.trades, r.settlements, r.operatorMicro, r.gridImportWh], [[], [], 0n, 0], m.label);
    }
  });

  it('are deterministic and independent of the order of the input', () => {
    fc.assert(
      fc.property(
        slotArb.chain((input) =>
          fc.tuple(
            fc.constant(input),
            fc.array(fc.integer(), { minLength: input.orders.length, maxLength: input.orders.length }),
          ),
        ),
        ([input, keys]) => {
          const permuted = {
            ...input,
            orders: input.orders
              .map((o, i) => ({ o, key: keys[i]! }))
              .sort((a, b) => a.key - b.key)
              .map(({ o }) => o),
          };
          for (const m of MECHANISMS) {
            const r = m.clear(input);
            assert.deepEqual(m.clear(input), r, m.label);
            assert.deepEqual(m.clear(permuted), r, m.label);
          }
        },
      ),
      runs(100),
    );
  });
});
