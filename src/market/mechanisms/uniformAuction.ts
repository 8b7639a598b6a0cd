/**
 * @module market/mechanisms/uniformAuction
 * Uniform-price (pay-as-clear) k-double auction, reference §5.1 (`../shared/reference/market-mechanisms.md`;
 * MISSION K6): merit-order matching, the equilibrium interval [p_lo, p_hi], the k-rule, the clamp to [λs, λb],
 * and the grid for whatever is left (K8).
 *
 * Cost: one sort per side over order indices in typed arrays (a native sort of packed price/index keys, then only
 * runs of equal price by arrival) and one linear sweep, O(n log n); the result is then built in O(n log n) by
 * `buildResult`. `bench/market.ts` measures it against sorting the same orders.
 */
import type { ClearingMechanism, ClearingResult, SlotInput } from '../types.js';
import {
  type AuctionBook,
  clampPrice,
  kPrice,
  readBook,
  readK,
  readParams,
  type Sweep,
  sortMeritOrder,
  sweepMeritOrder,
  TradeRecorder,
} from './auctionBook.js';

export const UNIFORM_AUCTION = 'uniform-auction';

export interface UniformAuctionParams {
  /** Position of the price in the equilibrium interval, 0 = p_lo … 1 = p_hi (reference §5.1 step 4). Default 0.5. */
  readonly k?: number;
}

/** The price of a uniform auction, with how it was found. */
export interface UniformPrice {
  /** The equilibrium interval of §5.1 step 3 (both ends equal to the marginal order's price after a partial fill). */
  readonly lowMicroPerKwh: bigint;
  readonly highMicroPerKwh: bigint;
  /** Which marginal order was partially filled, if any (§5.1 step 5). */
  readonly partiallyFilled: 'bid' | 'offer' | null;
  /** p* = p_lo + k·(p_hi − p_lo), clamped to [λs, λb] (§5.1 steps 4 and 6). */
  readonly priceMicroPerKwh: bigint;
}

/**
 * The clearing price of a sweep over a merit-sorted book (reference §5.1 steps 3–6), or null when nothing traded.
 * With `b_K`, `s_K` the last accepted bid and ask and `b_{K+1}`, `s_{K+1}` the first rejected ones:
 * `[p_lo, p_hi] = [max(s_K, b_{K+1}), min(b_K, s_{K+1})]`, a missing `b_{K+1}` counting as −∞ and a missing
 * `s_{K+1}` as +∞. A partially filled marginal order collapses the interval to its own price.
 */
export function uniformPrice(book: AuctionBook, sweep: Sweep, k: number): UniformPrice | null {
  if (sweep.count === 0) return null;
  const { bids, asks, price, energyWh } = book;
  const nb = bids.length;
  const na = asks.length;
  let lo: number;
  let hi: number;
  let partiallyFilled: UniformPrice['partiallyFilled'] = null;
  // A sweep ends with at most one order partly filled: every match exhausts one side, so the other order in the
  // next pair is untouched.
  if (sweep.nextBid < nb && sweep.nextBidLeft < energyWh[bids[sweep.nextBid]!]!) {
    partiallyFilled = 'bid';
    lo = hi = price[bids[sweep.nextBid]!]!;
  } else if (sweep.nextAsk < na && sweep.nextAskLeft < energyWh[asks[sweep.nextAsk]!]!) {
    partiallyFilled = 'offer';
    lo = hi = price[asks[sweep.nextAsk]!]!;
  } else {
    const lastBid = price[bids[sweep.nextBid - 1]!]!;
    const lastAsk = price[asks[sweep.nextAsk - 1]!]!;
    const firstRejectedBid = sweep.nextBid < nb ? price[bids[sweep.nextBid]!]! : Number.NEGATIVE_INFINITY;
    const firstRejectedAsk = sweep.nextAsk < na ? price[asks[sweep.nextAsk]!]! : Number.POSITIVE_INFINITY;
    lo = Math.max(lastAsk, firstRejectedBid);
    hi = Math.min(lastBid, firstRejectedAsk);
  }
  // Both ends are finite: s_K bounds p_lo from below and b_K bounds p_hi from above.
  const lowMicroPerKwh = BigInt(lo);
  const highMicroPerKwh = BigInt(hi);
  const priceMicroPerKwh = clampPrice(
    kPrice(lowMicroPerKwh, highMicroPerKwh, k),
    book.input.gridExportPriceMicroPerKwh,
    book.input.gridImportPriceMicroPerKwh,
  );
  return { lowMicroPerKwh, highMicroPerKwh, partiallyFilled, priceMicroPerKwh };
}

/**
 * Clears one slot as a uniform-price k-double auction (reference §5.1). Every matched pair trades at p*;
 * unmatched bids buy from the grid at λb and unmatched asks sell to it at λs. Bids below λs and asks above λb are
 * not in the book (see `auctionBook.ts`). `prices.clearingPriceMicroPerKwh` is p* (absent when nothing traded).
 * @throws GridPeerError MARKET_INVALID_INPUT for an invalid slot or `k` outside [0, 1].
 */
export function clearUniformAuction(input: SlotInput, params?: UniformAuctionParams): ClearingResult {
  const k = readK(readParams(params)['k']);
  const book = readBook(input);
  sortMeritOrder(book);
  const sweep = sweepMeritOrder(book.bids, book.asks, book.price, book.energyWh);
  const recorder = new TradeRecorder(book);
  const clearing = uniformPrice(book, sweep, k);
  if (clearing === null) return recorder.finish(UNIFORM_AUCTION);
  const p = clearing.priceMicroPerKwh;
  for (let m = 0; m < sweep.count; m++) recorder.trade(sweep.bid[m]!, sweep.ask[m]!, sweep.quantity[m]!, p);
  return recorder.finish(UNIFORM_AUCTION, { clearingPriceMicroPerKwh: p });
}

export const uniformAuction: ClearingMechanism<UniformAuctionParams> = {
  name: UNIFORM_AUCTION,
  description: 'Uniform-price k-double auction: merit order, equilibrium interval, k-rule, clamped to grid prices',
  clear: clearUniformAuction,
};
