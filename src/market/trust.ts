/**
 * @module market/trust
 * Trust-rating-point (TRP) gating of market access (MISSION C4; seed `001_908529126f17c996.txt` §3.5; reference
 * §6.1, all [R]). The seed: TRP 1–4 grant access to 50/75/90/100 % of the market; offers of sellers with higher
 * TRP are listed first; the lowest-TRP buyers get "only the most costly price still available"; traders with
 * higher TRP are matched first. The reconstruction (reference §6.1):
 * ```
 * f(TRP)              = {1: 0.50, 2: 0.75, 3: 0.90, 4: 1.00}
 * visible_offers(buyer) = the ceil(f·N) MOST EXPENSIVE of the N open offers
 * matching order      = buyers by TRP desc, then bid desc, then time
 * ```
 * Each ambiguity the reference flags is a setting of {@link TrustGatingParams}: (i) `access` (offers or
 * quantity), (ii) `rounding`, (iii) `listing`. (iv), how TRP moves with behaviour, is not the market's concern:
 * the ratings arrive on the orders (`Order.trustRating`).
 *
 * Gating decides who trades with whom, so it cannot be a plain transformation of the input that any mechanism
 * then clears: a pool mechanism (SDR, MMR, bill sharing) would re-pool the energy and an auction would re-match
 * it. {@link withTrustGating} therefore does the matching itself ({@link applyTrustGating}) and takes only the
 * price from the wrapped mechanism; the rest goes to the grid (K8). See {@link withTrustGating} for exactly what
 * it does.
 */
import { GridPeerError } from '../errors/index.js';
import { costMicro, divRound } from './money.js';
import { buildResult, FlowBook } from './result.js';
import type { ClearingMechanism, ClearingResult, Order, SlotInput, Trade, TrustRating } from './types.js';
import { effectiveLimitMicroPerKwh } from './welfare.js';

/** Seed 001 §3.5: TRP 1, 2, 3, 4 → 50, 75, 90, 100 % of the market (integer percent: no float rounding). */
export const TRUST_ACCESS_PERCENT: Readonly<Record<TrustRating, number>> = { 1: 50, 2: 75, 3: 90, 4: 100 };

export interface TrustGatingParams {
  /**
   * What the percentage limits, reference §6.1 (i). `offers` (default): a buyer sees only the f·N most expensive
   * of the N offers still open at its turn. `quantity`: a buyer sees every open offer but takes at most f of its
   * bid's energy from peers ("the quantity of bids or offers that a prosumer can obtain").
   */
  readonly access?: 'offers' | 'quantity';
  /** Rounding of f·N (or f·energyWh under `quantity`), reference §6.1 (ii). Default `ceil`. */
  readonly rounding?: 'ceil' | 'floor';
  /**
   * Order in which a buyer walks its visible offers, reference §6.1 (iii). `trust` (default, the seed's "sellers
   * with the greatest TRPs have to be at the top of the list"): seller TRP desc, then price asc; `price`: price
   * asc, then seller TRP desc. Ties then by sequence and id.
   */
  readonly listing?: 'trust' | 'price';
  /** Access percentages per TRP (default {@link TRUST_ACCESS_PERCENT}); integers 0–100. */
  readonly accessPercent?: Readonly<Record<TrustRating, number>>;
  /** TRP of an order without one. Default 1: types.ts defines TRP 1 as "new or poor record". */
  readonly defaultTrustRating?: TrustRating;
  /**
   * Price of each gated trade, µcoin/kWh. `mechanism` (default): the wrapped mechanism's price for the same slot
   * (see {@link withTrustGating}) clamped into the pair's [ask, bid]; `offer`: the seller's ask (the seed's buyer
   * "gets the price" of the offer it can reach); `mid`: (ask + bid)/2; `bid`: the buyer's bid.
   */
  readonly pricing?: 'mechanism' | 'offer' | 'mid' | 'bid';
}

interface Settings {
  readonly access: 'offers' | 'quantity';
  readonly rounding: 'ceil' | 'floor';
  readonly listing: 'trust' | 'price';
  readonly accessPercent: Readonly<Record<TrustRating, number>>;
  readonly defaultTrustRating: TrustRating;
  readonly pricing: 'mechanism' | 'offer' | 'mid' | 'bid';
}

