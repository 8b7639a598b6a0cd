/**
 * @module market/mechanisms/fixedPrice
 * K1 fixed-price, demand-priority community trading: seed `000_3b087a9f67de017a.txt` (Saini et al. 2023) §4.2
 * (reference §4). Rules, numbered as in the reference:
 * 1. One P2P price per day, 10 % below that day's average grid price: `p_d = 0.9·mean_t(λb_t)`.
 * 2. A prosumer first covers its own load, then charges its battery; only the rest is offered. Orders arrive net of
 *    that (the energy models net them); several orders of one participant are netted here.
 * 3. At least 0.5 kW of surplus to take part (0.5 kWh in an hourly slot, scaled with the slot length).
 * 4. Trading is open 09:00–17:00 (UTC hours of the slot start here).
 * 5. A seller serves consumers in descending order of demand, greedily.
 * 6. Unserved demand is bought from the grid at λb_t, unsold surplus goes to the grid at λs_t (K8).
 *
 * The seed does not say in which order several sellers go; {@link FixedPriceParams.sellerOrder} sets it. The seed's
 * Table 5 truncates amounts to 3 decimals; this module rounds each amount once to whole µcoin instead.
 */
import { GridPeerError } from '../../errors/index.js';
import { costMicro, divRound } from '../money.js';
import { buildResult, FlowBook } from '../result.js';
import type { ClearingMechanism, ClearingResult, HorizonMechanism, Order, SlotInput, Trade } from '../types.js';
import { GridFallback } from './gridFallback.js';
import { assertValidSlotInput, type NetPosition, poolBook } from './pool.js';

const MS_PER_HOUR = 3_600_000;
const MS_PER_DAY = 24 * MS_PER_HOUR;
/** Seed 000 §4.2 assumption 3: "a minimum of 0.5 kW of excess PV power". */
const MIN_SURPLUS_W = 500;

/** Trading hours `[startHourUtc, endHourUtc)` of the slot start; a window with start > end wraps past midnight. */
export interface TradingWindow {
  readonly startHourUtc: number;
  readonly endHourUtc: number;
}

/** Seed 000 §4.2 assumption 5: "the 9:00 a.m. to the 5:00 p.m. time interval". */
export const DEFAULT_TRADING_WINDOW: TradingWindow = { startHourUtc: 9, endHourUtc: 17 };

export interface FixedPriceParams {
  /**
   * The day's P2P price, µcoin/kWh. Default: {@link dailyFixedPriceMicroPerKwh} of the grid import prices of the
   * slot's UTC day among the slots cleared together (`clearHorizon`), or of the slot alone (`clear`).
   */
  readonly dayPriceMicroPerKwh?: bigint;
  readonly tradingWindow?: TradingWindow;
  /** Least net surplus that may trade in one slot, Wh. Default 0.5 kW × slot length (500 Wh per hour). */
  readonly minSurplusWh?: number;
  /** Which seller goes first: `surplus-desc` (default) largest surplus first, or `id`; ties by participant id. */
  readonly sellerOrder?: 'surplus-desc' | 'id';
}

function invalid(field: string, rule: string): GridPeerError {
  return new GridPeerError('MARKET_INVALID_INPUT', `${field} ${rule}`, { field });
}

/**
 * Rule 1: `p_d = 0.9 · mean(λb_t)` over the day's grid import prices, rounded once to whole µcoin/kWh. An average
 * of 2.3333 coin/kWh gives 2.10 (the seed's "2.10/KW" is a unit typo for per kWh).
 *
 * @throws GridPeerError MARKET_INVALID_INPUT for an empty list or a negative price.
 */
export function dailyFixedPriceMicroPerKwh(gridImportPrices: readonly bigint[]): bigint {
  if (gridImportPrices.length === 0) throw invalid('gridImportPrices', 'must not be empty');
  if (gridImportPrices.some((p) => p < 0n)) throw invalid('gridImportPrices', 'must not be negative');
  const sum = gridImportPrices.reduce((a, b) => a + b, 0n);
  return divRound(9n * sum, 10n * BigInt(gridImportPrices.length));
}

/** Whether the slot starting at `slotStartMs` is in the trading window (rule 4), by its UTC hour. */
export function inTradingWindow(slotStartMs: number, window: TradingWindow = DEFAULT_TRADING_WINDOW): boolean {
  const hour = Math.floor((((slotStartMs % MS_PER_DAY) + MS_PER_DAY) % MS_PER_DAY) / MS_PER_HOUR);
  const { startHourUtc: start, endHourUtc: end } = window;
  return start <= end ? start <= hour && hour < end : hour >= start || hour < end;
}

function assertParams(params: FixedPriceParams): void {
  if (params.dayPriceMicroPerKwh !== undefined && params.dayPriceMicroPerKwh < 0n) {
    throw invalid('dayPriceMicroPerKwh', 'must not be negative');
  }
  if (params.minSurplusWh !== undefined && !(Number.isSafeInteger(params.minSurplusWh) && params.minSurplusWh >= 0)) {
    throw invalid('minSurplusWh', 'must be a non-negative integer');
  }
  const window = params.tradingWindow;
  if (window !== undefined) {
    for (const key of ['startHourUtc', 'endHourUtc'] as const) {
      if (!Number.isInteger(window[key]) || window[key] < 0 || window[key] > 24) {
        throw invalid(`tradingWindow.${key}`, 'must be an integer hour in [0, 24]');
      }
    }
  }
  if (params.sellerOrder !== undefined && params.sellerOrder !== 'surplus-desc' && params.sellerOrder !== 'id') {
    throw invalid('sellerOrder', 'must be "surplus-desc" or "id"');
  }
}

