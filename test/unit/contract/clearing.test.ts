import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CONFIG_KEY, listTrades, readMarketConfig, readParticipant, readSlot } from '../../../src/contract/index.js';
import { encodeConfig } from '../../../src/contract/records.js';
import { toHex } from '../../../src/crypto/index.js';
import { assertValid } from '../../helpers/assertions.js';
import {
  communityMarket,
  consumer1,
  consumer2,
  gateOf,
  type Market,
  prosumer1,
  prosumer2,
  SLOT_MS,
} from './marketFixtures.js';

/**
 * Slot 0 of a uniform auction (k = 0.5, λb = 300,000, λs = 100,000 µcoin/kWh):
 *   offers  P1 2000 Wh @ 120,000   P2 1000 Wh @ 200,000
 *   bids    C1 1500 Wh @ 250,000   C2 2000 Wh @ 150,000
 * Merit order: C1 takes 1500 Wh of P1, C2 the other 500 Wh of P1, then C2's 150,000 is below P2's 200,000.
 * C2 is the partially filled marginal order, so the price is its 150,000 (reference §5.1 step 5).
 *   C1 pays 1500 × 0.15 = 225,000; C2 pays 500 × 0.15 + 1500 × 0.30 (grid) = 525,000;
 *   P1 gets 2000 × 0.15 = 300,000; P2 sells 1000 Wh to the grid at 0.10 = 100,000.
 * Locks: C1 1500 × 0.30 = 450,000 (limit below λb), C2 2000 × 0.30 = 600,000.
 */
function placeSlotZero(market: Market): Record<string, string> {
  const ids: Record<string, string> = {};
  const place = (name: string, result: ReturnType<Market['send']>) => {
    assertValid(result);
    ids[name] = toHex(market.lastTxHash);
  };
  place('P1', market.send('offer', prosumer1, { slot: 0, energyWh: 2000, limitPriceMicroPerKwh: 120_000n }));
  place('C1', market.send('bid', consumer1, { slot: 0, energyWh: 1500, limitPriceMicroPerKwh: 250_000n }));
  place('P2', market.send('offer', prosumer2, { slot: 0, energyWh: 1000, limitPriceMicroPerKwh: 200_000n }));
  place('C2', market.send('bid', consumer2, { slot: 0, energyWh: 2000, limitPriceMicroPerKwh: 150_000n }));
  return ids;
}

function runSlotZero(): { market: Market; ids: Record<string, string>; start: Record<string, bigint> } {
  const market = communityMarket();
  const start: Record<string, bigint> = {};
  for (const who of [prosumer1, prosumer2, consumer1, consumer2]) start[who.address] = market.balance(who.address);
  const ids = placeSlotZero(market);
  assertValid(market.block(gateOf(0)));
  return { market, ids, start };
}

