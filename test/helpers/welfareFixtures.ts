/**
 * Test-only market fixtures for the welfare, metrics, trust and capacity tests: the reference's common data set
 * (`../shared/reference/market-mechanisms.md` §0, cases A and B), a result builder from explicit pairs, and a
 * greedy merit-order mechanism (§5.1 matching; pair mid-price, i.e. §5.2 (a) with k = 0.5, or one given price).
 * It stands in for the real mechanisms so these tests do not depend on them.
 */

import { costMicro, divRound } from '../../src/market/money.js';
import { buildResult, FlowBook } from '../../src/market/result.js';
import type {
  ClearingMechanism,
  ClearingResult,
  Order,
  SlotInput,
  Trade,
  TrustRating,
} from '../../src/market/types.js';
import { parseCoinsToMicro } from '../../src/units/index.js';

/** "0.28" coin/kWh → 280_000n µcoin/kWh. */
export const coin = (text: string): bigint => parseCoinsToMicro(text);

export function order(
  id: string,
  side: Order['side'],
  energyWh: number,
  limit?: string,
  extra: { trustRating?: TrustRating; location?: string; sequence?: number; participant?: string } = {},
): Order {
  return {
    id,
    participant: extra.participant ?? id,
    side,
    energyWh,
    ...(limit === undefined ? {} : { limitPriceMicroPerKwh: coin(limit) }),
    ...(extra.trustRating === undefined ? {} : { trustRating: extra.trustRating }),
    ...(extra.location === undefined ? {} : { location: extra.location }),
    ...(extra.sequence === undefined ? {} : { sequence: extra.sequence }),
  };
}

export function slot(orders: readonly Order[], gridImport = '0.30', gridExport = '0.10'): SlotInput {
  return {
    slotStartMs: Date.UTC(2026, 4, 11, 12),
    slotDurationMs: 3_600_000,
    orders,
    gridImportPriceMicroPerKwh: coin(gridImport),
    gridExportPriceMicroPerKwh: coin(gridExport),
  };
}

/** Reference §0 case A (shortage): S = 6 kWh, D = 8 kWh, with limit prices. */
export function caseA(
  extra: Partial<Record<string, { trustRating?: TrustRating; location?: string }>> = {},
): SlotInput {
  return slot([
    order('S1', 'offer', 2000, '0.12', { sequence: 0, ...extra['S1'] }),
    order('S2', 'offer', 3000, '0.15', { sequence: 1, ...extra['S2'] }),
    order('S3', 'offer', 1000, '0.25', { sequence: 2, ...extra['S3'] }),
    order('B1', 'bid', 3000, '0.28', { sequence: 3, ...extra['B1'] }),
    order('B2', 'bid', 2000, '0.22', { sequence: 4, ...extra['B2'] }),
    order('B3', 'bid', 3000, '0.14', { sequence: 5, ...extra['B3'] }),
  ]);
}

/** Reference §0 case B (surplus) without limit prices (the pool view): S = 10 kWh, D = 8 kWh. */
export function caseBPool(): SlotInput {
  return slot([
    order('S1', 'offer', 5000),
    order('S2', 'offer', 3000),
    order('S3', 'offer', 2000),
    order('B1', 'bid', 3000),
    order('B2', 'bid', 2000),
    order('B3', 'bid', 3000),
  ]);
}

export interface Pair {
  readonly bidId: string;
  readonly offerId: string;
  readonly energyWh: number;
  readonly priceMicroPerKwh: bigint;
}

