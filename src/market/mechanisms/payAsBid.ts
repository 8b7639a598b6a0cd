/**
 * @module market/mechanisms/payAsBid
 * Discriminatory (pay-as-bid) double auction, reference §5.2 (`../shared/reference/market-mechanisms.md`; MISSION
 * K6): the merit-order matching of §5.1 produces the pairs, and each pair gets its own price. The three variants
 * in use are a parameter:
 *  - `'k'`, (a) k-discriminatory: `p_ij = a_j + k·(b_i − a_j)` (JASA `DiscriminatoryPricingPolicy`); k = 0.5 is
 *    the mid-price of Liaquat 2023 eq. 20. Default.
 *  - `'bid'`, (b): the buyer pays its bid and the seller receives the same amount (k = 1).
 *  - `'bidAsk'`, (c): the buyer pays its bid, the seller receives its ask, and the operator keeps the spread
 *    (`Trade.sellerAmountMicro`; it shows in `operatorMicro`). Not budget-balanced.
 * Every price is clamped to [λs, λb] as in §5.1 step 6; a bid above λb therefore pays λb (the grid's price) and an
 * ask below λs receives λs. The result depends on the matching order, so the sort keys are fixed (auctionBook.ts).
 */
import type { ClearingMechanism, ClearingResult, SlotInput } from '../types.js';
import {
  clampPrice,
  invalidInput,
  kPrice,
  readBook,
  readK,
  readParams,
  sortMeritOrder,
  sweepMeritOrder,
  TradeRecorder,
} from './auctionBook.js';

export const PAY_AS_BID = 'pay-as-bid';

/** Reference §5.2 (a), (b), (c). */
export type PayAsBidVariant = 'k' | 'bid' | 'bidAsk';

export interface PayAsBidParams {
  /** Default `'k'`. */
  readonly variant?: PayAsBidVariant;
  /** For variant `'k'` only: 0 = the ask … 1 = the bid. Default 0.5 (the mid-price). */
  readonly k?: number;
}

/** What a buyer pays and a seller receives per kWh for one matched pair. */
export interface PairPrice {
  readonly buyerMicroPerKwh: bigint;
  readonly sellerMicroPerKwh: bigint;
}

/**
 * The price of one pair (bid `b_i`, ask `a_j`, with b_i ≥ a_j) under a variant of reference §5.2, clamped to
 * [λs, λb]. With b_i ≥ λs and a_j ≤ λb (the book's admission rule) the clamped prices stay in [a_j, b_i].
 */
export function pairPrice(
  bidMicroPerKwh: bigint,
  askMicroPerKwh: bigint,
  exportPrice: bigint,
  importPrice: bigint,
  variant: PayAsBidVariant,
  k = 0.5,
): PairPrice {
  const clamp = (p: bigint) => clampPrice(p, exportPrice, importPrice);
  switch (variant) {
    case 'k': {
      const p = clamp(kPrice(askMicroPerKwh, bidMicroPerKwh, k));
      return { buyerMicroPerKwh: p, sellerMicroPerKwh: p };
    }
    case 'bid': {
      const p = clamp(bidMicroPerKwh);
      return { buyerMicroPerKwh: p, sellerMicroPerKwh: p };
    }
    case 'bidAsk':
      return { buyerMicroPerKwh: clamp(bidMicroPerKwh), sellerMicroPerKwh: clamp(askMicroPerKwh) };
  }
}

/**
 * Clears one slot as a discriminatory double auction (reference §5.2). Unmatched bids buy from the grid at λb and
 * unmatched asks sell at λs (§5.1 "Imbalance"). `Trade.priceMicroPerKwh` is the buyer's price.
 * @throws GridPeerError MARKET_INVALID_INPUT for an invalid slot, an unknown variant or `k` outside [0, 1].
 */
export function clearPayAsBid(input: SlotInput, params?: PayAsBidParams): ClearingResult {
  const record = readParams(params);
  const variant = record['variant'] ?? 'k';
  if (variant !== 'k' && variant !== 'bid' && variant !== 'bidAsk') {
    throw invalidInput('variant', 'must be "k", "bid" or "bidAsk"', { value: String(variant) });
  }
  const k = readK(record['k']);
  const book = readBook(input);
  sortMeritOrder(book);
  const sweep = sweepMeritOrder(book.bids, book.asks, book.price, book.energyWh);
  const recorder = new TradeRecorder(book);
  const { price } = book;
  for (let m = 0; m < sweep.count; m++) {
    const bid = sweep.bid[m]!;
    const ask = sweep.ask[m]!;
    const pair = pairPrice(
      BigInt(price[bid]!),
      BigInt(price[ask]!),
      input.gridExportPriceMicroPerKwh,
      input.gridImportPriceMicroPerKwh,
      variant,
      k,
    );
    recorder.trade(bid, ask, sweep.quantity[m]!, pair.buyerMicroPerKwh, pair.sellerMicroPerKwh);
  }
  return recorder.finish(PAY_AS_BID);
}

export const payAsBid: ClearingMechanism<PayAsBidParams> = {
  name: PAY_AS_BID,
  description: 'Discriminatory double auction: merit-order pairs, each at its own price (k-rule, bid, or bid/ask)',
  clear: clearPayAsBid,
};
