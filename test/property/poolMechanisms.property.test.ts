/**
 * Invariants of the pool mechanisms and the grid baseline over random books (reference §0–§4): energy and money
 * conserved, rounding the only budget residual, nobody worse off than with the grid alone where the mechanism
 * promises it, prices between the feed-in tariff and the grid price, one-sided and empty books, determinism.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { billSharing } from '../../src/market/mechanisms/billSharing.js';
import { clearDualLevel, dualLevel, splitByMicrogrid } from '../../src/market/mechanisms/dualLevel.js';
import { fixedPrice } from '../../src/market/mechanisms/fixedPrice.js';
import { gridOnly } from '../../src/market/mechanisms/gridFallback.js';
import { mmr } from '../../src/market/mechanisms/mmr.js';
import { sdr } from '../../src/market/mechanisms/sdr.js';
import type { ClearingMechanism, ClearingResult, Order, SlotInput } from '../../src/market/types.js';
import { runs } from '../helpers/arbitraries.js';

const PARTICIPANTS = ['p0', 'p1', 'p2', 'p3', 'p4', 'p5'] as const;
const DAY_MS = Date.UTC(2026, 4, 11);
const HOUR_MS = 3_600_000;

const MECHANISMS: readonly ClearingMechanism[] = [sdr, mmr, billSharing, fixedPrice, dualLevel, gridOnly];
/** Mechanisms that leave nobody worse off than the grid alone, exactly (rounding is monotone in the price). */
const NO_WORSE_THAN_GRID: readonly ClearingMechanism[] = [sdr, mmr, dualLevel, gridOnly];

// Large prices for realistic cases, tiny ones so rounding matters.
const price = fc.oneof(fc.bigInt({ min: 0n, max: 500_000n }), fc.bigInt({ min: 0n, max: 7n }));
const prices = fc.tuple(price, price).map(([a, b]): readonly [bigint, bigint] => (a >= b ? [a, b] : [b, a]));
const energy = fc.oneof(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 9 }));

const rawOrder = fc.record({
  participant: fc.integer({ min: 0, max: PARTICIPANTS.length - 1 }),
  side: fc.constantFrom('offer', 'bid') as fc.Arbitrary<Order['side']>,
  energyWh: energy,
});

/** A slot: mixed, offers-only or bids-only books (empty included); participants spread over up to 3 microgrids. */
const slotInput = fc
  .record({
    orders: fc.array(rawOrder, { maxLength: 12 }),
    sides: fc.constantFrom('mixed', 'mixed', 'mixed', 'offers', 'bids'),
    prices,
    locations: fc.array(fc.constantFrom('M0', 'M1', 'M2'), {
      minLength: PARTICIPANTS.length,
      maxLength: PARTICIPANTS.length,
    }),
    hour: fc.integer({ min: 0, max: 23 }),
    minutes: fc.constantFrom(15, 30, 60),
  })
  .map(
    ({ orders, sides, prices: [buy, sell], locations, hour, minutes }): SlotInput => ({
      slotStartMs: DAY_MS + hour * HOUR_MS,
      slotDurationMs: minutes * 60_000,
      gridImportPriceMicroPerKwh: buy,
      gridExportPriceMicroPerKwh: sell,
      orders: orders.map((o, i) => ({
        id: `o${i}`,
        participant: PARTICIPANTS[o.participant]!,
        side: sides === 'offers' ? 'offer' : sides === 'bids' ? 'bid' : o.side,
        energyWh: o.energyWh,
        location: locations[o.participant]!,
      })),
    }),
  );

const oneSided = slotInput.filter((input) => new Set(input.orders.map((o) => o.side)).size <= 1);

function sumImport(r: ClearingResult): number {
  return r.settlements.reduce((sum, s) => sum + s.importWh, 0);
}
function sumExport(r: ClearingResult): number {
  return r.settlements.reduce((sum, s) => sum + s.exportWh, 0);
}
function sumPayments(r: ClearingResult): bigint {
  return r.settlements.reduce((sum, s) => sum + s.netPaymentMicro, 0n);
}
function abs(x: bigint): bigint {
  return x < 0n ? -x : x;
}