function byId(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The participant's order on `side` with the smallest id: the order a trade of netted orders names. */
function orderIdOf(input: SlotInput, participant: string, side: Order['side']): string {
  let id: string | undefined;
  for (const order of input.orders) {
    if (order.participant === participant && order.side === side && (id === undefined || order.id < id)) id = order.id;
  }
  return id ?? '';
}

/**
 * Clears one slot at the fixed day price. Outside the trading window, or with no eligible seller, everything goes
 * to the grid. Trades list each seller–consumer pair at the day price.
 *
 * @throws GridPeerError MARKET_INVALID_INPUT for an invalid slot or parameter.
 */
export function clearFixedPrice(input: SlotInput, params: FixedPriceParams = {}): ClearingResult {
  assertValidSlotInput(input, { importPriceAtLeastExportPrice: false });
  assertParams(params);
  const dayPrice = params.dayPriceMicroPerKwh ?? dailyFixedPriceMicroPerKwh([input.gridImportPriceMicroPerKwh]);
  const book = poolBook(input);
  const flows = new FlowBook();
  const grid = new GridFallback(input);
  const trades: Trade[] = [];
  const open = inTradingWindow(input.slotStartMs, params.tradingWindow);
  // Rule 3: 0.5 kW for the slot's length, rounded to whole Wh.
  const minSurplusWh = params.minSurplusWh ?? Math.round((MIN_SURPLUS_W * input.slotDurationMs) / MS_PER_HOUR);
  const sellers = open ? book.sellers.filter((s) => s.energyWh >= minSurplusWh) : [];
  if (params.sellerOrder !== 'id') {
    sellers.sort((a, b) => b.energyWh - a.energyWh || byId(a.participant, b.participant));
  }
  const remainingDemand = new Map(book.buyers.map((b) => [b.participant, b.energyWh]));
  const unsold = new Map(book.sellers.map((s) => [s.participant, s.energyWh]));
  for (const seller of sellers) {
    let supplyWh = seller.energyWh;
    // Rule 5: the consumer with the highest (remaining) demand first; ties by id.
    const consumers: NetPosition[] = [...remainingDemand]
      .filter(([, wh]) => wh > 0)
      .map(([participant, wh]) => ({ participant, energyWh: wh }))
      .sort((a, b) => b.energyWh - a.energyWh || byId(a.participant, b.participant));
    for (const consumer of consumers) {
      if (supplyWh === 0) break;
      const energyWh = Math.min(supplyWh, consumer.energyWh);
      const amountMicro = costMicro(energyWh, dayPrice);
      trades.push({
        sellerId: seller.participant,
        buyerId: consumer.participant,
        offerId: orderIdOf(input, seller.participant, 'offer'),
        bidId: orderIdOf(input, consumer.participant, 'bid'),
        energyWh,
        priceMicroPerKwh: dayPrice,
        amountMicro,
        sellerAmountMicro: amountMicro,
      });
      const sellerFlow = flows.get(seller.participant);
      sellerFlow.exportWh += energyWh;
      sellerFlow.peerExportWh += energyWh;
      sellerFlow.netPaymentMicro -= amountMicro;
      const buyerFlow = flows.get(consumer.participant);
      buyerFlow.importWh += energyWh;
      buyerFlow.peerImportWh += energyWh;
      buyerFlow.netPaymentMicro += amountMicro;
      supplyWh -= energyWh;
      remainingDemand.set(consumer.participant, consumer.energyWh - energyWh);
    }
    unsold.set(seller.participant, supplyWh);
  }
  // Rule 6 (K8): the rest with the grid, each on its own meter.
  for (const [participant, wh] of unsold) grid.sell(flows.get(participant), wh);
  for (const [participant, wh] of remainingDemand) grid.buy(flows.get(participant), wh);
  return buildResult({
    mechanism: fixedPrice.name,
    input,
    trades,
    flows,
    ...grid.totals(),
    prices: open ? { clearingPriceMicroPerKwh: dayPrice } : {},
  });
}

/**
 * Clears several slots; without `dayPriceMicroPerKwh` each UTC day's price is rule 1 over that day's slots among
 * those given (a whole day of slots gives the seed's price).
 *
 * @throws GridPeerError MARKET_INVALID_INPUT for an invalid slot or parameter.
 */
export function clearFixedPriceHorizon(slots: readonly SlotInput[], params: FixedPriceParams = {}): ClearingResult[] {
  if (params.dayPriceMicroPerKwh !== undefined) return slots.map((input) => clearFixedPrice(input, params));
  const dayOf = (input: SlotInput): number => Math.floor(input.slotStartMs / MS_PER_DAY);
  const pricesByDay = new Map<number, bigint[]>();
  for (const input of slots) {
    const day = dayOf(input);
    const prices = pricesByDay.get(day) ?? [];
    prices.push(input.gridImportPriceMicroPerKwh);
    pricesByDay.set(day, prices);
  }
  return slots.map((input) =>
    clearFixedPrice(input, {
      ...params,
      dayPriceMicroPerKwh: dailyFixedPriceMicroPerKwh(pricesByDay.get(dayOf(input)) ?? []),
    }),
  );
}

/** Fixed-price trading for one slot (`clear`) or a run of slots priced per UTC day (`clearHorizon`). */
export const fixedPrice: ClearingMechanism<FixedPriceParams> & HorizonMechanism<FixedPriceParams> = {
  name: 'fixed-price',
  description: 'Fixed day price 10 % below the average grid price (Saini 2023); sellers serve the largest demand first',
  clear: clearFixedPrice,
  clearHorizon: clearFixedPriceHorizon,
};
