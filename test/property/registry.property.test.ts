/**
 * Every mechanism in the registry, on the same random books with limit prices (issue 4's list): energy
 * conserved, money balanced up to the mechanism's own operator share, no trade outside a limit price or outside
 * [λs, λb], empty and one-sided books handled, output deterministic, and welfare efficiency never above 1.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { MECHANISMS } from '../../src/market/registry.js';
import type { ClearingResult, Order, SlotInput } from '../../src/market/types.js';
import { mechanismWelfare, slotWelfareOptimum, welfareEfficiency } from '../../src/market/welfare.js';
import { runs } from '../helpers/arbitraries.js';

/** Mechanisms whose operator keeps a spread by design (reference §5.2 (c), §5.3); all others only rounding. */
const KEEPS_SPREAD = new Set(['mcafee']);

const slot = fc
  .record({
    orders: fc.array(
      fc.record({
        participant: fc.integer({ min: 0, max: 7 }),
        side: fc.constantFrom('offer', 'bid') as fc.Arbitrary<Order['side']>,
        energyWh: fc.integer({ min: 0, max: 5_000 }),
        limit: fc.option(fc.bigInt({ min: 0n, max: 400_000n }), { nil: undefined }),
      }),
      { maxLength: 14 },
    ),
    buy: fc.bigInt({ min: 150_000n, max: 400_000n }),
    sell: fc.bigInt({ min: 0n, max: 150_000n }),
    hour: fc.integer({ min: 0, max: 23 }),
  })
  .map(
    ({ orders, buy, sell, hour }): SlotInput => ({
      slotStartMs: Date.UTC(2026, 4, 11, hour),
      slotDurationMs: 3_600_000,
      gridImportPriceMicroPerKwh: buy,
      gridExportPriceMicroPerKwh: sell,
      // One side per participant: a participant is a buyer or a seller in a slot (its net position).
      orders: orders.map((o, i) => ({
        id: `o${i}`,
        participant: `${o.participant % 2 === 0 ? 'S' : 'B'}${o.participant}`,
        side: o.participant % 2 === 0 ? 'offer' : 'bid',
        energyWh: o.energyWh,
        sequence: i,
        // A participant sits on one feeder / in one microgrid.
        location: String((o.participant % 3) + 1),
        ...(o.limit === undefined ? {} : { limitPriceMicroPerKwh: o.limit }),
      })),
    }),
  );

function limitOf(input: SlotInput, orderId: string): bigint | undefined {
  return input.orders.find((o) => o.id === orderId)?.limitPriceMicroPerKwh;
}

function checkInvariants(input: SlotInput, result: ClearingResult): void {
  const name = result.mechanism;
  const inWh = result.settlements.reduce((sum, s) => sum + s.importWh, 0);
  const outWh = result.settlements.reduce((sum, s) => sum + s.exportWh, 0);
  // Energy: what participants took = what they delivered + grid import − grid export.
  assert.equal(inWh, outWh + result.gridImportWh - result.gridExportWh, `${name}: energy`);
  const demandWh = input.orders.filter((o) => o.side === 'bid').reduce((sum, o) => sum + o.energyWh, 0);
  const supplyWh = input.orders.filter((o) => o.side === 'offer').reduce((sum, o) => sum + o.energyWh, 0);
  assert.equal(inWh, demandWh, `${name}: every bid's energy is delivered (peers or grid)`);
  assert.equal(outWh, supplyWh, `${name}: every offer's energy is taken (peers or grid)`);
  // Money: the identity is built in; what must hold is the operator's share (rounding only, or a spread ≥ 0).
  const participants = result.settlements.length;
  if (KEEPS_SPREAD.has(name)) assert.ok(result.operatorMicro >= -BigInt(participants), `${name}: operator`);
  else
    assert.ok(
      result.operatorMicro <= BigInt(participants) && result.operatorMicro >= -BigInt(participants),
      `${name}: operator ${result.operatorMicro}`,
    );
  for (const trade of result.trades) {
    assert.ok(trade.energyWh > 0, `${name}: empty trade`);
    assert.ok(
      trade.priceMicroPerKwh >= input.gridExportPriceMicroPerKwh &&
        trade.priceMicroPerKwh <= input.gridImportPriceMicroPerKwh,
      `${name}: trade price outside [λs, λb]`,
    );
    // Limits: a seller never gets less than its ask, a buyer never pays more than its bid (fixed price and the
    // pools ignore limits by definition, reference §0).
    if (!['fixed-price', 'sdr', 'mmr', 'bill-sharing', 'dual-level'].includes(name)) {
      const ask = limitOf(input, trade.offerId);
      const bid = limitOf(input, trade.bidId);
      if (ask !== undefined)
        assert.ok(trade.sellerAmountMicro * 1000n >= ask * BigInt(trade.energyWh) - 1000n, `${name}: below ask`);
      if (bid !== undefined)
        assert.ok(trade.amountMicro * 1000n <= bid * BigInt(trade.energyWh) + 1000n, `${name}: above bid`);
    }
  }
}

describe('every registered mechanism on random books', () => {
  it('conserves energy, bounds the operator share, respects limits, and is deterministic', () => {
    fc.assert(
      fc.property(slot, (input) => {
        for (const mechanism of MECHANISMS) {
          const result = mechanism.clear(input);
          checkInvariants(input, result);
          assert.deepEqual(mechanism.clear(input), result, `${mechanism.name}: deterministic`);
        }
      }),
      runs(120),
    );
  });

  it('handles empty and one-sided books', () => {
    const base = {
      slotStartMs: Date.UTC(2026, 4, 11, 12),
      slotDurationMs: 3_600_000,
      gridImportPriceMicroPerKwh: 300_000n,
      gridExportPriceMicroPerKwh: 100_000n,
    };
    const books: SlotInput[] = [
      { ...base, orders: [] },
      {
        ...base,
        orders: [{ id: 'a', participant: 'S', side: 'offer', energyWh: 1000, limitPriceMicroPerKwh: 120_000n }],
      },
      {
        ...base,
        orders: [{ id: 'b', participant: 'B', side: 'bid', energyWh: 1000, limitPriceMicroPerKwh: 280_000n }],
      },
    ];
    for (const input of books) {
      for (const mechanism of MECHANISMS) {
        const result = mechanism.clear(input);
        checkInvariants(input, result);
        assert.deepEqual(result.trades, [], `${mechanism.name}: nothing to trade`);
      }
    }
  });

  it('never exceeds the welfare optimum (efficiency ≤ 1)', async () => {
    await fc.assert(
      fc.asyncProperty(slot, async (input) => {
        const optimum = await slotWelfareOptimum(input);
        for (const mechanism of MECHANISMS) {
          const welfare = mechanismWelfare(input, mechanism.clear(input), optimum);
          assert.ok(
            welfare.welfareNano <= optimum.welfareNano,
            `${mechanism.name}: W ${welfare.welfareNano} > W* ${optimum.welfareNano}`,
          );
          const efficiency = welfareEfficiency(welfare.welfareNano, optimum.welfareNano);
          if (efficiency !== null) assert.ok(efficiency <= 1 + 1e-9, `${mechanism.name}: efficiency ${efficiency}`);
        }
      }),
      runs(60),
    );
  });
});
