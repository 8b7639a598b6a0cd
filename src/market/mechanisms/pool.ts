/**
 * @module market/mechanisms/pool
 * What the pool mechanisms (SDR, MMR, bill sharing, fixed price, dual level, grid only) share: checking a slot's
 * input, each participant's net position (reference §0) and billing a pool at one buy and one sell price.
 *
 * A pool has no bilateral trades: the coordinator is every participant's counterparty, so `trades` stays empty
 * and the peer energy shows in `peerImportWh`/`peerExportWh` (each side's pro-rata share of `min(S, D)`).
 */
import { GridPeerError } from '../../errors/index.js';
import { apportion, apportionWh, costMicro, costMicroAt, type Ratio, ratio, roundRatio } from '../money.js';
import { buildResult, FlowBook, netPositions } from '../result.js';
import { StringIndex } from '../stringIndex.js';
import type { ClearingResult, SlotInput } from '../types.js';

function invalid(field: string, rule: string): GridPeerError {
  return new GridPeerError('MARKET_INVALID_INPUT', `${field} ${rule}`, { field });
}

export interface SlotInputRules {
  /** The price formulas of SDR and MMR need `λb ≥ λs` (reference §0); grid-only and bill sharing do not. */
  readonly importPriceAtLeastExportPrice: boolean;
}

/**
 * Rejects a slot the mechanisms cannot clear: non-integer or negative energy, repeated order ids, negative grid
 * prices, a non-positive slot length, and (where the formulas need it) `λb < λs`.
 *
 * @throws GridPeerError MARKET_INVALID_INPUT naming the field.
 */
export function assertValidSlotInput(
  input: SlotInput,
  rules: SlotInputRules = { importPriceAtLeastExportPrice: true },
): void {
  if (!Number.isSafeInteger(input.slotStartMs)) throw invalid('slotStartMs', 'must be an integer');
  if (!Number.isSafeInteger(input.slotDurationMs) || input.slotDurationMs <= 0) {
    throw invalid('slotDurationMs', 'must be a positive integer');
  }
  if (input.gridExportPriceMicroPerKwh < 0n) throw invalid('gridExportPriceMicroPerKwh', 'must not be negative');
  if (input.gridImportPriceMicroPerKwh < 0n) throw invalid('gridImportPriceMicroPerKwh', 'must not be negative');
  if (rules.importPriceAtLeastExportPrice && input.gridImportPriceMicroPerKwh < input.gridExportPriceMicroPerKwh) {
    throw invalid('gridExportPriceMicroPerKwh', 'must not exceed gridImportPriceMicroPerKwh (reference §0: λb ≥ λs)');
  }
  let totalWh = 0;
  const orders = input.orders;
  const ids = new StringIndex(orders.length);
  for (let i = 0; i < orders.length; i++) {
    const order = orders[i]!;
    // One hash operation per id: a repeated id gets its first index back instead of a new one.
    if (ids.intern(order.id) !== i) throw invalid(`orders[${i}].id`, `repeats "${order.id}"; order ids are unique`);
    if (typeof order.participant !== 'string' || order.participant.length === 0) {
      throw invalid(`orders[${i}].participant`, 'must be a non-empty string');
    }
    if (order.side !== 'offer' && order.side !== 'bid') throw invalid(`orders[${i}].side`, 'must be "offer" or "bid"');
    if (!Number.isSafeInteger(order.energyWh) || order.energyWh < 0) {
      throw invalid(`orders[${i}].energyWh`, 'must be a non-negative integer');
    }
    totalWh += order.energyWh;
    if (!Number.isSafeInteger(totalWh)) throw invalid('orders', 'total energy exceeds the safe integer range');
  }
}

export interface NetPosition {
  readonly participant: string;
  /** `s_n` for a seller, `d_n` for a buyer, Wh (> 0). */
  readonly energyWh: number;
}

/** A slot's orders netted per participant (reference §0): who sells, who buys, `S` and `D`. */
export interface PoolBook {
  /** Net sellers (`s_n > 0`), by participant id. */
  readonly sellers: readonly NetPosition[];
  /** Net buyers (`d_n > 0`), by participant id. */
  readonly buyers: readonly NetPosition[];
  /** Every participant with an order, by id (net zero included). */
  readonly participants: readonly string[];
  /** `S = Σ s_n` (Liu eq. 4), Wh. */
  readonly supplyWh: number;
  /** `D = Σ d_n` (Liu eq. 5), Wh. */
  readonly demandWh: number;
}