describe('pool mechanisms (property)', () => {
  it('conserve energy: Σ import = Σ export + grid import − grid export, per slot', () => {
    fc.assert(
      fc.property(slotInput, (input) => {
        for (const mechanism of MECHANISMS) {
          const r = mechanism.clear(input);
          assert.equal(sumImport(r), sumExport(r) + r.gridImportWh - r.gridExportWh, mechanism.name);
          for (const s of r.settlements) {
            assert.ok(s.peerImportWh >= 0 && s.peerImportWh <= s.importWh, mechanism.name);
            assert.ok(s.peerExportWh >= 0 && s.peerExportWh <= s.exportWh, mechanism.name);
          }
          const peerIn = r.settlements.reduce((sum, s) => sum + s.peerImportWh, 0);
          const peerOut = r.settlements.reduce((sum, s) => sum + s.peerExportWh, 0);
          assert.equal(peerIn, peerOut, `${mechanism.name}: peer energy bought = sold`);
        }
      }),
      runs(150),
    );
  });

  it('balance the budget up to rounding: |operator| ≤ number of participants', () => {
    fc.assert(
      fc.property(slotInput, (input) => {
        for (const mechanism of MECHANISMS) {
          const r = mechanism.clear(input);
          assert.equal(
            sumPayments(r),
            r.gridImportCostMicro - r.gridExportRevenueMicro + r.operatorMicro,
            mechanism.name,
          );
          assert.ok(
            abs(r.operatorMicro) <= BigInt(r.settlements.length),
            `${mechanism.name}: operator ${r.operatorMicro} with ${r.settlements.length} participants`,
          );
        }
        // the grid columns are what the grid bills: the community's net exchange at λb / λs
        for (const mechanism of [sdr, mmr, billSharing]) {
          const r = mechanism.clear(input);
          const grid = gridOnly.clear({
            ...input,
            orders: [
              { id: 'in', participant: 'community', side: 'bid', energyWh: r.gridImportWh },
              { id: 'out', participant: 'community2', side: 'offer', energyWh: r.gridExportWh },
            ],
          });
          assert.equal(r.gridImportCostMicro - r.gridExportRevenueMicro, sumPayments(grid), mechanism.name);
        }
      }),
      runs(150),
    );
  });

  it('leave nobody worse off than the grid alone (SDR, MMR, dual level; grid-only is the grid)', () => {
    fc.assert(
      fc.property(slotInput, (input) => {
        for (const mechanism of NO_WORSE_THAN_GRID) {
          for (const s of mechanism.clear(input).settlements) {
            assert.ok(s.netPaymentMicro <= s.gridOnlyPaymentMicro, `${mechanism.name} ${s.participant}`);
          }
        }
        for (const s of gridOnly.clear(input).settlements) assert.equal(s.netPaymentMicro, s.gridOnlyPaymentMicro);
        // Bill sharing promises it to buyers only (sellers get c_ex ≤ λs, reference §3): within 1 µcoin of rounding.
        for (const s of billSharing.clear(input).settlements) {
          if (s.exportWh === 0)
            assert.ok(s.netPaymentMicro <= s.gridOnlyPaymentMicro + 1n, `bill-sharing ${s.participant}`);
        }
      }),
      runs(150),
    );
  });

  it('price within [λs, λb] (SDR, MMR, dual level); bill sharing within [0, λb] and [0, λs] to rounding', () => {
    fc.assert(
      fc.property(slotInput, (input) => {
        const λb = input.gridImportPriceMicroPerKwh;
        const λs = input.gridExportPriceMicroPerKwh;
        const within = (p: bigint | undefined, lo: bigint, hi: bigint, what: string) =>
          assert.ok(p !== undefined && lo <= p && p <= hi, `${what}: ${p} outside [${lo}, ${hi}]`);
        for (const mechanism of [sdr, mmr]) {
          const { prices: p } = mechanism.clear(input);
          within(p.sellPriceMicroPerKwh, λs, λb, `${mechanism.name} sell`);
          within(p.buyPriceMicroPerKwh, λs, λb, `${mechanism.name} buy`);
        }
        const sdrPrices = sdr.clear(input).prices;
        assert.ok(sdrPrices.sellPriceMicroPerKwh! <= sdrPrices.buyPriceMicroPerKwh!, 'SDR p_sell ≤ p_buy');
        const dual = clearDualLevel(splitByMicrogrid(input));
        within(dual.prices.sellPriceMicroPerKwh, λs, λb, 'dual level P_m_sell');
        within(dual.prices.buyPriceMicroPerKwh, λs, λb, 'dual level P_m_buy');
        for (const m of dual.microgrids) {
          within(m.result.prices.sellPriceMicroPerKwh, λs, λb, `${m.microgridId} sell`);
          within(m.result.prices.buyPriceMicroPerKwh, λs, λb, `${m.microgridId} buy`);
        }
        // Bill sharing shares the grid's actual bill, rounded to whole µcoin: ±0.5 µcoin spread over E_im,tot Wh
        // is 500_000/E_im,tot µcoin/kWh, plus 1 for showing the price rounded.
        const bs = billSharing.clear(input);
        const slack = (wh: number) => (wh === 0 ? 0n : 500_000n / BigInt(wh) + 1n);
        within(bs.prices.buyPriceMicroPerKwh, 0n, λb + slack(sumImport(bs)), 'bill sharing c_im');
        within(bs.prices.sellPriceMicroPerKwh, 0n, λs + slack(sumExport(bs)), 'bill sharing c_ex');
      }),
      runs(150),
    );
  });

  it('one-sided and empty books: no peer energy, everyone settles as with the grid alone', () => {
    fc.assert(
      fc.property(oneSided, (input) => {
        for (const mechanism of MECHANISMS) {
          const r = mechanism.clear(input);
          assert.deepEqual(r.trades, [], mechanism.name);
          for (const s of r.settlements) {
            assert.equal(s.peerImportWh + s.peerExportWh, 0, mechanism.name);
            // bill sharing spreads the one bill pro rata: within rounding of each own bill
            const tolerance = mechanism === billSharing ? 1n : 0n;
            assert.ok(
              abs(s.netPaymentMicro - s.gridOnlyPaymentMicro) <= tolerance,
              `${mechanism.name} ${s.participant}`,
            );
          }
        }
      }),
      runs(100),
    );
    for (const mechanism of MECHANISMS) {
      const r = mechanism.clear({ ...emptySlot });
      assert.deepEqual([r.settlements, r.trades, r.gridImportWh, r.gridExportWh, r.operatorMicro], [[], [], 0, 0, 0n]);
    }
  });

  it('are deterministic: the same input twice, or its orders shuffled, give the same result', () => {
    fc.assert(
      fc.property(
        slotInput.chain((input) =>
          fc.tuple(
            fc.constant(input),
            fc.shuffledSubarray([...input.orders], { minLength: input.orders.length, maxLength: input.orders.length }),
          ),
        ),
        ([input, shuffled]) => {
          for (const mechanism of MECHANISMS) {
            const first = mechanism.clear(input);
            assert.deepStrictEqual(mechanism.clear(input), first, mechanism.name);
            assert.deepStrictEqual(
              mechanism.clear({ ...input, orders: shuffled }),
              first,
              `${mechanism.name} shuffled`,
            );
          }
        },
      ),
      runs(100),
    );
  });
});

