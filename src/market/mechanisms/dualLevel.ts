/**
 * @module market/mechanisms/dualLevel
 * K7 dual-level pricing: seed `001_908529126f17c996.txt` §3.4.4–3.4.5, eqs. 3.1–3.4, as the reference (§1 "Where
 * the seeds use SDR") reconstructs the garbled eq. 3.4 [R]: inside each microgrid an SDR pool (level 1); one level
 * up the microgrids are the traders of a second SDR pool with
 *   TES_m = Σ_j (E_j − L_j) over microgrids with NP_j < 0                         (3.1)
 *   TEP_m = Σ_j (L_j − E_j) over microgrids with NP_j ≥ 0                         (3.2)
 *   γ_m   = TES_m / TEP_m                                                         (3.3)
 *   P_m_sell, P_m_buy = Liu eqs. 9, 10 with SDR replaced by γ_m                   (3.4)
 * and only the remainder `(TEP_m − TES_m)^+` / `(TES_m − TEP_m)^+` is exchanged with the grid at λb / λs.
 *
 * Linking the levels [R]: the seed does not say which λb, λs the level-1 pools use once the microgrids trade. Here
 * each microgrid's pool uses the price it actually faces outside in place of the grid's: a short microgrid imports
 * at P_m_buy (its pool keeps λs as the SDR = 1 end of the curve), a long one exports at P_m_sell (keeping λb as
 * the SDR = 0 end). So the gain of trading between microgrids reaches the prosumers, each microgrid's budget
 * balances against its level-2 bill, and level 2 balances against the grid: the budget identity holds at both
 * levels with rounding only. One microgrid alone (γ_m = 0 or +∞) gets exactly the single-pool SDR of `sdr.ts`.
 */
import { GridPeerError } from '../../errors/index.js';
import { apportionWh, type Ratio, ratio, roundRatio } from '../money.js';
import { buildResult, FlowBook } from '../result.js';
import type { ClearingMechanism, ClearingResult, Order, SlotInput } from '../types.js';
import { assertValidSlotInput, poolBook, settlePool } from './pool.js';
import { sdrPricesExact } from './sdr.js';

/** One microgrid's orders for the slot (every microgrid of a call shares the slot and the grid prices). */
export interface MicrogridSlot {
  readonly microgridId: string;
  readonly input: SlotInput;
}

export interface DualLevelPrices {
  /** TES_m (eq. 3.1) and TEP_m (eq. 3.2), Wh. */
  readonly totalEnergySoldWh: number;
  readonly totalEnergyPurchasedWh: number;
  /** γ_m (eq. 3.3); `'infinity'` when TEP_m = 0. */
  readonly gamma: Ratio | 'infinity';
  /** P_m_sell and P_m_buy (eq. 3.4), exact and rounded once to whole µcoin/kWh. */
  readonly sellPrice: Ratio;
  readonly buyPrice: Ratio;
  readonly sellPriceMicroPerKwh: bigint;
  readonly buyPriceMicroPerKwh: bigint;
}

/**
 * Level-2 prices from the microgrids' net positions `NP_j = L_j − E_j` (Wh, > 0 buys), eqs. 3.1–3.4.
 *
 * @throws GridPeerError MARKET_INVALID_INPUT for a non-integer position, a negative price, or λb < λs.
 */
export function dualLevelPrices(
  microgridNetWh: readonly number[],
  gridImportPriceMicroPerKwh: bigint,
  gridExportPriceMicroPerKwh: bigint,
): DualLevelPrices {
  let sold = 0;
  let purchased = 0;
  for (const net of microgridNetWh) {
    if (!Number.isSafeInteger(net)) {
      throw new GridPeerError('MARKET_INVALID_INPUT', 'microgrid net positions must be integers (Wh)', {
        field: 'microgridNetWh',
      });
    }
    if (net < 0) sold -= net;
    else purchased += net;
  }
  const exact = sdrPricesExact(sold, purchased, ratio(gridImportPriceMicroPerKwh), ratio(gridExportPriceMicroPerKwh));
  return {
    totalEnergySoldWh: sold,
    totalEnergyPurchasedWh: purchased,
    gamma: exact.supplyDemandRatio,
    sellPrice: exact.sellPrice,
    buyPrice: exact.buyPrice,
    sellPriceMicroPerKwh: roundRatio(exact.sellPrice),
    buyPriceMicroPerKwh: roundRatio(exact.buyPrice),
  };
}

