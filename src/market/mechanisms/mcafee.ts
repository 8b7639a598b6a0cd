/**
 * @module market/mechanisms/mcafee
 * McAfee (1992) trade-reduction double auction, reference §5.3 (`../shared/reference/market-mechanisms.md`;
 * implementations `erelsgl/auctions` `mcafee_protocol.py`, JASA `McAfeeClearingPolicy`). The mechanism is defined
 * for single-unit traders; divisible orders are split into units of `unitWh` (a design choice, [R] in the
 * reference). Energy short of a whole unit cannot enter the auction and settles with the grid. A split order makes
 * its owner a multi-unit trader, for whom McAfee's dominant-strategy truthfulness no longer holds in general; the
 * budget surplus (≥ 0) and the loss of at most one unit pair do.
 *
 * With unit bids `b_1 ≥ b_2 ≥ …`, unit asks `s_1 ≤ s_2 ≤ …` and `K = max{i : b_i ≥ s_i}`:
 *  - `p0 = (b_{K+1} + s_{K+1})/2`; if `s_K ≤ p0 ≤ b_K` all K unit pairs trade at p0;
 *  - otherwise, or when a (K+1)-th unit is missing (as both implementations do), only the top K − 1 pairs trade:
 *    buyers pay `b_K`, sellers receive `s_K`, and the operator keeps `b_K − s_K` per unit, `(K − 1)(b_K − s_K)` in
 *    all, which shows in `operatorMicro`.
 * The units are those of the book: a bid below λs or an ask above λb is not in it (auctionBook.ts), so it cannot be
 * the (K+1)-th unit either.
 * Prices are clamped to [λs, λb] as in §5.1 step 6 (p0 is rounded half away from zero to whole micro-coins per
 * kWh first; it stays in [s_K, b_K] because both ends are integers).
 */

import { divRound } from '../money.js';
import type { ClearingMechanism, ClearingResult, SlotInput } from '../types.js';
import {
  type AuctionBook,
  clampPrice,
  invalidInput,
  readBook,
  readParams,
  sortMeritOrder,
  sweepMeritOrder,
  TradeRecorder,
} from './auctionBook.js';

export const MCAFEE = 'mcafee';

export interface McAfeeParams {
  /** Size of one traded unit, Wh (a positive integer). Default 100 Wh (0.1 kWh, the reference's example). */
  readonly unitWh?: number;
}

/** The outcome of McAfee's rule on the unit sequences. */
export interface McAfeeOutcome {
  /** K: unit pairs with b_i ≥ s_i. */
  readonly efficientUnits: number;
  /** Units that trade: K, or K − 1 after trade reduction. */
  readonly tradedUnits: number;
  readonly reduced: boolean;
  /** Per kWh: p0 for both sides, or b_K for buyers and s_K for sellers after reduction (clamped to [λs, λb]). */
  readonly buyerMicroPerKwh: bigint;
  readonly sellerMicroPerKwh: bigint;
}

/**
 * McAfee's rule (reference §5.3 steps 1–5) on a merit-sorted book with `units` per order (> 0 for every order in
 * `bids` and `asks`). Null when no unit pair crosses (K = 0).
 */
export function mcafeeOutcome(
  book: AuctionBook,
  bids: Int32Array,
  asks: Int32Array,
  units: Float64Array,
): McAfeeOutcome | null {
  const sweep = sweepMeritOrder(bids, asks, book.price, units);
  const K = sweep.total;
  if (K === 0) return null;
  const { price } = book;
  // The orders holding unit K on each side: the partly filled one the sweep stopped in, else the last filled one.
  const bidK =
    sweep.nextBid < bids.length && sweep.nextBidLeft < units[bids[sweep.nextBid]!]!
      ? bids[sweep.nextBid]!
      : bids[sweep.nextBid - 1]!;
  const askK =
    sweep.nextAsk < asks.length && sweep.nextAskLeft < units[asks[sweep.nextAsk]!]!
      ? asks[sweep.nextAsk]!
      : asks[sweep.nextAsk - 1]!;
  const bK = BigInt(price[bidK]!);
  const sK = BigInt(price[askK]!);
  const lambdaS = book.input.gridExportPriceMicroPerKwh;
  const lambdaB = book.input.gridImportPriceMicroPerKwh;
  // Unit K + 1 on each side is in the order the sweep stopped at (partly filled or untouched), if any.
  if (sweep.nextBid < bids.length && sweep.nextAsk < asks.length) {
    const twiceP0 = BigInt(price[bids[sweep.nextBid]!]!) + BigInt(price[asks[sweep.nextAsk]!]!);
    if (2n * sK <= twiceP0 && twiceP0 <= 2n * bK) {
      const p0 = clampPrice(divRound(twiceP0, 2n), lambdaS, lambdaB);
      return { efficientUnits: K, tradedUnits: K, reduced: false, buyerMicroPerKwh: p0, sellerMicroPerKwh: p0 };
    }
  }
  return {
    efficientUnits: K,
    tradedUnits: K - 1,
    reduced: true,
    buyerMicroPerKwh: clampPrice(bK, lambdaS, lambdaB),
    sellerMicroPerKwh: clampPrice(sK, lambdaS, lambdaB),
  };
}

/**
 * Clears one slot with McAfee's trade reduction over units of `unitWh` (reference §5.3). The traded units are
 * matched in merit order (§5.1) and booked as one trade per (bid, offer) pair; unmatched energy, including
 * fractions of a unit, goes to the grid at λb / λs. `prices` carries p0 as the clearing price, or the buyer's
 * b_K and the seller's s_K after a reduction.
 * @throws GridPeerError MARKET_INVALID_INPUT for an invalid slot or a `unitWh` that is not a positive safe integer.
 */
export function clearMcAfee(input: SlotInput, params?: McAfeeParams): ClearingResult {
  const unitWh = readParams(params)['unitWh'] ?? 100;
  if (typeof unitWh !== 'number' || !Number.isSafeInteger(unitWh) || unitWh <= 0) {
    throw invalidInput('unitWh', 'must be a positive integer', { value: String(unitWh) });
  }
  const book = readBook(input);
  const recorder = new TradeRecorder(book);
  const units = new Float64Array(book.orders.length);
  for (let i = 0; i < units.length; i++) units[i] = Math.floor(book.energyWh[i]! / unitWh);
  sortMeritOrder(book);
  // Orders of less than one unit cannot take part.
  const bids = book.bids.filter((i) => units[i]! > 0);
  const asks = book.asks.filter((i) => units[i]! > 0);
  const outcome = mcafeeOutcome(book, bids, asks, units);
  if (outcome === null || outcome.tradedUnits === 0) return recorder.finish(MCAFEE);
  const traded = sweepMeritOrder(bids, asks, book.price, units, outcome.tradedUnits);
  for (let m = 0; m < traded.count; m++) {
    recorder.trade(
      traded.bid[m]!,
      traded.ask[m]!,
      traded.quantity[m]! * unitWh,
      outcome.buyerMicroPerKwh,
      outcome.sellerMicroPerKwh,
    );
  }
  const prices = outcome.reduced
    ? { buyPriceMicroPerKwh: outcome.buyerMicroPerKwh, sellPriceMicroPerKwh: outcome.sellerMicroPerKwh }
    : { clearingPriceMicroPerKwh: outcome.buyerMicroPerKwh };
  return recorder.finish(MCAFEE, prices);
}

export const mcafee: ClearingMechanism<McAfeeParams> = {
  name: MCAFEE,
  description: 'McAfee trade-reduction double auction over fixed energy units (gives up at most one unit pair)',
  clear: clearMcAfee,
};
