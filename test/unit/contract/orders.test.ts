import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readMarketConfig, readOrder, readParticipant } from '../../../src/contract/index.js';
import { toHex } from '../../../src/crypto/index.js';
import { assertRejects, assertValid } from '../../helpers/assertions.js';
import {
  admin,
  communityMarket,
  consumer1,
  consumer2,
  gateOf,
  LAMBDA_B,
  Market,
  meterOf,
  openPayload,
  outsider,
  prosumer1,
  SLOT_MS,
} from './marketFixtures.js';

describe('market contract: schedule', () => {
  it('opens at slot 0, with the administrator only, once', () => {
    const market = new Market();
    assertRejects(market.send('market', consumer1, openPayload()), 'NOT_ADMIN');
    assertRejects(market.send('market', admin, { action: 'close' }), 'MARKET_NOT_OPEN');
    assertValid(market.send('market', admin, openPayload()));
    const config = readMarketConfig(market.overlay);
    assert.equal(config?.open, true);
    assert.equal(config?.firstSlot, 0);
    assert.equal(config?.nextSlot, 0);
    assert.equal(config?.lastSlot, null);
    assertRejects(market.send('market', admin, openPayload()), 'MARKET_ALREADY_OPEN');
  });

  it('refuses an unknown mechanism, bad parameters, short slots and inverted grid prices', () => {
    const market = new Market();
    assertRejects(market.send('market', admin, openPayload({ mechanism: 'barter' })), 'MARKET_BAD_MECHANISM');
    assertRejects(market.send('market', admin, openPayload({ paramsJson: '[1]' })), 'MARKET_BAD_PARAMS');
    assertRejects(market.send('market', admin, openPayload({ paramsJson: '{k:1' })), 'MARKET_BAD_PARAMS');
    assertRejects(market.send('market', admin, openPayload({ paramsJson: '{"k":7}' })), 'MARKET_BAD_PARAMS');
    assertRejects(market.send('market', admin, openPayload({ slotDurationMs: 999 })), 'MARKET_BAD_SCHEDULE');
    assertRejects(market.send('market', admin, openPayload({ gridPrices: [] })), 'MARKET_BAD_GRID_PRICES');
    assertRejects(
      market.send('market', admin, openPayload({ gridPrices: [{ importMicroPerKwh: 1n, exportMicroPerKwh: 2n }] })),
      'MARKET_BAD_GRID_PRICES',
    );
  });

  it('closes after the slot whose gate closes next; reopens once those slots cleared, numbering on', () => {
    const market = communityMarket();
    market.timestampMs = gateOf(2) - 1; // slot 2's gate is the next to close
    assertValid(market.send('bid', consumer1, { slot: 5, energyWh: 100 }));
    assertValid(market.send('market', admin, { action: 'close' }));
    assert.equal(readMarketConfig(market.overlay)?.lastSlot, 5);
    assertRejects(market.send('bid', consumer1, { slot: 6, energyWh: 100 }), 'MARKET_CLOSED');
    assertValid(market.send('bid', consumer1, { slot: 4, energyWh: 100 }));
    assertRejects(market.send('market', admin, openPayload({ startMs: gateOf(20) })), 'MARKET_STILL_CLEARING');
    assertValid(market.block(gateOf(30)));
    const config = readMarketConfig(market.overlay);
    assert.equal(config?.nextSlot, 6, 'clearing stops after the last slot of a closed schedule');
    assertValid(market.send('market', admin, openPayload({ startMs: gateOf(40) })));
    assert.equal(readMarketConfig(market.overlay)?.firstSlot, 6);
  });
});