function settings(params: TrustGatingParams): Settings {
  const accessPercent = params.accessPercent ?? TRUST_ACCESS_PERCENT;
  for (const trp of [1, 2, 3, 4] as const) {
    const pct = accessPercent[trp];
    if (!Number.isInteger(pct) || pct < 0 || pct > 100) {
      throw new GridPeerError('MARKET_INVALID_INPUT', 'accessPercent must map TRP 1–4 to integers in [0, 100]', {
        trustRating: trp,
        value: pct,
      });
    }
  }
  return {
    access: params.access ?? 'offers',
    rounding: params.rounding ?? 'ceil',
    listing: params.listing ?? 'trust',
    accessPercent,
    defaultTrustRating: params.defaultTrustRating ?? 1,
    pricing: params.pricing ?? 'mechanism',
  };
}

/** round(percent·n/100) with the configured rounding, in integers. */
function share(n: number, percent: number, rounding: 'ceil' | 'floor'): number {
  const scaled = percent * n;
  return rounding === 'ceil' ? Math.ceil(scaled / 100) : Math.floor(scaled / 100);
}

/** How many of `openOffers` offers a buyer with `trustRating` sees: ceil or floor of f·N (reference §6.1). */
export function visibleOfferCount(
  openOffers: number,
  trustRating: TrustRating,
  params: TrustGatingParams = {},
): number {
  const s = settings(params);
  return Math.min(openOffers, share(openOffers, s.accessPercent[trustRating], s.rounding));
}