const emptySlot: SlotInput = {
  slotStartMs: DAY_MS + 12 * HOUR_MS,
  slotDurationMs: HOUR_MS,
  gridImportPriceMicroPerKwh: 300_000n,
  gridExportPriceMicroPerKwh: 100_000n,
  orders: [],
};

describe('bill sharing over a horizon (property)', () => {
  const horizon = fc
    .record({
      slots: fc.array(slotInput, { minLength: 1, maxLength: 4 }),
      flat: fc.boolean(),
    })
    .map(({ slots, flat }) =>
      slots.map((input, t) => ({
        ...input,
        slotStartMs: DAY_MS + t * HOUR_MS,
        ...(flat
          ? {
              gridImportPriceMicroPerKwh: slots[0]!.gridImportPriceMicroPerKwh,
              gridExportPriceMicroPerKwh: slots[0]!.gridExportPriceMicroPerKwh,
            }
          : {}),
      })),
    );

  it('conserves energy per slot and balances the budget over the horizon to rounding', () => {
    fc.assert(
      fc.property(horizon, (slots) => {
        const results = billSharing.clearHorizon(slots);
        assert.equal(results.length, slots.length);
        for (const r of results) assert.equal(sumImport(r), sumExport(r) + r.gridImportWh - r.gridExportWh);
        const participants = new Set(results.flatMap((r) => r.settlements.map((s) => s.participant)));
        const operator = results.reduce((sum, r) => sum + r.operatorMicro, 0n);
        assert.ok(abs(operator) <= BigInt(participants.size), `horizon operator ${operator}`);
      }),
      runs(100),
    );
  });

  it('with a flat tariff a participant that never exports pays at most its grid-only bill (to rounding)', () => {
    fc.assert(
      fc.property(horizon, (slots) => {
        const flat = slots.map((s) => ({
          ...s,
          gridImportPriceMicroPerKwh: slots[0]!.gridImportPriceMicroPerKwh,
          gridExportPriceMicroPerKwh: slots[0]!.gridExportPriceMicroPerKwh,
        }));
        const totals = new Map<string, { paid: bigint; gridOnly: bigint; exported: number }>();
        for (const r of billSharing.clearHorizon(flat)) {
          for (const s of r.settlements) {
            const t = totals.get(s.participant) ?? { paid: 0n, gridOnly: 0n, exported: 0 };
            totals.set(s.participant, {
              paid: t.paid + s.netPaymentMicro,
              gridOnly: t.gridOnly + s.gridOnlyPaymentMicro,
              exported: t.exported + s.exportWh,
            });
          }
        }
        for (const [participant, t] of totals) {
          if (t.exported === 0) assert.ok(t.paid <= t.gridOnly + BigInt(flat.length) + 1n, participant);
        }
      }),
      runs(100),
    );
  });
});