export interface MicrogridOutcome {
  readonly microgridId: string;
  /** `NP_j = D_j − S_j` after netting inside the microgrid, Wh (> 0: it buys at level 2). */
  readonly netPositionWh: number;
  /**
   * Level 1 inside the microgrid. Its grid columns are the microgrid's exchange at level 2 (with the other
   * microgrids and the grid together), priced at {@link importPriceMicroPerKwh} / {@link exportPriceMicroPerKwh}.
   */
  readonly result: ClearingResult;
  /** The outside prices its pool used in place of λb and λs (exact values billed, shown rounded). */
  readonly importPriceMicroPerKwh: bigint;
  readonly exportPriceMicroPerKwh: bigint;
}

export interface DualLevelResult {
  readonly mechanism: string;
  readonly prices: DualLevelPrices;
  /** By microgrid id. */
  readonly microgrids: readonly MicrogridOutcome[];
  /**
   * Level 2: the microgrids (participant = microgrid id) as an SDR pool; `peerImportWh`/`peerExportWh` are the
   * inter-microgrid exchange, the grid columns the community's real grid exchange.
   */
  readonly exchange: ClearingResult;
  /**
   * Both levels as one slot result: every prosumer's settlement (peer energy includes its share of what its
   * microgrid exchanged with other microgrids), the real grid exchange, and the operator residual of both levels.
   */
  readonly combined: ClearingResult;
}

function invalid(field: string, rule: string): GridPeerError {
  return new GridPeerError('MARKET_INVALID_INPUT', `${field} ${rule}`, { field });
}

function assertSameSlot(microgrids: readonly MicrogridSlot[]): SlotInput {
  const first = microgrids[0];
  if (first === undefined) throw invalid('microgrids', 'must not be empty');
  const ids = new Set<string>();
  const owner = new Map<string, string>();
  for (const [i, { microgridId, input }] of microgrids.entries()) {
    if (typeof microgridId !== 'string' || microgridId.length === 0) {
      throw invalid(`microgrids[${i}].microgridId`, 'must be a non-empty string');
    }
    if (ids.has(microgridId)) throw invalid(`microgrids[${i}].microgridId`, `repeats "${microgridId}"`);
    ids.add(microgridId);
    for (const key of [
      'slotStartMs',
      'slotDurationMs',
      'gridImportPriceMicroPerKwh',
      'gridExportPriceMicroPerKwh',
    ] as const) {
      if (input[key] !== first.input[key]) throw invalid(`microgrids[${i}].input.${key}`, 'differs between microgrids');
    }
    for (const order of input.orders) {
      const other = owner.get(order.participant);
      if (other !== undefined && other !== microgridId) {
        throw invalid(`microgrids[${i}].input.orders`, `participant "${order.participant}" is in two microgrids`);
      }
      owner.set(order.participant, microgridId);
    }
  }
  return {
    ...first.input,
    orders: microgrids.flatMap((m) => m.input.orders),
  };
}

/**
 * Clears one slot over several microgrids: level-2 prices from the microgrids' net positions, then each
 * microgrid's SDR pool at the prices it faces outside, then the level-2 pool against the grid.
 *
 * @throws GridPeerError MARKET_INVALID_INPUT for no microgrid, repeated ids, a participant in two microgrids,
 *   microgrids of different slots or prices, or an invalid slot.
 */