function byParticipant(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Nets each participant's orders (an offer and a bid of one participant cancel: self-consumption). */
export function poolBook(input: SlotInput): PoolBook {
  const net = [...netPositions(input)].sort(([a], [b]) => byParticipant(a, b));
  const sellers = net.filter(([, wh]) => wh > 0).map(([participant, wh]) => ({ participant, energyWh: wh }));
  const buyers = net.filter(([, wh]) => wh < 0).map(([participant, wh]) => ({ participant, energyWh: -wh }));
  return {
    sellers,
    buyers,
    participants: net.map(([participant]) => participant),
    supplyWh: sellers.reduce((sum, s) => sum + s.energyWh, 0),
    demandWh: buyers.reduce((sum, b) => sum + b.energyWh, 0),
  };
}

export interface SettlePoolParameters {
  readonly mechanism: string;
  readonly input: SlotInput;
  readonly book: PoolBook;
  /** What a seller is paid per kWh of its whole surplus, exact. */
  readonly sellPrice: Ratio;
  /** What a buyer pays per kWh of its whole deficit (an all-in price, grid share included), exact. */
  readonly buyPrice: Ratio;
  /**
   * Price of the community's own import `(D − S)^+` and export `(S − D)^+`; default the grid's λb and λs. The
   * dual-level market sets them to the microgrid-to-microgrid prices (seed 001 eqs. 3.1–3.4).
   */
  readonly externalImportPrice?: Ratio;
  readonly externalExportPrice?: Ratio;
  /**
   * ESP service fee β per kWh shared (Liu eqs. 20–21): total `β·min(S, D)`, participant share
   * `β·|NP_n|·min(S, D)/(S + D)`. The operator keeps it. Default 0.
   */
  readonly feeMicroPerKwh?: bigint;
}

/**
 * Energy flows of a pool: every seller delivers its surplus and every buyer takes its deficit; the part exchanged
 * among peers, min(S, D), is apportioned over each side by volume (the rest goes through the grid). Money is the
 * caller's.
 */
export function poolFlows(book: PoolBook): FlowBook {
  const flows = new FlowBook();
  const sharedWh = Math.min(book.supplyWh, book.demandWh);
  const sellerPeerWh = apportionWh(
    sharedWh,
    book.sellers.map((s) => s.energyWh),
  );
  const buyerPeerWh = apportionWh(
    sharedWh,
    book.buyers.map((b) => b.energyWh),
  );
  book.sellers.forEach((seller, i) => {
    const flow = flows.get(seller.participant);
    flow.exportWh = seller.energyWh;
    flow.peerExportWh = sellerPeerWh[i]!;
  });
  book.buyers.forEach((buyer, i) => {
    const flow = flows.get(buyer.participant);
    flow.importWh = buyer.energyWh;
    flow.peerImportWh = buyerPeerWh[i]!;
  });
  return flows;
}

/**
 * Bills a pool (reference §1 "Billing", §2 Long eq. 18): each seller is paid `sellPrice·s_n`, each buyer pays
 * `buyPrice·d_n` for its entire deficit, each amount rounded once from the exact price; the community imports
 * `(D − S)^+` and exports `(S − D)^+`. With budget-balanced prices the operator keeps only rounding (at most half
 * a micro-coin per amount) plus the fee.
 */
export function settlePool(p: SettlePoolParameters): ClearingResult {
  const { input, book } = p;
  const flows = poolFlows(book);
  const sharedWh = Math.min(book.supplyWh, book.demandWh);
  for (const seller of book.sellers)
    flows.get(seller.participant).netPaymentMicro -= costMicroAt(seller.energyWh, p.sellPrice);
  for (const buyer of book.buyers)
    flows.get(buyer.participant).netPaymentMicro += costMicroAt(buyer.energyWh, p.buyPrice);
  const fee = p.feeMicroPerKwh ?? 0n;
  if (fee < 0n) throw invalid('feeMicroPerKwh', 'must not be negative');
  if (fee > 0n) {
    // Liu eq. 21: shares in proportion to |NP_n|, apportioned so they add up to the eq. 20 total exactly.
    const positions = [...book.sellers, ...book.buyers].sort((a, b) => byParticipant(a.participant, b.participant));
    const shares = apportion(
      costMicro(sharedWh, fee),
      positions.map((n) => BigInt(n.energyWh)),
    );
    positions.forEach((n, i) => {
      flows.get(n.participant).netPaymentMicro += shares[i]!;
    });
  }
  const gridImportWh = Math.max(0, book.demandWh - book.supplyWh);
  const gridExportWh = Math.max(0, book.supplyWh - book.demandWh);
  return buildResult({
    mechanism: p.mechanism,
    input,
    trades: [],
    flows,
    gridImportWh,
    gridExportWh,
    gridImportCostMicro: costMicroAt(gridImportWh, p.externalImportPrice ?? ratio(input.gridImportPriceMicroPerKwh)),
    gridExportRevenueMicro: costMicroAt(gridExportWh, p.externalExportPrice ?? ratio(input.gridExportPriceMicroPerKwh)),
    prices: { buyPriceMicroPerKwh: roundRatio(p.buyPrice), sellPriceMicroPerKwh: roundRatio(p.sellPrice) },
  });
}
