import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  applyTrustGating,
  referencePrice,
  TRUST_ACCESS_PERCENT,
  visibleOfferCount,
  visibleOffers,
  withTrustGating,
} from '../../../src/market/trust.js';
import type { TrustRating } from '../../../src/market/types.js';
import { assertThrowsCoded } from '../../helpers/assertions.js';
import { caseA, coin, meritOrderMechanism, order, slot } from '../../helpers/welfareFixtures.js';

// Reference §6.1 example: the offers 0.12, 0.15 and 0.25.
const offers = [
  order('S1', 'offer', 2000, '0.12'),
  order('S2', 'offer', 3000, '0.15'),
  order('S3', 'offer', 1000, '0.25'),
];
const book = slot(offers);
const seen = (trp: TrustRating, rounding: 'ceil' | 'floor') =>
  visibleOffers(offers, trp, book, { rounding, listing: 'price' }).map((o) => o.id);

describe('visibleOffers (reference §6.1 example)', () => {
  it('f = {1: 50, 2: 75, 3: 90, 4: 100} %', () => {
    assert.deepEqual(TRUST_ACCESS_PERCENT, { 1: 50, 2: 75, 3: 90, 4: 100 });
  });

  it('ceil: TRP1 sees {0.15, 0.25}; TRP2–4 see all three', () => {
    assert.deepEqual(seen(1, 'ceil'), ['S2', 'S3']);
    assert.deepEqual(seen(2, 'ceil'), ['S1', 'S2', 'S3']);
    assert.deepEqual(seen(3, 'ceil'), ['S1', 'S2', 'S3']);
    assert.deepEqual(seen(4, 'ceil'), ['S1', 'S2', 'S3']);
  });

  it('floor: TRP1 sees {0.25}; TRP2 and TRP3 the two dearest; TRP4 all three', () => {
    assert.deepEqual(seen(1, 'floor'), ['S3']);
    assert.deepEqual(seen(2, 'floor'), ['S2', 'S3']);
    assert.deepEqual(seen(3, 'floor'), ['S2', 'S3']);
    assert.deepEqual(seen(4, 'floor'), ['S1', 'S2', 'S3']);
  });

  it('visibleOfferCount in integers (no 0.9·10 float surprises)', () => {
    assert.equal(visibleOfferCount(10, 3), 9);
    assert.equal(visibleOfferCount(10, 3, { rounding: 'floor' }), 9);
    assert.equal(visibleOfferCount(1, 1, { rounding: 'floor' }), 0);
    assert.equal(visibleOfferCount(1, 1), 1);
    assert.equal(visibleOfferCount(0, 4), 0);
  });

  it('listing: by seller TRP (default) or by price', () => {
    const rated = [
      order('S1', 'offer', 2000, '0.12', { trustRating: 2 }),
      order('S2', 'offer', 3000, '0.15', { trustRating: 3 }),
      order('S3', 'offer', 1000, '0.25', { trustRating: 4 }),
    ];
    const input = slot(rated);
    assert.deepEqual(
      visibleOffers(rated, 4, input).map((o) => o.id),
      ['S3', 'S2', 'S1'],
    );
    assert.deepEqual(
      visibleOffers(rated, 4, input, { listing: 'price' }).map((o) => o.id),
      ['S1', 'S2', 'S3'],
    );
  });

  it('quantity access: every offer is visible', () => {
    assert.deepEqual(
      visibleOffers(offers, 1, book, { access: 'quantity', listing: 'price' }).map((o) => o.id),
      ['S1', 'S2', 'S3'],
    );
  });

  it('rejects access percentages outside 0–100', () => {
    assertThrowsCoded(
      () => visibleOfferCount(3, 1, { accessPercent: { 1: 150, 2: 75, 3: 90, 4: 100 } }),
      'MARKET_INVALID_INPUT',
    );
  });
});

describe('applyTrustGating', () => {
  // Case A with the example file's ratings: S1 4, S2 3, S3 2; B1 4, B2 1, B3 3.
  const ratings = {
    S1: { trustRating: 4 as const },
    S2: { trustRating: 3 as const },
    S3: { trustRating: 2 as const },
    B1: { trustRating: 4 as const },
    B2: { trustRating: 1 as const },
    B3: { trustRating: 3 as const },
  };

  it('matches buyers by TRP desc; a TRP1 buyer sees only the dearest open offer', () => {
    const m = applyTrustGating(caseA(ratings));
    assert.deepEqual(m.bidOrder, ['B1', 'B3', 'B2']);
    assert.deepEqual(m.visibleOfferIds, { B1: ['S1', 'S2', 'S3'], B3: ['S2', 'S3'], B2: ['S3'] });
    assert.deepEqual(
      m.matches.map((x) => [x.bidId, x.offerId, x.energyWh]),
      [
        ['B1', 'S1', 2000],
        ['B1', 'S2', 1000],
      ],
    );
    // B2 (bid 0.22) could have bought from S2 at 0.15, but at TRP1 it sees only S3 at 0.25.
    assert.deepEqual(m.unmatchedBidWh, { B1: 0, B3: 3000, B2: 2000 });
    assert.deepEqual(m.unmatchedOfferWh, { S1: 0, S2: 2000, S3: 1000 });
  });

  it('ties in TRP go to the higher bid, then to time', () => {
    const input = slot([
      order('S', 'offer', 1000, '0.10'),
      order('low', 'bid', 1000, '0.20', { trustRating: 4, sequence: 0 }),
      order('high', 'bid', 1000, '0.29', { trustRating: 4, sequence: 1 }),
      order('trusted', 'bid', 1000, '0.11', { trustRating: 4, sequence: 2 }),
      order('rich', 'bid', 1000, '0.30', { trustRating: 3, sequence: 3 }),
    ]);
    const m = applyTrustGating(input);
    assert.deepEqual(m.bidOrder, ['high', 'low', 'trusted', 'rich']);
    assert.deepEqual(
      m.matches.map((x) => x.bidId),
      ['high'],
    );
  });

  it('quantity access caps a buyer’s peer energy at f of its bid (rounded)', () => {
    const input = slot([
      order('S', 'offer', 5000, '0.10', { trustRating: 4 }),
      order('B', 'bid', 3001, '0.28', { trustRating: 1 }),
    ]);
    assert.equal(applyTrustGating(input, { access: 'quantity' }).matches[0]?.energyWh, 1501);
    assert.equal(applyTrustGating(input, { access: 'quantity', rounding: 'floor' }).matches[0]?.energyWh, 1500);
  });

  it('a participant never buys its own offer; orders without TRP use the default rating', () => {
    const input = slot([
      order('own', 'offer', 1000, '0.10', { participant: 'P' }),
      order('other', 'offer', 1000, '0.20', { participant: 'Q' }),
      order('bid', 'bid', 2000, '0.28', { participant: 'P' }),
    ]);
    const m = applyTrustGating(input);
    // TRP1 by default: ceil(0.5·1) = 1 of the one offer that is not its own.
    assert.deepEqual(m.visibleOfferIds, { bid: ['other'] });
    assert.deepEqual(
      m.matches.map((x) => x.offerId),
      ['other'],
    );
  });
});

