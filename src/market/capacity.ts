/**
 * @module market/capacity
 * Network limits at clearing (MISSION K11: "feeder/transformer capacity respected at clearing"; seed 004's OPF,
 * seed 001's line-flow price signals). {@link withCapacityLimit} wraps any mechanism: it clears, then scales the
 * peer exchange down to the limits and settles the curtailed energy with the grid (K8).
 *
 * Limits:
 * - `maxPeerExchangeWh`: the slot's total peer-to-peer energy (Σ trade Wh).
 * - `feederLimitsWh[F]`: the peer energy crossing feeder F's boundary, in each direction separately: trades whose
 *   seller is on F and buyer on another feeder (leaving F), and trades whose buyer is on F and seller elsewhere
 *   (entering F). A trade counts only when both orders carry a `location` and the two differ; trades inside a
 *   feeder, or with an unknown end, are not limited. This is a limit on scheduled P2P exchange, not a power flow:
 *   the curtailed energy still reaches the buyer, from the grid.
 *
 * Curtailment, deterministic: the constraints are taken feeder by feeder (sorted by name, leaving before
 * entering), then the total. Each violated one cuts its trades to exactly the limit, `proRata` (default: in
 * proportion to their current Wh, integer parts by largest remainder, {@link apportionWh}) or `lastMatchedFirst`
 * (from the end of the result's trade list backwards: the last-matched trades are the marginal ones of a
 * merit-order book). Cuts only lower flows, so one pass satisfies every constraint.
 */
import { GridPeerError } from '../errors/index.js';
import { apportionWh, costMicro, divRound } from './money.js';
import { buildResult, FlowBook } from './result.js';
import type { ClearingMechanism, ClearingResult, Order, SlotInput, Trade } from './types.js';

export interface CapacityLimits {
  /** Most peer-to-peer energy in the slot, Wh. */
  readonly maxPeerExchangeWh?: number;
  /** Most peer energy across each feeder's boundary per direction, Wh, by `Order.location`. */
  readonly feederLimitsWh?: Readonly<Record<string, number>>;
  /** How a violated limit is met (module doc). Default `proRata`. */
  readonly curtailment?: 'proRata' | 'lastMatchedFirst';
}

function validate(limits: CapacityLimits): void {
  const check = (value: number, field: string) => {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new GridPeerError('MARKET_INVALID_INPUT', `${field} must be a non-negative integer (Wh)`, {
        field,
        value,
      });
    }
  };
  if (limits.maxPeerExchangeWh !== undefined) check(limits.maxPeerExchangeWh, 'maxPeerExchangeWh');
  for (const [feeder, value] of Object.entries(limits.feederLimitsWh ?? {})) check(value, `feederLimitsWh.${feeder}`);
}

export interface FeederFlow {
  /** Peer energy sold from the feeder to buyers on other feeders, Wh. */
  readonly leavingWh: number;
  /** Peer energy bought on the feeder from sellers on other feeders, Wh. */
  readonly enteringWh: number;
}

/** Seller and buyer locations of a trade, when both orders carry one. */
function endpoints(trade: Trade, orders: ReadonlyMap<string, Order>): { from: string; to: string } | undefined {
  const from = orders.get(trade.offerId)?.location;
  const to = orders.get(trade.bidId)?.location;
  return from === undefined || to === undefined ? undefined : { from, to };
}

/** Cross-feeder peer energy per feeder (only feeders some trade crosses appear). */
export function feederFlows(input: SlotInput, trades: readonly Trade[]): Record<string, FeederFlow> {
  const orders = new Map(input.orders.map((o) => [o.id, o]));
  const flows: Record<string, { leavingWh: number; enteringWh: number }> = {};
  for (const trade of trades) {
    const ends = endpoints(trade, orders);
    if (!ends || ends.from === ends.to) continue;
    flows[ends.from] ??= { leavingWh: 0, enteringWh: 0 };
    flows[ends.from]!.leavingWh += trade.energyWh;
    flows[ends.to] ??= { leavingWh: 0, enteringWh: 0 };
    flows[ends.to]!.enteringWh += trade.energyWh;
  }
  return flows;
}

