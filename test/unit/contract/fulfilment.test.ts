import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readParticipant, readSlot } from '../../../src/contract/index.js';
import { assertRejects, assertValid } from '../../helpers/assertions.js';
import {
  communityMarket,
  consumer1,
  consumer2,
  gateOf,
  type Market,
  meterOf,
  outsider,
  prosumer1,
  prosumer2,
} from './marketFixtures.js';

/** P1 sells 1000 Wh to C1 at the uniform price (k = 0.5 between 100,000 and 250,000 → 175,000 µcoin/kWh). */
function tradedSlot(): Market {
  const market = communityMarket();
  assertValid(market.send('offer', prosumer1, { slot: 0, energyWh: 1000, limitPriceMicroPerKwh: 100_000n }));
  assertValid(market.send('bid', consumer1, { slot: 0, energyWh: 1000, limitPriceMicroPerKwh: 250_000n }));
  assertValid(market.block(gateOf(0)));
  return market;
}

function meterReading(market: Market, byte: number, participant: string, deliveredWh: number, consumedWh: number) {
  const meter = meterOf(byte);
  return market.sendFrom('meter', meter.publicKey, meter.address, { participant, slot: 0, deliveredWh, consumedWh });
}

describe('market contract: metering and fulfilment (seed 001 §4.8, MISSION K10)', () => {
  it('charges a seller its shortfall at the grid price plus the penalty, and updates its history', () => {
    const market = tradedSlot();
    assert.equal(readSlot(market.state(), 0)?.trades.length, 1);
    const before = market.balance(prosumer1.address);
    const held = market.contract.heldMicro(market.overlay);
    const total = market.total();
    // Committed 1000 Wh, delivered 600: 400 Wh at λb 300,000 (120,000) + at the 50,000 penalty (20,000).
    assertValid(meterReading(market, 11, prosumer1.address, 600, 150));
    assert.equal(market.balance(prosumer1.address), before - 140_000n);
    assert.equal(market.contract.heldMicro(market.overlay), held + 140_000n);
    assert.equal(market.total(), total);
    const settlement = readSlot(market.state(), 0)?.settlements.find((s) => s.participant === prosumer1.address);
    assert.equal(settlement?.metered, true);
    assert.equal(settlement?.shortfallWh, 400);
    assert.equal(settlement?.shortfallCostMicro, 120_000n);
    assert.equal(settlement?.penaltyMicro, 20_000n);
    assert.equal(settlement?.unpaidMicro, 0n);
    const history = readParticipant(market.overlay, prosumer1.address)?.history;
    assert.deepEqual(history, {
      committedExportWh: 1000,
      deliveredWh: 600,
      shortfallWh: 400,
      committedImportWh: 0,
      consumedWh: 150,
      meteredSlots: 1,
      shortfallSlots: 1,
      ratingSum: 0,
      ratingCount: 0,
    });
  });

  it('charges nothing for a delivered commitment and records readings without trades', () => {
    const market = tradedSlot();
    const before = market.balance(prosumer1.address);
    assertValid(meterReading(market, 11, prosumer1.address, 1200, 0));
    assert.equal(market.balance(prosumer1.address), before);
    assertValid(meterReading(market, 22, consumer2.address, 0, 800));
    const c2 = readParticipant(market.overlay, consumer2.address)?.history;
    assert.equal(c2?.consumedWh, 800);
    assert.equal(c2?.meteredSlots, 1);
    assert.equal(c2?.shortfallSlots, 0);
    const settlement = readSlot(market.state(), 0)?.settlements.find((s) => s.participant === consumer2.address);
    assert.equal(settlement?.metered, true);
    assert.equal(settlement?.netPaymentMicro, 0n);
  });

  it('takes what the balance holds and records the rest unpaid, never refusing the reading', () => {
    const market = tradedSlot();
    market.overlay.setAccount(prosumer1.address, { balanceMicro: 50_000n, nonce: 0 });
    const total = market.total();
    assertValid(meterReading(market, 11, prosumer1.address, 0, 0));
    // Owed 300,000 (grid) + 50,000 (penalty); 50,000 is there.
    assert.equal(market.balance(prosumer1.address), 0n);
    const settlement = readSlot(market.state(), 0)?.settlements.find((s) => s.participant === prosumer1.address);
    assert.equal(settlement?.unpaidMicro, 300_000n);
    assert.equal(market.total(), total);
  });

  it('accepts readings only from the participant’s own meter, once, for a cleared slot', () => {
    const market = tradedSlot();
    assertRejects(
      market.sendFrom('meter', outsider.publicKey, outsider.address, {
        participant: prosumer1.address,
        slot: 0,
        deliveredWh: 1,
        consumedWh: 1,
      }),
      'METER_UNKNOWN',
    );
    assertRejects(meterReading(market, 12, prosumer1.address, 1000, 0), 'METER_NOT_PARTICIPANTS');
    const meter = meterOf(11);
    assertRejects(
      market.sendFrom('meter', meter.publicKey, meter.address, {
        participant: prosumer1.address,
        slot: 1,
        deliveredWh: 0,
        consumedWh: 0,
      }),
      'SLOT_NOT_CLEARED',
    );
    assertValid(meterReading(market, 11, prosumer1.address, 1000, 0));
    assertRejects(meterReading(market, 11, prosumer1.address, 1000, 0), 'METER_DUPLICATE');
    assertValid(meterReading(market, 12, prosumer2.address, 0, 0));
  });
});

describe('market contract: ratings (MISSION K13)', () => {
  it('lets each side of a trade rate the other once, 1–5 stars', () => {
    const market = tradedSlot();
    assertRejects(
      market.send('rate', consumer1, { counterparty: prosumer1.address, slot: 0, stars: 0 }),
      'RATE_BAD_STARS',
    );
    assertRejects(
      market.send('rate', consumer1, { counterparty: prosumer1.address, slot: 0, stars: 6 }),
      'RATE_BAD_STARS',
    );
    assertValid(market.send('rate', consumer1, { counterparty: prosumer1.address, slot: 0, stars: 4 }));
    assertRejects(
      market.send('rate', consumer1, { counterparty: prosumer1.address, slot: 0, stars: 5 }),
      'RATE_DUPLICATE',
    );
    assertValid(market.send('rate', prosumer1, { counterparty: consumer1.address, slot: 0, stars: 2 }));
    assert.deepEqual(
      [
        readParticipant(market.overlay, prosumer1.address)?.history.ratingSum,
        readParticipant(market.overlay, prosumer1.address)?.history.ratingCount,
        readParticipant(market.overlay, consumer1.address)?.history.ratingSum,
      ],
      [4, 1, 2],
    );
  });

  it('refuses ratings without a trade between the two in that slot', () => {
    const market = tradedSlot();
    assertRejects(
      market.send('rate', consumer2, { counterparty: prosumer1.address, slot: 0, stars: 3 }),
      'RATE_NO_TRADE',
    );
    assertRejects(
      market.send('rate', consumer1, { counterparty: prosumer1.address, slot: 1, stars: 3 }),
      'RATE_NO_TRADE',
    );
    assertRejects(market.send('rate', consumer1, { counterparty: consumer1.address, slot: 0, stars: 3 }), 'RATE_SELF');
  });
});
