import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  listParticipants,
  listTrades,
  marketHeldMicro,
  readMarketConfig,
  readSlot,
  readTrade,
  slotToJSON,
  tradeKey,
  tradeToJSON,
} from '../../../src/contract/index.js';
import { assertValid } from '../../helpers/assertions.js';
import { communityMarket, consumer1, consumer2, gateOf, prosumer1, prosumer2 } from './marketFixtures.js';

function twoSlots() {
  const market = communityMarket();
  assertValid(market.send('offer', prosumer1, { slot: 0, energyWh: 1000, limitPriceMicroPerKwh: 100_000n }));
  assertValid(market.send('bid', consumer1, { slot: 0, energyWh: 1000, limitPriceMicroPerKwh: 250_000n }));
  assertValid(market.send('offer', prosumer2, { slot: 1, energyWh: 800, limitPriceMicroPerKwh: 100_000n }));
  assertValid(market.send('bid', consumer2, { slot: 1, energyWh: 800, limitPriceMicroPerKwh: 250_000n }));
  assertValid(market.block(gateOf(1)));
  return market;
}

describe('market contract: read helpers', () => {
  it('lists participants, trades newest first, and finds a trade by id and key', () => {
    const market = twoSlots();
    const state = market.state();
    assert.equal(listParticipants(state).length, 4);
    assert.ok(listParticipants(state).every((p) => p.status === 'approved'));
    const trades = listTrades(state);
    assert.deepEqual(
      trades.map((t) => t.id),
      ['1-0', '0-0'],
    );
    assert.deepEqual(
      listTrades(state, { slot: 0 }).map((t) => t.buyer),
      [consumer1.address],
    );
    assert.deepEqual(
      listTrades(state, { participant: prosumer2.address }).map((t) => t.id),
      ['1-0'],
    );
    assert.equal(listTrades(state, { limit: 1 }).length, 1);
    assert.equal(readTrade(state, '1-0')?.seller, prosumer2.address);
    assert.equal(readTrade(state, '9-0'), undefined);
    assert.equal(tradeKey('1-0'), 'mkt/trade/0000000001/0000000000');
    assert.equal(tradeKey('1-x'), undefined);
    assert.ok(state.get(tradeKey('0-0')!));
  });

  it('gives JSON views with decimal strings for µcoin and hex for hashes', () => {
    const state = twoSlots().state();
    const trade = tradeToJSON(readTrade(state, '0-0')!);
    assert.equal(typeof trade.amountMicro, 'string');
    assert.match(trade.offerTxHash, /^[0-9a-f]{64}$/);
    const slot = slotToJSON(readSlot(state, 0)!);
    assert.equal(slot.status, 'cleared');
    assert.equal(slot.gridPrice.importMicroPerKwh, '300000');
    assert.equal(typeof slot.result?.operatorMicro, 'string');
    assert.doesNotThrow(() => JSON.stringify(slot));
  });

  it('reads the schedule and the held coins, and nothing for slots outside it', () => {
    const market = twoSlots();
    const state = market.state();
    assert.equal(readMarketConfig(state)?.nextSlot, 2);
    assert.equal(marketHeldMicro(state), market.contract.heldMicro(market.overlay));
    assert.equal(readSlot(state, -1), undefined);
    assert.equal(readSlot(state, 5)?.status, 'open');
  });
});