/** Cuts `energy[i]` for i in `members` (in trade order) down to `limitWh` in total. */
function cut(energy: number[], members: readonly number[], limitWh: number, how: 'proRata' | 'lastMatchedFirst') {
  const current = members.reduce((sum, i) => sum + (energy[i] ?? 0), 0);
  if (current <= limitWh) return;
  if (how === 'proRata') {
    const parts = apportionWh(
      limitWh,
      members.map((i) => energy[i] ?? 0),
    );
    members.forEach((i, k) => {
      energy[i] = parts[k] ?? 0;
    });
    return;
  }
  let excess = current - limitWh;
  for (let k = members.length - 1; k >= 0 && excess > 0; k -= 1) {
    const i = members[k]!;
    const take = Math.min(energy[i] ?? 0, excess);
    energy[i] = (energy[i] ?? 0) - take;
    excess -= take;
  }
}

/** A flow book holding the result's settlements as they are. */
function flowsOf(result: ClearingResult): FlowBook {
  const flows = new FlowBook();
  for (const s of result.settlements) {
    const flow = flows.get(s.participant);
    flow.importWh = s.importWh;
    flow.exportWh = s.exportWh;
    flow.peerImportWh = s.peerImportWh;
    flow.peerExportWh = s.peerExportWh;
    flow.netPaymentMicro = s.netPaymentMicro;
  }
  return flows;
}

/**
 * Applies `limits` to a mechanism's result for `input` (module doc). Every curtailed Wh moves to the grid: the
 * buyer now imports it at λb and the seller exports it at λs. A cut trade keeps its price; its amounts shrink
 * with it (`costMicro` at the trade price, or in proportion where the mechanism's amount was not exactly that,
 * and the seller's share likewise). Trades cut to 0 disappear. The community grid cost grows by
 * costMicro(new total) − costMicro(old total), so a mechanism's own grid money is kept. `curtailedWh` adds the
 * cut to the mechanism's own.
 *
 * Results without trades (a pool mechanism reporting settlements only) can meet `maxPeerExchangeWh`: the excess
 * is taken from buyers' peerImportWh and sellers' peerExportWh in proportion, and each one's peer money
 * (netPayment minus its grid part) shrinks in proportion to its peer energy; feeder limits need trades and throw.
 * @throws GridPeerError MARKET_INVALID_INPUT for a negative or fractional limit, or feeder limits on a result
 *   without trades but with peer energy.
 */
export function curtailToCapacity(input: SlotInput, result: ClearingResult, limits: CapacityLimits): ClearingResult {
  validate(limits);
  const how = limits.curtailment ?? 'proRata';
  const buy = input.gridImportPriceMicroPerKwh;
  const sell = input.gridExportPriceMicroPerKwh;
  const peerWh = result.settlements.reduce((sum, s) => sum + s.peerExportWh, 0);
  if (result.trades.length === 0 && peerWh > 0) return curtailSettlements(input, result, limits, peerWh);

  const orders = new Map(input.orders.map((o) => [o.id, o]));
  const energy = result.trades.map((t) => t.energyWh);
  const ends = result.trades.map((t) => endpoints(t, orders));
  const feeders = Object.keys(limits.feederLimitsWh ?? {}).sort();
  for (const feeder of feeders) {
    const limitWh = limits.feederLimitsWh?.[feeder] ?? 0;
    const leaving: number[] = [];
    const entering: number[] = [];
    ends.forEach((e, i) => {
      if (!e || e.from === e.to) return;
      if (e.from === feeder) leaving.push(i);
      if (e.to === feeder) entering.push(i);
    });
    cut(energy, leaving, limitWh, how);
    cut(energy, entering, limitWh, how);
  }
  if (limits.maxPeerExchangeWh !== undefined) {
    cut(
      energy,
      energy.map((_, i) => i),
      limits.maxPeerExchangeWh,
      how,
    );
  }

  const flows = flowsOf(result);
  const trades: Trade[] = [];
  let curtailedWh = 0;
  result.trades.forEach((trade, i) => {
    const kept = energy[i] ?? 0;
    const curtailed = trade.energyWh - kept;
    if (curtailed === 0) {
      trades.push(trade);
      return;
    }
    curtailedWh += curtailed;
    const exact = trade.amountMicro === costMicro(trade.energyWh, trade.priceMicroPerKwh);
    const amountMicro = exact
      ? costMicro(kept, trade.priceMicroPerKwh)
      : divRound(trade.amountMicro * BigInt(kept), BigInt(trade.energyWh));
    const sellerAmountMicro =
      trade.sellerAmountMicro === trade.amountMicro
        ? amountMicro
        : divRound(trade.sellerAmountMicro * BigInt(kept), BigInt(trade.energyWh));
    if (kept > 0) trades.push({ ...trade, energyWh: kept, amountMicro, sellerAmountMicro });
    const buyer = flows.get(trade.buyerId);
    buyer.peerImportWh -= curtailed;
    buyer.netPaymentMicro += amountMicro - trade.amountMicro + costMicro(curtailed, buy);
    const seller = flows.get(trade.sellerId);
    seller.peerExportWh -= curtailed;
    seller.netPaymentMicro += trade.sellerAmountMicro - sellerAmountMicro - costMicro(curtailed, sell);
  });
  if (curtailedWh === 0) return result;
  return rebuild(input, result, flows, trades, curtailedWh);
}