describe('market contract: orders (seed 000 §5 guideline 3)', () => {
  it('refuses orders of a participant the administrator has not approved', () => {
    const market = communityMarket();
    assertRejects(market.send('offer', outsider, { slot: 0, energyWh: 500 }), 'PARTICIPANT_NOT_APPROVED');
    assertValid(
      market.send('register', outsider, {
        role: 'consumer',
        meterPublicKey: meterOf(30).publicKey,
        pvW: 0,
        batteryWh: 0,
        location: '',
      }),
    );
    assertRejects(market.send('bid', outsider, { slot: 0, energyWh: 500 }), 'PARTICIPANT_NOT_APPROVED');
  });

  it('locks a bid at max(limit, λb) in escrow and refuses one beyond the balance', () => {
    const market = communityMarket();
    const before = market.balance(consumer1.address);
    assertValid(market.send('bid', consumer1, { slot: 0, energyWh: 2000, limitPriceMicroPerKwh: 200_000n }));
    // Below λb the lock is at λb: the unmatched part is bought from the grid at that price (K8).
    assert.equal(market.balance(consumer1.address), before - 600_000n);
    assertValid(market.send('bid', consumer1, { slot: 0, energyWh: 1000, limitPriceMicroPerKwh: 400_000n }));
    assert.equal(market.balance(consumer1.address), before - 1_000_000n);
    assert.equal(readParticipant(market.overlay, consumer1.address)?.escrowMicro, 1_000_000n);
    assert.equal(market.contract.heldMicro(market.overlay), 1_000_000n);

    const balance = market.balance(consumer1.address);
    const tooMuchWh = Number((balance * 1000n) / LAMBDA_B) + 10;
    assertRejects(market.send('bid', consumer1, { slot: 0, energyWh: tooMuchWh }), 'MARKET_INSUFFICIENT_BALANCE');
    assert.equal(market.balance(consumer1.address), balance);
  });

  it('offers lock nothing and record their order with a global sequence', () => {
    const market = communityMarket();
    const before = market.balance(prosumer1.address);
    assertValid(market.send('offer', prosumer1, { slot: 1, energyWh: 700, limitPriceMicroPerKwh: 90_000n }));
    const offerId = toHex(market.lastTxHash);
    assertValid(market.send('bid', consumer2, { slot: 0, energyWh: 100 }));
    assert.equal(market.balance(prosumer1.address), before);
    const order = readOrder(market.overlay, offerId);
    assert.equal(order?.side, 'offer');
    assert.equal(order?.slot, 1);
    assert.equal(order?.index, 0);
    assert.equal(order?.sequence, 0);
    assert.equal(order?.lockedMicro, 0n);
    assert.equal(order?.limitPriceMicroPerKwh, 90_000n);
    assert.equal(order?.status, 'open');
  });

  it('cancels an own open order and releases its lock', () => {
    const market = communityMarket();
    const before = market.balance(consumer1.address);
    assertValid(market.send('bid', consumer1, { slot: 0, energyWh: 1000 }));
    const bid = market.lastTxHash;
    assert.equal(market.balance(consumer1.address), before - 300_000n);
    assertRejects(market.send('cancel', consumer2, { orderTxHash: bid }), 'ORDER_NOT_YOURS');
    assertRejects(market.send('cancel', consumer1, { orderTxHash: new Uint8Array(32) }), 'ORDER_UNKNOWN');
    assertValid(market.send('cancel', consumer1, { orderTxHash: bid }));
    assert.equal(market.balance(consumer1.address), before);
    assert.equal(market.contract.heldMicro(market.overlay), 0n);
    assert.equal(readOrder(market.overlay, toHex(bid))?.status, 'cancelled');
    assertRejects(market.send('cancel', consumer1, { orderTxHash: bid }), 'ORDER_NOT_OPEN');
  });

  it('refuses orders and cancellations after the slot gate closed', () => {
    const market = communityMarket();
    assertValid(market.send('bid', consumer1, { slot: 1, energyWh: 1000 }));
    const bid = market.lastTxHash;
    market.timestampMs = gateOf(0);
    assertRejects(market.send('offer', prosumer1, { slot: 0, energyWh: 500 }), 'MARKET_GATE_CLOSED');
    assertValid(market.send('offer', prosumer1, { slot: 1, energyWh: 500 }));
    market.timestampMs = gateOf(1);
    assertRejects(market.send('cancel', consumer1, { orderTxHash: bid }), 'MARKET_GATE_CLOSED');
  });

  it('refuses slots outside the schedule or too far ahead', () => {
    const market = new Market();
    market.fund(consumer1.address, 1_000_000n);
    assertValid(
      market.send('register', consumer1, {
        role: 'consumer',
        meterPublicKey: meterOf(21).publicKey,
        pvW: 0,
        batteryWh: 0,
        location: '',
      }),
    );
    assertValid(market.send('approve', admin, { participant: consumer1.address }));
    assertRejects(market.send('bid', consumer1, { slot: 0, energyWh: 10 }), 'MARKET_CLOSED');
    assertValid(market.send('market', admin, openPayload({ maxSlotsAhead: 3 })));
    assertValid(market.send('bid', consumer1, { slot: 3, energyWh: 10 }));
    assertRejects(market.send('bid', consumer1, { slot: 4, energyWh: 10 }), 'MARKET_SLOT_TOO_FAR');
    // The window moves with time: after slot 0's gate, slot 1 is the next to close.
    market.timestampMs = gateOf(0) + SLOT_MS / 2;
    assertValid(market.send('bid', consumer1, { slot: 4, energyWh: 10 }));
  });
});