export function clearDualLevel(microgrids: readonly MicrogridSlot[]): DualLevelResult {
  const all = assertSameSlot(microgrids);
  assertValidSlotInput(all);
  const sorted = [...microgrids].sort((a, b) =>
    a.microgridId < b.microgridId ? -1 : a.microgridId > b.microgridId ? 1 : 0,
  );
  const books = sorted.map((m) => poolBook(m.input));
  const nets = books.map((book) => book.demandWh - book.supplyWh);
  const gridImportPrice = ratio(all.gridImportPriceMicroPerKwh);
  const gridExportPrice = ratio(all.gridExportPriceMicroPerKwh);
  const prices = dualLevelPrices(nets, all.gridImportPriceMicroPerKwh, all.gridExportPriceMicroPerKwh);

  // Level 2: each microgrid is one trader with its net position.
  const level2Orders: Order[] = sorted.map((m, j) => ({
    id: m.microgridId,
    participant: m.microgridId,
    side: nets[j]! < 0 ? 'offer' : 'bid',
    energyWh: Math.abs(nets[j]!),
  }));
  const level2Input: SlotInput = { ...all, orders: level2Orders };
  const exchange = settlePool({
    mechanism: dualLevel.name,
    input: level2Input,
    book: poolBook(level2Input),
    sellPrice: prices.sellPrice,
    buyPrice: prices.buyPrice,
  });

  // Level 1: a short microgrid imports at P_m_buy, a long one exports at P_m_sell (module comment).
  const outcomes: MicrogridOutcome[] = sorted.map((m, j) => {
    const net = nets[j]!;
    const importPrice = net > 0 ? prices.buyPrice : gridImportPrice;
    const exportPrice = net < 0 ? prices.sellPrice : gridExportPrice;
    const book = books[j]!;
    const inner = sdrPricesExact(book.supplyWh, book.demandWh, importPrice, exportPrice);
    const result = settlePool({
      mechanism: dualLevel.name,
      input: m.input,
      book,
      sellPrice: inner.sellPrice,
      buyPrice: inner.buyPrice,
      externalImportPrice: importPrice,
      externalExportPrice: exportPrice,
    });
    return {
      microgridId: m.microgridId,
      netPositionWh: net,
      result,
      importPriceMicroPerKwh: roundRatio(importPrice),
      exportPriceMicroPerKwh: roundRatio(exportPrice),
    };
  });

  // Both levels together: a prosumer's peer energy adds its share of its microgrid's inter-microgrid exchange,
  // apportioned over what its microgrid's pool did not cover inside.
  const flows = new FlowBook();
  for (const outcome of outcomes) {
    const row = exchange.settlements.find((s) => s.participant === outcome.microgridId);
    const settlements = outcome.result.settlements;
    const interImport = apportionWh(
      row?.peerImportWh ?? 0,
      settlements.map((s) => s.importWh - s.peerImportWh),
    );
    const interExport = apportionWh(
      row?.peerExportWh ?? 0,
      settlements.map((s) => s.exportWh - s.peerExportWh),
    );
    settlements.forEach((s, i) => {
      const flow = flows.get(s.participant);
      flow.importWh = s.importWh;
      flow.exportWh = s.exportWh;
      flow.peerImportWh = s.peerImportWh + interImport[i]!;
      flow.peerExportWh = s.peerExportWh + interExport[i]!;
      flow.netPaymentMicro = s.netPaymentMicro;
    });
  }
  const combined = buildResult({
    mechanism: dualLevel.name,
    input: all,
    trades: [],
    flows,
    gridImportWh: exchange.gridImportWh,
    gridExportWh: exchange.gridExportWh,
    gridImportCostMicro: exchange.gridImportCostMicro,
    gridExportRevenueMicro: exchange.gridExportRevenueMicro,
  });
  return { mechanism: dualLevel.name, prices, microgrids: outcomes, exchange, combined };
}

export interface DualLevelParams {
  /** Microgrid of each participant; participants not listed belong to their orders' `location`, else `default`. */
  readonly microgridOf?: Readonly<Record<string, string>>;
}

export const DEFAULT_MICROGRID = 'default';

/**
 * Splits one slot's orders into microgrids (by `params.microgridOf`, else the order's `location`), by id. A slot
 * without orders is one empty microgrid.
 *
 * @throws GridPeerError MARKET_INVALID_INPUT when one participant's orders name two microgrids.
 */
export function splitByMicrogrid(input: SlotInput, params: DualLevelParams = {}): MicrogridSlot[] {
  const groups = new Map<string, Order[]>();
  const owner = new Map<string, string>();
  input.orders.forEach((order, i) => {
    const assigned =
      params.microgridOf !== undefined && Object.hasOwn(params.microgridOf, order.participant)
        ? params.microgridOf[order.participant]
        : undefined;
    const microgridId = assigned ?? order.location ?? DEFAULT_MICROGRID;
    const other = owner.get(order.participant);
    if (other !== undefined && other !== microgridId) {
      throw invalid(`orders[${i}].location`, `puts participant "${order.participant}" in a second microgrid`);
    }
    owner.set(order.participant, microgridId);
    const group = groups.get(microgridId) ?? [];
    group.push(order);
    groups.set(microgridId, group);
  });
  if (groups.size === 0) return [{ microgridId: DEFAULT_MICROGRID, input }];
  return [...groups]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([microgridId, orders]) => ({ microgridId, input: { ...input, orders } }));
}

/**
 * Dual-level pricing of one slot as a {@link ClearingMechanism}: microgrids from {@link splitByMicrogrid}, the
 * result is {@link DualLevelResult.combined}. Use {@link clearDualLevel} for the per-microgrid results.
 */
export const dualLevel: ClearingMechanism<DualLevelParams> = {
  name: 'dual-level',
  description:
    'Dual-level SDR (seed 001): an SDR pool in each microgrid, microgrids trade their net at a second SDR price',
  clear: (input, params) => clearDualLevel(splitByMicrogrid(input, params)).combined,
};