const byTime = (a: Order, b: Order) =>
  (a.sequence ?? 0) - (b.sequence ?? 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const compareBig = (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0);

function listingComparator(input: SlotInput, s: Settings): (a: Order, b: Order) => number {
  const trp = (o: Order) => o.trustRating ?? s.defaultTrustRating;
  const price = (o: Order) => effectiveLimitMicroPerKwh(o, input);
  return s.listing === 'trust'
    ? (a, b) => trp(b) - trp(a) || compareBig(price(a), price(b)) || byTime(a, b)
    : (a, b) => compareBig(price(a), price(b)) || trp(b) - trp(a) || byTime(a, b);
}

/**
 * The offers a buyer with `trustRating` may trade with, in listing order: the visibleOfferCount(N) most expensive
 * of `openOffers` (ties in price: those listed first), then sorted by the listing order. Under `access:
 * 'quantity'` every offer is visible.
 */
export function visibleOffers(
  openOffers: readonly Order[],
  trustRating: TrustRating,
  input: SlotInput,
  params: TrustGatingParams = {},
): Order[] {
  const s = settings(params);
  const listing = listingComparator(input, s);
  if (s.access === 'quantity') return [...openOffers].sort(listing);
  const count = visibleOfferCount(openOffers.length, trustRating, params);
  const mostExpensiveFirst = [...openOffers].sort(
    (a, b) => compareBig(effectiveLimitMicroPerKwh(b, input), effectiveLimitMicroPerKwh(a, input)) || listing(a, b),
  );
  return mostExpensiveFirst.slice(0, count).sort(listing);
}

export interface GatedMatch {
  readonly bidId: string;
  readonly offerId: string;
  readonly buyer: string;
  readonly seller: string;
  readonly energyWh: number;
}

export interface TrustGatedMatching {
  /** Peer matches in the order they were made. */
  readonly matches: readonly GatedMatch[];
  /** Bid ids in matching order: TRP desc, then bid desc, then sequence, then id. */
  readonly bidOrder: readonly string[];
  /** Per bid: the offer ids it could see at its turn, in listing order. */
  readonly visibleOfferIds: Readonly<Record<string, readonly string[]>>;
  /** What is left for the grid, Wh by order id (every order appears, 0 when fully matched). */
  readonly unmatchedBidWh: Readonly<Record<string, number>>;
  readonly unmatchedOfferWh: Readonly<Record<string, number>>;
}

/**
 * TRP-gated matching of one slot (reference §6.1). Buyers (bids) take turns by TRP desc, bid desc, sequence, id.
 * At its turn a buyer sees the offers still open (remaining energy > 0, not its own participant's) filtered by
 * {@link visibleOffers}; it walks them in listing order and takes from each whose ask ≤ its bid (limits; absent
 * = the grid price on that side, so a limitless book always crosses) until its energy (under `access:
 * 'quantity'`, its share f·energyWh) is met. Pure.
 */
export function applyTrustGating(input: SlotInput, params: TrustGatingParams = {}): TrustGatedMatching {
  const s = settings(params);
  const trp = (o: Order) => o.trustRating ?? s.defaultTrustRating;
  const limit = (o: Order) => effectiveLimitMicroPerKwh(o, input);
  const bids = input.orders
    .filter((o) => o.side === 'bid')
    .sort((a, b) => trp(b) - trp(a) || compareBig(limit(b), limit(a)) || byTime(a, b));
  const offers = input.orders.filter((o) => o.side === 'offer');
  const remainingOffer = new Map(offers.map((o) => [o.id, o.energyWh]));
  const matches: GatedMatch[] = [];
  const visibleOfferIds: Record<string, readonly string[]> = {};
  const unmatchedBidWh: Record<string, number> = {};
  for (const bid of bids) {
    const open = offers.filter((o) => (remainingOffer.get(o.id) ?? 0) > 0 && o.participant !== bid.participant);
    const visible = visibleOffers(open, trp(bid), input, params);
    visibleOfferIds[bid.id] = visible.map((o) => o.id);
    const peerCap = s.access === 'quantity' ? share(bid.energyWh, s.accessPercent[trp(bid)], s.rounding) : bid.energyWh;
    const wantedAtStart = Math.min(bid.energyWh, peerCap);
    let wanted = wantedAtStart;
    for (const offer of visible) {
      if (wanted === 0) break;
      if (limit(offer) > limit(bid)) continue;
      const available = remainingOffer.get(offer.id) ?? 0;
      const energyWh = Math.min(wanted, available);
      if (energyWh === 0) continue;
      remainingOffer.set(offer.id, available - energyWh);
      wanted -= energyWh;
      matches.push({ bidId: bid.id, offerId: offer.id, buyer: bid.participant, seller: offer.participant, energyWh });
    }
    unmatchedBidWh[bid.id] = bid.energyWh - (wantedAtStart - wanted);
  }
  return {
    matches,
    bidOrder: bids.map((b) => b.id),
    visibleOfferIds,
    unmatchedBidWh,
    unmatchedOfferWh: Object.fromEntries(offers.map((o) => [o.id, remainingOffer.get(o.id) ?? 0])),
  };
}

/**
 * A price signal of a mechanism's outcome, µcoin/kWh: its uniform clearing price; else its seller (pool) price,
 * which is what a peer's energy fetches in SDR and MMR (the buyer price blends in the grid share); else the
 * volume-weighted average of its trade prices (pay-as-bid, CDA); else none.
 */
export function referencePrice(result: ClearingResult): bigint | undefined {
  if (result.prices.clearingPriceMicroPerKwh !== undefined) return result.prices.clearingPriceMicroPerKwh;
  if (result.prices.sellPriceMicroPerKwh !== undefined) return result.prices.sellPriceMicroPerKwh;
  const energyWh = result.trades.reduce((sum, t) => sum + BigInt(t.energyWh), 0n);
  if (energyWh === 0n) return undefined;
  const moneyMicro = result.trades.reduce((sum, t) => sum + t.amountMicro, 0n);
  return divRound(moneyMicro * 1000n, energyWh);
}

/**
 * Wraps any mechanism with TRP gating. `clear(input, params)`:
 * 1. Matches the slot with {@link applyTrustGating} (who trades with whom, how much): buyers by TRP desc, bid
 *    desc, time, each only against its visible offers in listing order; prices must cross (ask ≤ bid).
 * 2. Prices every match. Under `pricing: 'mechanism'` it clears the same, ungated slot with the wrapped mechanism
 *    (`mechanism.clear(input, params)`) and takes its {@link referencePrice} (uniform price; pool seller price;
 *    average trade price; the pair's mid-price if it has none), clamped into the pair's [ask, bid] so no one
 *    trades beyond its limit. Gating changes who trades, not the community's supply and demand, so a pool's
 *    price (a function of them) stays the pool's; an auction's price applies to pairs it may not have formed, and
 *    the clamp is what makes a low-TRP buyer pay the expensive offer it could reach. Other settings: `offer`,
 *    `mid`, `bid` (see {@link TrustGatingParams}). The seller receives what the buyer pays.
 * 3. Sends every unmatched Wh to the grid: bids buy at λb, offers sell at λs (K8).
 * 4. Reports through `buildResult` as `<name>+trust`; `prices.clearingPriceMicroPerKwh` is set only when every
 *    trade has the same price.
 * Orders are taken one by one: a participant holding a bid and an offer is not netted first (it never trades
 * with itself).
 */
export function withTrustGating<P>(
  mechanism: ClearingMechanism<P>,
  gating: TrustGatingParams = {},
): ClearingMechanism<P> {
  const s = settings(gating);
  return {
    name: `${mechanism.name}+trust`,
    description: `${mechanism.description} — with TRP-gated matching (seed 001 §3.5)`,
    clear(input: SlotInput, params?: P): ClearingResult {
      const matching = applyTrustGating(input, gating);
      const reference = s.pricing === 'mechanism' ? referencePrice(mechanism.clear(input, params)) : undefined;
      const orders = new Map(input.orders.map((o) => [o.id, o]));
      const flows = new FlowBook();
      const trades: Trade[] = [];
      for (const match of matching.matches) {
        const bid = orders.get(match.bidId)!;
        const offer = orders.get(match.offerId)!;
        const ask = effectiveLimitMicroPerKwh(offer, input);
        const max = effectiveLimitMicroPerKwh(bid, input);
        const mid = divRound(ask + max, 2n);
        const clamp = (p: bigint) => (p < ask ? ask : p > max ? max : p);
        const price =
          s.pricing === 'offer' ? ask : s.pricing === 'bid' ? max : s.pricing === 'mid' ? mid : clamp(reference ?? mid);
        const amountMicro = costMicro(match.energyWh, price);
        trades.push({
          sellerId: match.seller,
          buyerId: match.buyer,
          offerId: match.offerId,
          bidId: match.bidId,
          energyWh: match.energyWh,
          priceMicroPerKwh: price,
          amountMicro,
          sellerAmountMicro: amountMicro,
        });
        const buyer = flows.get(match.buyer);
        buyer.importWh += match.energyWh;
        buyer.peerImportWh += match.energyWh;
        buyer.netPaymentMicro += amountMicro;
        const seller = flows.get(match.seller);
        seller.exportWh += match.energyWh;
        seller.peerExportWh += match.energyWh;
        seller.netPaymentMicro -= amountMicro;
      }
      let gridImportWh = 0;
      let gridExportWh = 0;
      for (const order of input.orders) {
        const left =
          order.side === 'bid' ? (matching.unmatchedBidWh[order.id] ?? 0) : (matching.unmatchedOfferWh[order.id] ?? 0);
        if (left === 0) continue;
        const flow = flows.get(order.participant);
        if (order.side === 'bid') {
          flow.importWh += left;
          flow.netPaymentMicro += costMicro(left, input.gridImportPriceMicroPerKwh);
          gridImportWh += left;
        } else {
          flow.exportWh += left;
          flow.netPaymentMicro -= costMicro(left, input.gridExportPriceMicroPerKwh);
          gridExportWh += left;
        }
      }
      const first = trades[0]?.priceMicroPerKwh;
      const uniform = first !== undefined && trades.every((t) => t.priceMicroPerKwh === first);
      return buildResult({
        mechanism: `${mechanism.name}+trust`,
        input,
        trades,
        flows,
        gridImportWh,
        gridExportWh,
        prices: uniform ? { clearingPriceMicroPerKwh: first } : {},
      });
    },
  };
}
