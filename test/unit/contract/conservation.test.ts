import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ESCROW_TOTAL_KEY, readSlot, sumEscrowMicro } from '../../../src/contract/index.js';
import { decodeU64 } from '../../../src/contract/records.js';
import { mechanismNames } from '../../../src/market/registry.js';
import { runs } from '../../helpers/arbitraries.js';
import {
  communityMarket,
  consumer1,
  consumer2,
  gateOf,
  type Market,
  meterOf,
  prosumer1,
  prosumer2,
} from './marketFixtures.js';

const traders = [
  { key: prosumer1, byte: 11 },
  { key: prosumer2, byte: 12 },
  { key: consumer1, byte: 21 },
  { key: consumer2, byte: 22 },
];

const orderArb = fc.record({
  trader: fc.integer({ min: 0, max: 3 }),
  side: fc.constantFrom('offer' as const, 'bid' as const),
  slot: fc.integer({ min: 0, max: 2 }),
  energyWh: fc.integer({ min: 1, max: 6000 }),
  // Around the grid prices (λs 100,000, λb 300,000) so that books cross and trades happen.
  limit: fc.option(fc.bigInt({ min: 50_000n, max: 400_000n }), { nil: undefined, freq: 4 }),
  cancel: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
});

const caseArb = fc.record({
  mechanism: fc.constantFrom(...mechanismNames()),
  // Some traders short of money: bids refused, shortfalls and rounding left unpaid.
  balances: fc.array(fc.oneof(fc.constant(20_000_000n), fc.bigInt({ min: 0n, max: 2_000_000n })), {
    minLength: 4,
    maxLength: 4,
  }),
  orders: fc.array(orderArb, { minLength: 8, maxLength: 40, size: 'max' }),
  readings: fc.array(
    fc.record({
      trader: fc.integer({ min: 0, max: 3 }),
      slot: fc.integer({ min: 0, max: 2 }),
      deliveredWh: fc.integer({ min: 0, max: 6000 }),
    }),
    { maxLength: 6 },
  ),
});

function escrowTotal(market: Market): bigint {
  const bytes = market.overlay.get(ESCROW_TOTAL_KEY);
  return bytes ? decodeU64(bytes) : 0n;
}

describe('market contract: money conservation (property)', () => {
  it('keeps Σ balances + held constant over random books, every registry mechanism, cancels and readings', () => {
    fc.assert(
      fc.property(caseArb, ({ mechanism, balances, orders, readings }) => {
        const market = communityMarket({ mechanism, paramsJson: '{}' });
        traders.forEach((t, i) => {
          market.overlay.setAccount(t.key.address, { balanceMicro: balances[i]!, nonce: 0 });
        });
        const total = market.total();
        for (const order of orders) {
          const trader = traders[order.trader]!.key;
          const placed = market.send(order.side, trader, {
            slot: order.slot,
            energyWh: order.energyWh,
            ...(order.limit === undefined ? {} : { limitPriceMicroPerKwh: order.limit }),
          });
          if (placed.ok && order.cancel) {
            assert.ok(market.send('cancel', trader, { orderTxHash: market.lastTxHash }).ok);
          }
          assert.equal(market.total(), total);
        }
        assert.equal(escrowTotal(market), sumEscrowMicro(market.state()));
        assert.ok(market.block(gateOf(2)).ok);
        assert.equal(market.total(), total, 'clearing');
        assert.equal(escrowTotal(market), 0n, 'every lock released');
        assert.equal(sumEscrowMicro(market.state()), 0n);
        for (const reading of readings) {
          const { key, byte } = traders[reading.trader]!;
          const meter = meterOf(byte);
          const result = market.sendFrom('meter', meter.publicKey, meter.address, {
            participant: key.address,
            slot: reading.slot,
            deliveredWh: reading.deliveredWh,
            consumedWh: 0,
          });
          assert.ok(result.ok || result.code === 'METER_DUPLICATE', result.ok ? '' : result.reason);
          assert.equal(market.total(), total, 'metering');
        }
        const state = market.state();
        for (let slot = 0; slot <= 2; slot++) {
          const view = readSlot(state, slot);
          assert.equal(view?.status, 'cleared');
          for (const order of view?.orders ?? []) assert.notEqual(order.status, 'open');
        }
      }),
      runs(120),
    );
  });
});
