/**
 * The §7.1 LP is an upper bound (reference §7.1, MISSION K12): on random small books, no outcome — the greedy
 * merit order, or any arbitrary set of peer trades with the rest sent to the grid — has more welfare than W*,
 * so η ≤ 1. The greedy merit order (with grid use counted where a limit accepts it) reaches W* exactly. The LP's
 * quantities keep the balance row and their bounds, and its dual lies in [λs, λb]. Capacity curtailment and TRP
 * gating never raise welfare above W* either, and keep the budget identity.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import fc from 'fast-check';
import { curtailToCapacity } from '../../src/market/capacity.js';
import { withTrustGating } from '../../src/market/trust.js';
import type { Order, SlotInput } from '../../src/market/types.js';
import { loadLpSolver, mechanismWelfare, slotWelfareOptimum } from '../../src/market/welfare.js';
import { runs } from '../helpers/arbitraries.js';
import { meritOrderMechanism, meritOrderPairs, type Pair, resultFromPairs } from '../helpers/welfareFixtures.js';

const price = fc.integer({ min: 0, max: 400 }).map((m) => BigInt(m) * 1000n);

const anyOrder = (side: Order['side'], index: number): fc.Arbitrary<Order> =>
  fc
    .record({
      energyWh: fc.integer({ min: 0, max: 5000 }),
      limit: fc.option(price, { nil: undefined }),
      participant: fc.integer({ min: 0, max: 5 }),
      trustRating: fc.constantFrom(1, 2, 3, 4),
    })
    .map(({ energyWh, limit, participant, trustRating }) => ({
      id: `${side}${index}`,
      participant: `p${participant}`,
      side,
      energyWh,
      sequence: index,
      trustRating: trustRating as 1 | 2 | 3 | 4,
      ...(limit === undefined ? {} : { limitPriceMicroPerKwh: limit }),
    }));

const anyBook: fc.Arbitrary<SlotInput> = fc
  .record({
    bids: fc.integer({ min: 0, max: 4 }),
    offers: fc.integer({ min: 0, max: 4 }),
    sell: fc.integer({ min: 0, max: 150 }),
    spread: fc.integer({ min: 0, max: 250 }),
  })
  .chain(({ bids, offers, sell, spread }) =>
    fc
      .tuple(
        fc.tuple(...Array.from({ length: bids }, (_, i) => anyOrder('bid', i))),
        fc.tuple(...Array.from({ length: offers }, (_, i) => anyOrder('offer', bids + i))),
      )
      .map(([b, o]) => ({
        slotStartMs: 0,
        slotDurationMs: 3_600_000,
        orders: [...b, ...o],
        gridImportPriceMicroPerKwh: BigInt(sell + spread) * 1000n,
        gridExportPriceMicroPerKwh: BigInt(sell) * 1000n,
      })),
  );

/** Random peer trades between any bid and offer (crossing or not) within the orders' energy. */
const withRandomPairs = anyBook.chain((input) => {
  const bids = input.orders.filter((o) => o.side === 'bid');
  const offers = input.orders.filter((o) => o.side === 'offer');
  if (bids.length === 0 || offers.length === 0) return fc.constant({ input, pairs: [] as Pair[] });
  return fc
    .array(
      fc.record({
        b: fc.nat(bids.length - 1),
        o: fc.nat(offers.length - 1),
        share: fc.double({ min: 0, max: 1, noNaN: true }),
      }),
      { maxLength: 6 },
    )
    .map((picks) => {
      const left = new Map(input.orders.map((o) => [o.id, o.energyWh]));
      const pairs: Pair[] = [];
      for (const { b, o, share } of picks) {
        const bid = bids[b]!;
        const offer = offers[o]!;
        const room = Math.min(left.get(bid.id)!, left.get(offer.id)!);
        const energyWh = Math.floor(room * share);
        if (energyWh === 0) continue;
        left.set(bid.id, left.get(bid.id)! - energyWh);
        left.set(offer.id, left.get(offer.id)! - energyWh);
        pairs.push({ bidId: bid.id, offerId: offer.id, energyWh, priceMicroPerKwh: 200_000n });
      }
      return { input, pairs };
    });
});

describe('welfare LP (property)', () => {
  before(async () => {
    await loadLpSolver();
  });

  it('W* bounds the greedy merit order, which reaches it; the LP balance and bounds hold', async () => {
    await fc.assert(
      fc.asyncProperty(anyBook, async (input) => {
        const optimum = await slotWelfareOptimum(input);
        const bought = Object.values(optimum.bidWh).reduce((a, b) => a + b, 0);
        const sold = Object.values(optimum.offerWh).reduce((a, b) => a + b, 0);
        assert.equal(bought, sold + optimum.gridImportWh - optimum.gridExportWh);
        for (const o of input.orders) {
          const wh = (o.side === 'bid' ? optimum.bidWh : optimum.offerWh)[o.id]!;
          assert.ok(wh >= 0 && wh <= o.energyWh);
        }
        const low = Number(input.gridExportPriceMicroPerKwh) - 1e-6;
        const high = Number(input.gridImportPriceMicroPerKwh) + 1e-6;
        assert.ok(optimum.clearingPriceMicroPerKwh >= low && optimum.clearingPriceMicroPerKwh <= high);
        assert.ok(
          Math.abs(optimum.welfareMicro - optimum.lpObjectiveMicro) <= 1e-6 * Math.max(1, optimum.welfareMicro),
        );

        const greedy = resultFromPairs(input, meritOrderPairs(input));
        const w = mechanismWelfare(input, greedy, optimum);
        assert.ok(w.welfareNano <= optimum.welfareNano);
        assert.ok(w.efficiency !== undefined && (w.efficiency === null || w.efficiency <= 1 + 1e-9));
        assert.equal(w.welfareNano, optimum.welfareNano);
      }),
      runs(150),
    );
  });

  it('no set of peer trades beats W*; neither do capacity curtailment and TRP gating', async () => {
    await fc.assert(
      fc.asyncProperty(withRandomPairs, fc.integer({ min: 0, max: 8000 }), async ({ input, pairs }, cap) => {
        const optimum = await slotWelfareOptimum(input);
        const outcomes = [
          resultFromPairs(input, pairs),
          curtailToCapacity(input, resultFromPairs(input, pairs), { maxPeerExchangeWh: cap }),
          withTrustGating(meritOrderMechanism()).clear(input),
        ];
        for (const result of outcomes) {
          const w = mechanismWelfare(input, result, optimum);
          assert.ok(
            w.welfareNano <= optimum.welfareNano,
            `${result.mechanism}: ${w.welfareNano} > ${optimum.welfareNano}`,
          );
          assert.ok(w.efficiency !== undefined && (w.efficiency === null || w.efficiency <= 1 + 1e-9));
          assert.ok(w.grossWelfareNano <= w.welfareNano);
          const net = result.settlements.reduce((sum, s) => sum + s.netPaymentMicro, 0n);
          assert.equal(net, result.gridImportCostMicro - result.gridExportRevenueMicro + result.operatorMicro);
        }
      }),
      runs(150),
    );
  });
});