describe('withTrustGating', () => {
  const uniform = meritOrderMechanism(coin('0.185'));

  it('prices gated pairs at the wrapped mechanism’s price clamped to [ask, bid]: low TRP pays the dear offer', () => {
    const input = slot([
      order('S1', 'offer', 2000, '0.12', { trustRating: 4 }),
      order('S3', 'offer', 2000, '0.25', { trustRating: 4 }),
      order('Bhigh', 'bid', 1000, '0.28', { trustRating: 4 }),
      order('Blow', 'bid', 1000, '0.28', { trustRating: 1 }),
    ]);
    const gated = withTrustGating(uniform);
    assert.equal(gated.name, 'merit-order+trust');
    const result = gated.clear(input);
    const price = Object.fromEntries(result.trades.map((t) => [t.bidId, t.priceMicroPerKwh]));
    assert.deepEqual(price, { Bhigh: coin('0.185'), Blow: coin('0.25') });
    assert.equal(result.prices.clearingPriceMicroPerKwh, undefined);
    // At Blow's turn both offers are still open (S1 has 1 kWh left): TRP1 sees only the dearer one.
    assert.deepEqual(
      result.trades.map((t) => t.offerId),
      ['S1', 'S3'],
    );
    assert.equal(result.gridImportWh, 0);
    assert.equal(result.gridExportWh, 2000);
  });

  it('case A with ratings: matched energy trades, the rest goes to the grid; the budget identity holds exactly', () => {
    const input = caseA({
      S1: { trustRating: 4 },
      S2: { trustRating: 3 },
      S3: { trustRating: 2 },
      B1: { trustRating: 4 },
      B2: { trustRating: 1 },
      B3: { trustRating: 3 },
    });
    const result = withTrustGating(uniform).clear(input);
    assert.deepEqual(
      result.trades.map((t) => [t.bidId, t.offerId, t.energyWh, t.priceMicroPerKwh]),
      [
        ['B1', 'S1', 2000, coin('0.185')],
        ['B1', 'S2', 1000, coin('0.185')],
      ],
    );
    assert.equal(result.prices.clearingPriceMicroPerKwh, coin('0.185'));
    assert.equal(result.gridImportWh, 5000);
    assert.equal(result.gridExportWh, 3000);
    const b2 = result.settlements.find((s) => s.participant === 'B2')!;
    assert.equal(b2.netPaymentMicro, 600_000n);
    assert.equal(b2.peerImportWh, 0);
    const net = result.settlements.reduce((sum, s) => sum + s.netPaymentMicro, 0n);
    assert.equal(net, result.gridImportCostMicro - result.gridExportRevenueMicro + result.operatorMicro);
    assert.equal(result.operatorMicro, 0n);
  });

  it('pricing settings: offer, bid, mid', () => {
    const input = slot([
      order('S', 'offer', 1000, '0.12', { trustRating: 4 }),
      order('B', 'bid', 1000, '0.28', { trustRating: 4 }),
    ]);
    const priceWith = (pricing: 'offer' | 'bid' | 'mid') =>
      withTrustGating(uniform, { pricing }).clear(input).trades[0]?.priceMicroPerKwh;
    assert.equal(priceWith('offer'), coin('0.12'));
    assert.equal(priceWith('bid'), coin('0.28'));
    assert.equal(priceWith('mid'), coin('0.20'));
  });

  it('referencePrice: uniform price, else seller price, else average trade price, else none', () => {
    const input = caseA();
    const mid = meritOrderMechanism().clear(input);
    // (0.40 + 0.215 + 0.37) / 5 kWh = 0.197
    assert.equal(referencePrice(mid), coin('0.197'));
    assert.equal(referencePrice({ ...mid, prices: { sellPriceMicroPerKwh: 7n, buyPriceMicroPerKwh: 9n } }), 7n);
    assert.equal(referencePrice({ ...mid, prices: { clearingPriceMicroPerKwh: 5n } }), 5n);
    assert.equal(referencePrice({ ...mid, trades: [] }), undefined);
  });
});