function rebuild(
  input: SlotInput,
  result: ClearingResult,
  flows: FlowBook,
  trades: readonly Trade[],
  curtailedWh: number,
): ClearingResult {
  const buy = input.gridImportPriceMicroPerKwh;
  const sell = input.gridExportPriceMicroPerKwh;
  const gridImportWh = result.gridImportWh + curtailedWh;
  const gridExportWh = result.gridExportWh + curtailedWh;
  return buildResult({
    mechanism: result.mechanism,
    input,
    trades,
    flows,
    gridImportWh,
    gridExportWh,
    gridImportCostMicro:
      result.gridImportCostMicro + costMicro(gridImportWh, buy) - costMicro(result.gridImportWh, buy),
    gridExportRevenueMicro:
      result.gridExportRevenueMicro + costMicro(gridExportWh, sell) - costMicro(result.gridExportWh, sell),
    prices: result.prices,
    curtailedWh: result.curtailedWh + curtailedWh,
  });
}

/** The settlement-level path of {@link curtailToCapacity} (no trades to cut). */
function curtailSettlements(
  input: SlotInput,
  result: ClearingResult,
  limits: CapacityLimits,
  peerWh: number,
): ClearingResult {
  if (Object.keys(limits.feederLimitsWh ?? {}).length > 0) {
    throw new GridPeerError(
      'MARKET_INVALID_INPUT',
      'feeder limits need a result with trades (who sold to whom); this mechanism reports settlements only',
      { mechanism: result.mechanism },
    );
  }
  const limitWh = limits.maxPeerExchangeWh;
  if (limitWh === undefined || peerWh <= limitWh) return result;
  const excess = peerWh - limitWh;
  const buy = input.gridImportPriceMicroPerKwh;
  const sell = input.gridExportPriceMicroPerKwh;
  const importCuts = apportionWh(
    excess,
    result.settlements.map((s) => s.peerImportWh),
  );
  const exportCuts = apportionWh(
    excess,
    result.settlements.map((s) => s.peerExportWh),
  );
  const flows = new FlowBook();
  result.settlements.forEach((s, i) => {
    const cutIn = importCuts[i] ?? 0;
    const cutOut = exportCuts[i] ?? 0;
    const gridMoney = (imp: number, exp: number) => costMicro(imp, buy) - costMicro(exp, sell);
    const peerMoney = s.netPaymentMicro - gridMoney(s.importWh - s.peerImportWh, s.exportWh - s.peerExportWh);
    const peerVolume = s.peerImportWh + s.peerExportWh;
    const keptPeerMoney =
      peerVolume === 0 ? peerMoney : divRound(peerMoney * BigInt(peerVolume - cutIn - cutOut), BigInt(peerVolume));
    const flow = flows.get(s.participant);
    flow.importWh = s.importWh;
    flow.exportWh = s.exportWh;
    flow.peerImportWh = s.peerImportWh - cutIn;
    flow.peerExportWh = s.peerExportWh - cutOut;
    flow.netPaymentMicro = keptPeerMoney + gridMoney(s.importWh - flow.peerImportWh, s.exportWh - flow.peerExportWh);
  });
  return rebuild(input, result, flows, result.trades, excess);
}

/**
 * Wraps a mechanism so its outcome respects `limits`: `clear(input, params)` clears with the mechanism, then
 * applies {@link curtailToCapacity}. The result keeps the mechanism's name with `+capacity`.
 */
export function withCapacityLimit<P>(mechanism: ClearingMechanism<P>, limits: CapacityLimits): ClearingMechanism<P> {
  validate(limits);
  const name = `${mechanism.name}+capacity`;
  return {
    name,
    description: `${mechanism.description} — peer exchange limited to the network's capacity (K11)`,
    clear(input: SlotInput, params?: P): ClearingResult {
      const curtailed = curtailToCapacity(input, mechanism.clear(input, params), limits);
      return { ...curtailed, mechanism: name };
    },
  };
}