/** A result in which exactly `pairs` trade (budget-balanced per trade) and every other Wh goes to the grid. */
export function resultFromPairs(
  input: SlotInput,
  pairs: readonly Pair[],
  mechanism = 'pairs',
  prices: ClearingResult['prices'] = {},
): ClearingResult {
  const orders = new Map(input.orders.map((o) => [o.id, o]));
  const left = new Map(input.orders.map((o) => [o.id, o.energyWh]));
  const flows = new FlowBook();
  const trades: Trade[] = pairs.map((p) => {
    const bid = orders.get(p.bidId)!;
    const offer = orders.get(p.offerId)!;
    const amountMicro = costMicro(p.energyWh, p.priceMicroPerKwh);
    left.set(bid.id, left.get(bid.id)! - p.energyWh);
    left.set(offer.id, left.get(offer.id)! - p.energyWh);
    const buyer = flows.get(bid.participant);
    buyer.importWh += p.energyWh;
    buyer.peerImportWh += p.energyWh;
    buyer.netPaymentMicro += amountMicro;
    const seller = flows.get(offer.participant);
    seller.exportWh += p.energyWh;
    seller.peerExportWh += p.energyWh;
    seller.netPaymentMicro -= amountMicro;
    return {
      sellerId: offer.participant,
      buyerId: bid.participant,
      offerId: offer.id,
      bidId: bid.id,
      energyWh: p.energyWh,
      priceMicroPerKwh: p.priceMicroPerKwh,
      amountMicro,
      sellerAmountMicro: amountMicro,
    };
  });
  let gridImportWh = 0;
  let gridExportWh = 0;
  for (const o of input.orders) {
    const wh = left.get(o.id)!;
    if (wh < 0) throw new Error(`pairs overfill ${o.id}`);
    const flow = flows.get(o.participant);
    if (o.side === 'bid') {
      flow.importWh += wh;
      flow.netPaymentMicro += costMicro(wh, input.gridImportPriceMicroPerKwh);
      gridImportWh += wh;
    } else {
      flow.exportWh += wh;
      flow.netPaymentMicro -= costMicro(wh, input.gridExportPriceMicroPerKwh);
      gridExportWh += wh;
    }
  }
  return buildResult({ mechanism, input, trades, flows, gridImportWh, gridExportWh, prices });
}

const limitOf = (o: Order, input: SlotInput) =>
  o.limitPriceMicroPerKwh ?? (o.side === 'bid' ? input.gridImportPriceMicroPerKwh : input.gridExportPriceMicroPerKwh);
const byTime = (a: Order, b: Order) =>
  (a.sequence ?? 0) - (b.sequence ?? 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * Greedy merit order (reference §5.1 steps 1–2): bids by price desc, asks by price asc, ties by time then id,
 * matched while bid ≥ ask. Asks above λb and bids below λs stay out (the grid serves them better, §5.1 step 6);
 * with that, the greedy outcome is welfare-optimal. Each pair at `price` if given, else at its mid-price (§5.2
 * (a), k = 0.5).
 */
export function meritOrderPairs(input: SlotInput, price?: bigint): Pair[] {
  const bids = input.orders
    .filter((o) => o.side === 'bid' && limitOf(o, input) >= input.gridExportPriceMicroPerKwh)
    .sort((a, b) =>
      limitOf(a, input) === limitOf(b, input) ? byTime(a, b) : limitOf(a, input) > limitOf(b, input) ? -1 : 1,
    );
  const asks = input.orders
    .filter((o) => o.side === 'offer' && limitOf(o, input) <= input.gridImportPriceMicroPerKwh)
    .sort((a, b) =>
      limitOf(a, input) === limitOf(b, input) ? byTime(a, b) : limitOf(a, input) < limitOf(b, input) ? -1 : 1,
    );
  const pairs: Pair[] = [];
  let i = 0;
  let j = 0;
  let bidLeft = bids[0]?.energyWh ?? 0;
  let askLeft = asks[0]?.energyWh ?? 0;
  while (i < bids.length && j < asks.length) {
    const bid = bids[i]!;
    const ask = asks[j]!;
    if (bidLeft === 0) {
      i += 1;
      bidLeft = bids[i]?.energyWh ?? 0;
      continue;
    }
    if (askLeft === 0) {
      j += 1;
      askLeft = asks[j]?.energyWh ?? 0;
      continue;
    }
    const b = limitOf(bid, input);
    const a = limitOf(ask, input);
    if (b < a) break;
    const energyWh = Math.min(bidLeft, askLeft);
    pairs.push({ bidId: bid.id, offerId: ask.id, energyWh, priceMicroPerKwh: price ?? divRound(a + b, 2n) });
    bidLeft -= energyWh;
    askLeft -= energyWh;
  }
  return pairs;
}

/** The greedy merit order as a mechanism; `uniformPriceMicroPerKwh` prices every trade and is reported. */
export function meritOrderMechanism(uniformPriceMicroPerKwh?: bigint): ClearingMechanism {
  return {
    name: 'merit-order',
    description: 'test-only greedy merit order',
    clear: (input) =>
      resultFromPairs(
        input,
        meritOrderPairs(input, uniformPriceMicroPerKwh),
        'merit-order',
        uniformPriceMicroPerKwh === undefined ? {} : { clearingPriceMicroPerKwh: uniformPriceMicroPerKwh },
      ),
  };
}