describe('market contract: gate closure (seed 000 §5 guidelines 3–4)', () => {
  it('clears a slot of two prosumers and two consumers as computed by hand', () => {
    const { market, ids, start } = runSlotZero();
    const balanceChange = (address: string) => market.balance(address) - start[address]!;
    assert.equal(balanceChange(consumer1.address), -225_000n);
    assert.equal(balanceChange(consumer2.address), -525_000n);
    assert.equal(balanceChange(prosumer1.address), 300_000n);
    assert.equal(balanceChange(prosumer2.address), 100_000n);
    for (const who of [consumer1, consumer2])
      assert.equal(readParticipant(market.overlay, who.address)?.escrowMicro, 0n);

    const state = market.state();
    const slot = readSlot(state, 0);
    assert.ok(slot);
    assert.equal(slot.status, 'cleared');
    assert.equal(slot.startMs, gateOf(0) + 300_000);
    assert.equal(slot.result?.mechanism, 'uniform-auction');
    assert.equal(slot.result?.fallbackReason, '');
    assert.equal(slot.result?.clearingPriceMicroPerKwh, 150_000n);
    assert.equal(slot.result?.tradedWh, 2000);
    assert.equal(slot.result?.gridImportWh, 1500);
    assert.equal(slot.result?.gridExportWh, 1000);
    assert.equal(slot.result?.gridImportCostMicro, 450_000n);
    assert.equal(slot.result?.gridExportRevenueMicro, 100_000n);
    assert.equal(slot.result?.operatorMicro, 0n);
    assert.deepEqual(
      slot.orders.map((o) => o.status),
      ['cleared', 'cleared', 'cleared', 'cleared'],
    );
    assert.deepEqual(
      slot.trades.map((t) => [
        t.id,
        t.seller,
        t.buyer,
        t.energyWh,
        t.amountMicro,
        toHex(t.offerTxHash),
        toHex(t.bidTxHash),
      ]),
      [
        ['0-0', prosumer1.address, consumer1.address, 1500, 225_000n, ids['P1'], ids['C1']],
        ['0-1', prosumer1.address, consumer2.address, 500, 75_000n, ids['P1'], ids['C2']],
      ],
    );
    const c2 = slot.settlements.find((s) => s.participant === consumer2.address);
    assert.equal(c2?.netPaymentMicro, 525_000n);
    assert.equal(c2?.lockedMicro, 600_000n);
    assert.equal(c2?.peerImportWh, 500);
    assert.equal(c2?.gridOnlyPaymentMicro, 600_000n);
    // The grid was paid 450,000 and paid out 100,000 (K8).
    assert.equal(market.contract.heldMicro(market.overlay), 350_000n);
    assert.equal(readMarketConfig(market.overlay)?.nextSlot, 1);
    // The commitments of seed 001 §4.8 are recorded at clearing.
    assert.equal(readParticipant(market.overlay, prosumer1.address)?.history.committedExportWh, 2000);
    assert.equal(readParticipant(market.overlay, consumer2.address)?.history.committedImportWh, 500);
    assert.equal(listTrades(state, { participant: consumer2.address }).length, 1);
  });

  it('gives byte-identical state changes when the same sequence runs again', () => {
    const first = runSlotZero().market.overlay.changes();
    const second = runSlotZero().market.overlay.changes();
    assert.deepEqual([...second.keys()].sort(), [...first.keys()].sort());
    for (const [key, value] of first) assert.deepEqual(second.get(key), value, key);
  });

  it('conserves money: Σ balances + held is unchanged by orders and clearing', () => {
    const market = communityMarket();
    const total = market.total();
    placeSlotZero(market);
    assert.equal(market.total(), total);
    assertValid(market.block(gateOf(0)));
    assert.equal(market.total(), total);
  });

  it('does not clear before the gate closes, and clears empty slots as zero records', () => {
    const market = communityMarket();
    placeSlotZero(market);
    assertValid(market.block(gateOf(0) - 1));
    assert.equal(readSlot(market.state(), 0)?.status, 'open');
    assertValid(market.block(gateOf(3)));
    assert.equal(readMarketConfig(market.overlay)?.nextSlot, 4);
    const empty = readSlot(market.state(), 2);
    assert.equal(empty?.status, 'cleared');
    assert.equal(empty?.orders.length, 0);
    assert.equal(empty?.result?.tradeCount, 0);
    assert.equal(empty?.result?.slotStartMs, gateOf(2) + 300_000);
    assert.equal(readSlot(market.state(), 4)?.status, 'open');
    assert.equal(readSlot(market.state(), 4)?.startMs, gateOf(4) + 300_000);
  });

  it('falls back to grid-only when the mechanism refuses the slot, and records why', () => {
    const market = communityMarket();
    const start = market.balance(consumer1.address);
    const config = readMarketConfig(market.overlay)!;
    // Parameters that passed an earlier check but that the mechanism refuses now (k outside [0, 1]).
    market.overlay.set(CONFIG_KEY, encodeConfig({ ...config, paramsJson: '{"k":3}' }));
    placeSlotZero(market);
    const total = market.total();
    assertValid(market.block(gateOf(0)));
    const slot = readSlot(market.state(), 0);
    assert.equal(slot?.result?.mechanism, 'grid-only');
    assert.match(slot?.result?.fallbackReason ?? '', /^[A-Z_]+: /);
    assert.equal(slot?.trades.length, 0);
    // Grid-only: C1 buys 1500 Wh at λb.
    assert.equal(market.balance(consumer1.address), start - 450_000n);
    assert.equal(market.total(), total);
  });

  it('stops at 10,000 slots per block and continues in the next block', () => {
    const market = communityMarket();
    assertValid(market.block(gateOf(0) + 12_000 * SLOT_MS));
    assert.equal(readMarketConfig(market.overlay)?.nextSlot, 10_000);
    assertValid(market.block(gateOf(0) + 12_000 * SLOT_MS + 1));
    assert.equal(readMarketConfig(market.overlay)?.nextSlot, 12_001);
  });
});

describe('market contract: money parameters and payments beyond escrow', () => {
  it('reads µcoin parameters from JSON as bigint and takes a payment above the lock from the balance', () => {
    // A fixed day price above λb (allowed by the mechanism) makes the buyer owe more than its lock at λb.
    const paramsJson = JSON.stringify({
      dayPriceMicroPerKwh: 500_000,
      tradingWindow: { startHourUtc: 0, endHourUtc: 24 },
      minSurplusWh: 0,
    });
    const market = communityMarket({ mechanism: 'fixed-price', paramsJson });
    const total = market.total();
    assertValid(market.send('offer', prosumer1, { slot: 0, energyWh: 1000 }));
    assertValid(market.send('bid', consumer1, { slot: 0, energyWh: 1000 }));
    // After its 300,000 lock, consumer1 has 100,000 left of the 200,000 excess it will owe.
    market.overlay.setAccount(consumer1.address, { balanceMicro: 100_000n, nonce: 0 });
    const adjusted = market.total();
    assertValid(market.block(gateOf(0)));
    const slot = readSlot(market.state(), 0);
    assert.equal(slot?.result?.mechanism, 'fixed-price', slot?.result?.fallbackReason);
    const c1 = slot?.settlements.find((s) => s.participant === consumer1.address);
    assert.equal(c1?.netPaymentMicro, 500_000n);
    assert.equal(c1?.unpaidMicro, 100_000n);
    assert.equal(slot?.result?.unpaidMicro, 100_000n);
    assert.equal(market.balance(consumer1.address), 0n);
    assert.equal(market.total(), adjusted);
    assert.notEqual(adjusted, total);
  });
});
