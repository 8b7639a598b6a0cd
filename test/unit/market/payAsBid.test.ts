/**
 * Discriminatory (pay-as-bid) double auction: reference §5.2 on case A for all three variants, with exact
 * micro-coin values; the clamp to [λs, λb]; the input checks.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isGridPeerError } from '../../../src/errors/index.js';
import { clearPayAsBid, pairPrice, payAsBid } from '../../../src/market/mechanisms/payAsBid.js';
import type { ClearingResult } from '../../../src/market/types.js';
import { CASE_A, order, payments, slot } from '../../helpers/poolCases.js';

function tradeRows(result: ClearingResult) {
  return result.trades.map((t) => [
    t.bidId,
    t.offerId,
    t.energyWh,
    t.priceMicroPerKwh,
    t.amountMicro,
    t.sellerAmountMicro,
  ]);
}

describe('pay-as-bid: reference §5.2 on case A', () => {
  it('(a) k = 0.5: pairs at 0.20 × 2, 0.215 × 1, 0.185 × 2; B1 pays 0.615, B2 0.37; S1 gets 0.40, S2 0.585', () => {
    const result = clearPayAsBid(CASE_A);
    assert.deepEqual(tradeRows(result), [
      ['B1', 'S1', 2000, 200_000n, 400_000n, 400_000n],
      ['B1', 'S2', 1000, 215_000n, 215_000n, 215_000n],
      ['B2', 'S2', 2000, 185_000n, 370_000n, 370_000n],
    ]);
    assert.deepEqual(payments(result), {
      B1: 615_000n,
      B2: 370_000n,
      B3: 900_000n,
      S1: -400_000n,
      S2: -585_000n,
      S3: -100_000n,
    });
    assert.equal(result.operatorMicro, 0n);
    assert.deepEqual(result.prices, {});
    assert.deepEqual(clearPayAsBid(CASE_A, { variant: 'k', k: 0.5 }), result);
  });

  it('(a) with k = 0 prices every pair at its ask', () => {
    const result = clearPayAsBid(CASE_A, { k: 0 });
    assert.deepEqual(
      result.trades.map((t) => t.priceMicroPerKwh),
      [120_000n, 150_000n, 150_000n],
    );
  });

  it('(b) the buyer pays its bid and the seller receives the same', () => {
    const result = clearPayAsBid(CASE_A, { variant: 'bid' });
    assert.deepEqual(tradeRows(result), [
      ['B1', 'S1', 2000, 280_000n, 560_000n, 560_000n],
      ['B1', 'S2', 1000, 280_000n, 280_000n, 280_000n],
      ['B2', 'S2', 2000, 220_000n, 440_000n, 440_000n],
    ]);
    assert.deepEqual(payments(result), {
      B1: 840_000n,
      B2: 440_000n,
      B3: 900_000n,
      S1: -560_000n,
      S2: -720_000n,
      S3: -100_000n,
    });
    assert.equal(result.operatorMicro, 0n);
  });

  it('(c) the buyer pays its bid, the seller receives its ask, the operator keeps the spread (0.59)', () => {
    const result = clearPayAsBid(CASE_A, { variant: 'bidAsk' });
    assert.deepEqual(tradeRows(result), [
      ['B1', 'S1', 2000, 280_000n, 560_000n, 240_000n],
      ['B1', 'S2', 1000, 280_000n, 280_000n, 150_000n],
      ['B2', 'S2', 2000, 220_000n, 440_000n, 300_000n],
    ]);
    assert.deepEqual(payments(result), {
      B1: 840_000n,
      B2: 440_000n,
      B3: 900_000n,
      S1: -240_000n,
      S2: -450_000n,
      S3: -100_000n,
    });
    // The spread is the gains from trade of §5.1: 0.59.
    assert.equal(result.operatorMicro, 590_000n);
  });

  it('is the ClearingMechanism payAsBid', () => {
    assert.equal(payAsBid.name, 'pay-as-bid');
    assert.deepEqual(payAsBid.clear(CASE_A, { variant: 'bid' }), clearPayAsBid(CASE_A, { variant: 'bid' }));
  });
});

describe('pay-as-bid: clamp to [λs, λb]', () => {
  const input = slot([
    order('B1', 'bid', 1000, { limitPriceMicroPerKwh: 500_000n }),
    order('S1', 'offer', 1000, { limitPriceMicroPerKwh: 20_000n }),
  ]);

  it('clamps every variant’s prices to the grid prices', () => {
    assert.equal(clearPayAsBid(input).trades[0]!.priceMicroPerKwh, 260_000n);
    assert.equal(clearPayAsBid(input, { variant: 'bid' }).trades[0]!.priceMicroPerKwh, 300_000n);
    const spread = clearPayAsBid(input, { variant: 'bidAsk' });
    assert.deepEqual(
      [spread.trades[0]!.amountMicro, spread.trades[0]!.sellerAmountMicro, spread.operatorMicro],
      [300_000n, 100_000n, 200_000n],
    );
  });

  it('pairPrice applies the variants to one pair', () => {
    assert.deepEqual(pairPrice(280_000n, 120_000n, 100_000n, 300_000n, 'k', 0.5), {
      buyerMicroPerKwh: 200_000n,
      sellerMicroPerKwh: 200_000n,
    });
    assert.deepEqual(pairPrice(280_000n, 120_000n, 100_000n, 300_000n, 'bidAsk'), {
      buyerMicroPerKwh: 280_000n,
      sellerMicroPerKwh: 120_000n,
    });
  });
});

describe('pay-as-bid: input checks', () => {
  it('rejects an unknown variant and k outside [0, 1]', () => {
    for (const params of [{ variant: 'c' }, { k: -0.1 }, { variant: 'k', k: 2 }]) {
      assert.throws(
        () => clearPayAsBid(CASE_A, params as never),
        (error) => isGridPeerError(error, 'MARKET_INVALID_INPUT'),
      );
    }
  });
});
