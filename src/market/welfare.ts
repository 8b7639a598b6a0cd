/**
 * @module market/welfare
 * The welfare benchmark every mechanism is measured against (MISSION K12), after the reference §7
 * (`../shared/reference/market-mechanisms.md`; Sousa et al. 2019 eqs. 1–2, Sorin et al. 2019 eqs. 4–9):
 *
 * - {@link slotWelfareOptimum}: §7.1, one slot, bid-based. `max Σ b_j·x_j − Σ a_i·y_i − λb·g⁺ + λs·g⁻` subject to
 *   `Σ x_j = Σ y_i + g⁺ − g⁻`; the balance row's dual is a uniform clearing price.
 * - {@link mechanismWelfare}: the same objective evaluated at a mechanism's outcome, and `η = W / W*`.
 * - {@link dayCostOptimum}: §7.2, the community's least grid cost over a day with batteries.
 *
 * The LPs are solved by HiGHS (`highs` 1.15.3, WebAssembly; `../shared/reference/dependencies.md`). Loading the
 * wasm is the only asynchronous, impure step: {@link loadLpSolver} does it once per process, and every solve after
 * that is a pure function of its input. Floating point stays inside the LP and the reported optima; the §7.1
 * optimum is re-evaluated exactly (integer Wh × µcoin/kWh = nano-coins, bigint) from its integral vertex.
 */
import type { Highs, ModelData } from 'highs';
import { GridPeerError } from '../errors/index.js';
import type { ClearingResult, Order, SlotInput } from './types.js';

// ---------------------------------------------------------------------------------------------------------------
// Solver loading and a small LP helper
// ---------------------------------------------------------------------------------------------------------------

type HighsLoader = (options?: object) => Promise<Highs>;

let solverPromise: Promise<Highs> | undefined;

/**
 * Loads the HiGHS wasm once per process and returns the shared instance (about 40 ms the first time).
 *
 * `highs`' `.d.ts` types the default export of an ES import as the module namespace under `module: NodeNext`,
 * while at run time it is the loader itself (dependencies.md, "Market clearing"); both shapes are accepted.
 * @throws GridPeerError MARKET_LP_FAILED when the wasm cannot be loaded (a later call tries again).
 */
export function loadLpSolver(): Promise<Highs> {
  if (solverPromise === undefined) {
    solverPromise = (async () => {
      const module = (await import('highs')) as unknown as { default: HighsLoader | { default: HighsLoader } };
      const exported = module.default;
      const load = typeof exported === 'function' ? exported : exported.default;
      return load();
    })().catch((cause: unknown) => {
      solverPromise = undefined;
      throw new GridPeerError('MARKET_LP_FAILED', 'could not load the HiGHS LP solver', {}, { cause });
    });
  }
  return solverPromise;
}

/** One LP row: `lower ≤ Σ value·x[column] ≤ upper`. */
interface LpRow {
  readonly lower: number;
  readonly upper: number;
  readonly entries: ReadonlyArray<readonly [column: number, value: number]>;
}

interface LpProblem {
  readonly sense: 'minimize' | 'maximize';
  readonly cost: readonly number[];
  readonly lower: readonly number[];
  readonly upper: readonly number[];
  readonly rows: readonly LpRow[];
}

interface LpSolution {
  readonly objective: number;
  readonly colValue: Float64Array;
  readonly rowDual: Float64Array;
}

/** Solves `problem` with the simplex method (a basic, i.e. vertex, solution), logging off. */
function solveLp(highs: Highs, problem: LpProblem, what: string): LpSolution {
  const starts: number[] = [0];
  const indices: number[] = [];
  const values: number[] = [];
  for (const row of problem.rows) {
    for (const [column, value] of row.entries) {
      indices.push(column);
      values.push(value);
    }
    starts.push(indices.length);
  }
  const numCols = problem.cost.length;
  const numRows = problem.rows.length;
  const data: ModelData = {
    numCols,
    numRows,
    sense:
      problem.sense === 'maximize' ? highs.constants.objectiveSense.maximize : highs.constants.objectiveSense.minimize,
    colCost: problem.cost,
    colLower: problem.lower,
    colUpper: problem.upper,
    rowLower: problem.rows.map((r) => r.lower),
    rowUpper: problem.rows.map((r) => r.upper),
    matrix: { format: 'csr', numRows, numCols, starts, indices, values },
  };
  let model: ReturnType<Highs['createModel']> | undefined;
  try {
    model = highs.createModel(data);
    model.options.set({ output_flag: false, solver: 'simplex' });
    model.run();
    const status = model.getModelStatus();
    if (status === highs.constants.modelStatus.infeasible) {
      throw new GridPeerError('MARKET_INVALID_INPUT', `${what}: the LP is infeasible`, { modelStatus: status });
    }
    if (status !== highs.constants.modelStatus.optimal) {
      throw new GridPeerError('MARKET_LP_FAILED', `${what}: HiGHS ended without an optimum`, { modelStatus: status });
    }
    const solution = model.getSolution();
    return { objective: model.getObjectiveValue(), colValue: solution.colValue, rowDual: solution.rowDual };
  } catch (error) {
    if (error instanceof GridPeerError) throw error;
    throw new GridPeerError('MARKET_LP_FAILED', `${what}: HiGHS failed`, {}, { cause: error });
  } finally {
    model?.dispose();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Shared conventions
// ---------------------------------------------------------------------------------------------------------------

const MICRO_PER_COIN = 1_000_000;
const WH_PER_KWH = 1000;

/**
 * An order's limit price, µcoin/kWh. Absent = the grid price on its side (types.ts `Order.limitPriceMicroPerKwh`):
 * λs for an offer, λb for a bid.
 */
export function effectiveLimitMicroPerKwh(order: Order, input: SlotInput): bigint {
  return (
    order.limitPriceMicroPerKwh ??
    (order.side === 'bid' ? input.gridImportPriceMicroPerKwh : input.gridExportPriceMicroPerKwh)
  );
}

/** λb ≥ λs ≥ 0 (reference §0) and well-formed orders; otherwise the §7.1 LP is unbounded or meaningless. */
function validateSlot(input: SlotInput): void {
  const { gridImportPriceMicroPerKwh: buy, gridExportPriceMicroPerKwh: sell } = input;
  if (sell < 0n || buy < sell) {
    throw new GridPeerError('MARKET_INVALID_INPUT', 'grid prices must satisfy import ≥ export ≥ 0 (reference §0)', {
      gridImportPriceMicroPerKwh: buy,
      gridExportPriceMicroPerKwh: sell,
    });
  }
  const ids = new Set<string>();
  for (const order of input.orders) {
    if (ids.has(order.id)) throw new GridPeerError('MARKET_INVALID_INPUT', 'duplicate order id', { id: order.id });
    ids.add(order.id);
    if (!Number.isSafeInteger(order.energyWh) || order.energyWh < 0) {
      throw new GridPeerError('MARKET_INVALID_INPUT', 'energyWh must be a non-negative integer', {
        id: order.id,
        energyWh: order.energyWh,
      });
    }
    if (order.limitPriceMicroPerKwh !== undefined && order.limitPriceMicroPerKwh < 0n) {
      throw new GridPeerError('MARKET_INVALID_INPUT', 'limit prices must be non-negative', { id: order.id });
    }
  }
}

/** Nano-coins (1e-9 coin): exactly what Wh × µcoin/kWh is, so welfare sums stay integral. */
function nanoToMicro(nano: bigint): number {
  return Number(nano) / 1000;
}

// ---------------------------------------------------------------------------------------------------------------
// §7.1 Single slot, bid-based
// ---------------------------------------------------------------------------------------------------------------

export interface SlotWelfareOptimum {
  /** W*, µcoin (may carry a fraction of a micro-coin: Wh × µcoin/kWh is exact in nano-coins). */
  readonly welfareMicro: number;
  /** W* exactly, in nano-coins (µcoin/kWh × Wh). */
  readonly welfareNano: bigint;
  /** HiGHS' own objective, µcoin (floating point; agrees with `welfareMicro` to solver tolerance). */
  readonly lpObjectiveMicro: number;
  /** x_j: energy each bid receives at the optimum, Wh, by order id. */
  readonly bidWh: Readonly<Record<string, number>>;
  /** y_i: energy each offer delivers at the optimum, Wh, by order id. */
  readonly offerWh: Readonly<Record<string, number>>;
  /** g⁺ and g⁻, Wh. */
  readonly gridImportWh: number;
  readonly gridExportWh: number;
  /**
   * Dual of the balance row, µcoin/kWh (floating point): a uniform clearing price in [λs, λb]. It is not unique
   * when the curves cross on a flat step; HiGHS returns a vertex (case A: 0.15 of [0.15, 0.22], reference §7.1).
   */
  readonly clearingPriceMicroPerKwh: number;
}

/**
 * The §7.1 LP for one slot:
 * ```
 * max  Σ_j b_j·x_j − Σ_i a_i·y_i − λb·g⁺ + λs·g⁻
 * s.t. Σ_j x_j − Σ_i y_i − g⁺ + g⁻ = 0        (dual = uniform clearing price)
 *      0 ≤ x_j ≤ X_j,  0 ≤ y_i ≤ Y_i,  g⁺, g⁻ ≥ 0
 * ```
 * with b_j, a_i the orders' limit prices (absent = the grid price on that side). The LP is solved in kWh and
 * coin/kWh (well-scaled for HiGHS' tolerances). Its constraint matrix is one row of ±1, so every basic solution
 * is integral in Wh: the quantities are rounded to whole Wh, g± re-derived from the balance (the cheaper of the
 * two, which is optimal given x and y because λb ≥ λs), and W* re-evaluated exactly in nano-coins.
 * @throws GridPeerError MARKET_INVALID_INPUT (grid prices not λb ≥ λs ≥ 0, bad orders), MARKET_LP_FAILED.
 */
export async function slotWelfareOptimum(input: SlotInput): Promise<SlotWelfareOptimum> {
  validateSlot(input);
  const highs = await loadLpSolver();
  const bids = input.orders.filter((o) => o.side === 'bid');
  const offers = input.orders.filter((o) => o.side === 'offer');
  const toCoinPerKwh = (price: bigint) => Number(price) / MICRO_PER_COIN;
  const cost: number[] = [];
  const upper: number[] = [];
  const entries: Array<readonly [number, number]> = [];
  for (const bid of bids) {
    entries.push([cost.length, 1]);
    cost.push(toCoinPerKwh(effectiveLimitMicroPerKwh(bid, input)));
    upper.push(bid.energyWh / WH_PER_KWH);
  }
  for (const offer of offers) {
    entries.push([cost.length, -1]);
    cost.push(-toCoinPerKwh(effectiveLimitMicroPerKwh(offer, input)));
    upper.push(offer.energyWh / WH_PER_KWH);
  }
  const gridImportColumn = cost.length;
  entries.push([gridImportColumn, -1]);
  cost.push(-toCoinPerKwh(input.gridImportPriceMicroPerKwh));
  upper.push(Number.POSITIVE_INFINITY);
  entries.push([gridImportColumn + 1, 1]);
  cost.push(toCoinPerKwh(input.gridExportPriceMicroPerKwh));
  upper.push(Number.POSITIVE_INFINITY);

  const lp = solveLp(
    highs,
    { sense: 'maximize', cost, lower: cost.map(() => 0), upper, rows: [{ lower: 0, upper: 0, entries }] },
    'slot welfare (reference §7.1)',
  );

  const column = (index: number) => Math.round((lp.colValue[index] ?? 0) * WH_PER_KWH);
  const bidWh: Record<string, number> = {};
  const offerWh: Record<string, number> = {};
  let welfareNano = 0n;
  let boughtWh = 0;
  let soldWh = 0;
  bids.forEach((bid, j) => {
    const wh = Math.min(bid.energyWh, Math.max(0, column(j)));
    bidWh[bid.id] = wh;
    boughtWh += wh;
    welfareNano += BigInt(wh) * effectiveLimitMicroPerKwh(bid, input);
  });
  offers.forEach((offer, i) => {
    const wh = Math.min(offer.energyWh, Math.max(0, column(bids.length + i)));
    offerWh[offer.id] = wh;
    soldWh += wh;
    welfareNano -= BigInt(wh) * effectiveLimitMicroPerKwh(offer, input);
  });
  const gridImportWh = Math.max(0, boughtWh - soldWh);
  const gridExportWh = Math.max(0, soldWh - boughtWh);
  welfareNano -= BigInt(gridImportWh) * input.gridImportPriceMicroPerKwh;
  welfareNano += BigInt(gridExportWh) * input.gridExportPriceMicroPerKwh;

  const lpObjectiveMicro = lp.objective * MICRO_PER_COIN;
  const welfareMicro = nanoToMicro(welfareNano);
  if (Math.abs(welfareMicro - lpObjectiveMicro) > 1e-6 * Math.max(1, Math.abs(lpObjectiveMicro))) {
    // A non-vertex answer would land here; never seen with the simplex solver.
    throw new GridPeerError('MARKET_LP_FAILED', 'slot welfare: the rounded LP solution lost optimality', {
      welfareMicro,
      lpObjectiveMicro,
    });
  }
  return {
    welfareMicro,
    welfareNano,
    lpObjectiveMicro,
    bidWh,
    offerWh,
    gridImportWh,
    gridExportWh,
    clearingPriceMicroPerKwh: (lp.rowDual[0] ?? 0) * MICRO_PER_COIN,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// A mechanism's outcome under the §7.1 objective
// ---------------------------------------------------------------------------------------------------------------

export interface MechanismWelfare {
  /**
   * W: the §7.1 objective at the mechanism's outcome, counting grid fallback only where the order's own limit
   * makes it worth it (see {@link mechanismWelfare}); comparable with W*, and W ≤ W*. µcoin.
   */
  readonly welfareMicro: number;
  readonly welfareNano: bigint;
  /** Of W: gains from peer trades, Σ b_j·(peer Wh) − Σ a_i·(peer Wh). */
  readonly peerGainsNano: bigint;
  /**
   * Gross value, every Wh counted: Σ_bids b·(all Wh received) − Σ_offers a·(all Wh delivered) − grid import cost
   * + grid export revenue (the result's own grid money). Lower than W by the value of forced grid fallback.
   */
  readonly grossWelfareMicro: number;
  readonly grossWelfareNano: bigint;
  /** W/W* when an optimum was given (see {@link welfareEfficiency}). */
  readonly efficiency?: number | null;
}

/**
 * η = W/W* (reference §7.1). W* ≥ 0 always (trading nothing is feasible). W* = 0: 1 when W = 0 too, otherwise
 * `null` (no meaningful ratio).
 */
export function welfareEfficiency(welfareNano: bigint, optimumNano: bigint): number | null {
  if (optimumNano === 0n) return welfareNano === 0n ? 1 : null;
  return Number(welfareNano) / Number(optimumNano);
}

/** Fills `capacity` (order id → Wh) in the given order with `totalWh`; returns order id → Wh taken. */
function fillInOrder(totalWh: number, orders: readonly Order[], capacity: Map<string, number>): Map<string, number> {
  const taken = new Map<string, number>();
  let left = totalWh;
  for (const order of orders) {
    if (left <= 0) break;
    const free = capacity.get(order.id) ?? 0;
    const take = Math.min(free, left);
    if (take > 0) {
      taken.set(order.id, take);
      capacity.set(order.id, free - take);
      left -= take;
    }
  }
  return taken;
}

/**
 * The §7.1 objective at a mechanism's outcome.
 *
 * Attribution to orders (a participant may hold several orders with different limits):
 * 1. Peer energy. When the result's trades account for all peer energy (Σ trade Wh = Σ peerImportWh =
 *    Σ peerExportWh), each trade's Wh goes to its `bidId`/`offerId`. Otherwise (pool mechanisms that report
 *    settlements only) each participant's peerImportWh fills its bids by limit descending and its peerExportWh
 *    fills its offers by limit ascending.
 * 2. Grid energy. Each participant's importWh − peerImportWh fills the remaining room of its bids by limit
 *    descending (exportWh − peerExportWh its offers by limit ascending); energy beyond its orders is valued at
 *    the grid price (it adds nothing to W).
 *
 * Then, with b, a the limits (absent = grid price on that side):
 * ```
 * W     = Σ_bids b·peer − Σ_offers a·peer + Σ_bids (b − λb)⁺·grid + Σ_offers (λs − a)⁺·grid
 * Wgross = Σ_bids b·(peer+grid) − Σ_offers a·(peer+grid) − gridImportCost + gridExportRevenue
 * ```
 * W is the LP objective at a feasible point of §7.1 (x = peer Wh plus the grid Wh the order's limit accepts),
 * so W ≤ W*. A mechanism that sends an unmatched bid below λb to the grid (K8) does not lose welfare for it: the
 * LP would not have served that bid, and the buyer's load is inelastic anyway. This is what makes the uniform
 * auction reach W* = 0.59 on case A, as §7.1 states, while Wgross = −0.04 there (B3 buys 3 kWh at 0.30 that it
 * values at 0.14; S3 sells 1 kWh at 0.10 that it values at 0.25).
 */
export function mechanismWelfare(
  input: SlotInput,
  result: ClearingResult,
  optimum?: Pick<SlotWelfareOptimum, 'welfareNano'>,
): MechanismWelfare {
  const gridBuy = input.gridImportPriceMicroPerKwh; // λb
  const gridSell = input.gridExportPriceMicroPerKwh; // λs
  const limit = new Map(input.orders.map((o) => [o.id, effectiveLimitMicroPerKwh(o, input)]));
  const limitOf = (order: Order) => limit.get(order.id) ?? 0n;
  const byParticipant = new Map<string, { bids: Order[]; offers: Order[] }>();
  for (const order of input.orders) {
    let entry = byParticipant.get(order.participant);
    if (!entry) {
      entry = { bids: [], offers: [] };
      byParticipant.set(order.participant, entry);
    }
    (order.side === 'bid' ? entry.bids : entry.offers).push(order);
  }
  const tieBreak = (a: Order, b: Order) =>
    (a.sequence ?? 0) - (b.sequence ?? 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  for (const entry of byParticipant.values()) {
    entry.bids.sort((a, b) => (limitOf(a) === limitOf(b) ? tieBreak(a, b) : limitOf(a) > limitOf(b) ? -1 : 1));
    entry.offers.sort((a, b) => (limitOf(a) === limitOf(b) ? tieBreak(a, b) : limitOf(a) < limitOf(b) ? -1 : 1));
  }

  const room = new Map(input.orders.map((o) => [o.id, o.energyWh]));
  const peerWh = new Map<string, number>();
  const addPeer = (id: string, wh: number) => peerWh.set(id, (peerWh.get(id) ?? 0) + wh);
  const tradeWh = result.trades.reduce((sum, t) => sum + t.energyWh, 0);
  const peerImportWh = result.settlements.reduce((sum, s) => sum + s.peerImportWh, 0);
  const peerExportWh = result.settlements.reduce((sum, s) => sum + s.peerExportWh, 0);
  // Trades are used only when they form a feasible point: every order they name has room for their energy.
  // Mechanisms that net a participant's orders (fixed price) name one order per participant, which may be
  // smaller than the netted trade; then the participant-level fill below applies.
  const namedWh = new Map<string, number>();
  for (const t of result.trades) {
    namedWh.set(t.bidId, (namedWh.get(t.bidId) ?? 0) + t.energyWh);
    namedWh.set(t.offerId, (namedWh.get(t.offerId) ?? 0) + t.energyWh);
  }
  const tradesDescribePeers =
    tradeWh === peerImportWh &&
    tradeWh === peerExportWh &&
    result.trades.every((t) => room.has(t.bidId) && room.has(t.offerId)) &&
    [...namedWh].every(([id, wh]) => wh <= (room.get(id) ?? 0));
  if (tradesDescribePeers) {
    for (const trade of result.trades) {
      addPeer(trade.bidId, trade.energyWh);
      addPeer(trade.offerId, trade.energyWh);
      room.set(trade.bidId, Math.max(0, (room.get(trade.bidId) ?? 0) - trade.energyWh));
      room.set(trade.offerId, Math.max(0, (room.get(trade.offerId) ?? 0) - trade.energyWh));
    }
  } else {
    for (const s of result.settlements) {
      const entry = byParticipant.get(s.participant);
      if (!entry) continue;
      for (const [id, wh] of fillInOrder(s.peerImportWh, entry.bids, room)) addPeer(id, wh);
      for (const [id, wh] of fillInOrder(s.peerExportWh, entry.offers, room)) addPeer(id, wh);
    }
  }

  let peerGainsNano = 0n;
  let grossNano = 0n;
  for (const order of input.orders) {
    const wh = BigInt(peerWh.get(order.id) ?? 0);
    const value = wh * limitOf(order);
    peerGainsNano += order.side === 'bid' ? value : -value;
    grossNano += order.side === 'bid' ? value : -value;
  }
  let welfareNano = peerGainsNano;
  for (const s of result.settlements) {
    const entry = byParticipant.get(s.participant);
    const gridInWh = Math.max(0, s.importWh - s.peerImportWh);
    const gridOutWh = Math.max(0, s.exportWh - s.peerExportWh);
    const gridIn = fillInOrder(gridInWh, entry?.bids ?? [], room);
    const gridOut = fillInOrder(gridOutWh, entry?.offers ?? [], room);
    let placedIn = 0;
    for (const [id, wh] of gridIn) {
      const b = limit.get(id) ?? gridBuy;
      placedIn += wh;
      grossNano += BigInt(wh) * b;
      if (b > gridBuy) welfareNano += BigInt(wh) * (b - gridBuy);
    }
    let placedOut = 0;
    for (const [id, wh] of gridOut) {
      const a = limit.get(id) ?? gridSell;
      placedOut += wh;
      grossNano -= BigInt(wh) * a;
      if (a < gridSell) welfareNano += BigInt(wh) * (gridSell - a);
    }
    // Energy beyond the participant's orders: valued at the grid price on its side.
    grossNano += BigInt(gridInWh - placedIn) * gridBuy - BigInt(gridOutWh - placedOut) * gridSell;
  }
  grossNano -= result.gridImportCostMicro * 1000n;
  grossNano += result.gridExportRevenueMicro * 1000n;

  const base = {
    welfareMicro: nanoToMicro(welfareNano),
    welfareNano,
    peerGainsNano,
    grossWelfareMicro: nanoToMicro(grossNano),
    grossWelfareNano: grossNano,
  };
  return optimum === undefined ? base : { ...base, efficiency: welfareEfficiency(welfareNano, optimum.welfareNano) };
}

// ---------------------------------------------------------------------------------------------------------------
// §7.2 Community cost with batteries over a day
// ---------------------------------------------------------------------------------------------------------------

export interface DaySlot {
  /** Net load per participant, Wh: load − PV (> 0 draws, < 0 has surplus). Only the community sum matters. */
  readonly netLoadWh: Readonly<Record<string, number>>;
  /** λb_t and λs_t, µcoin/kWh, λb_t ≥ λs_t ≥ 0. */
  readonly gridImportPriceMicroPerKwh: bigint;
  readonly gridExportPriceMicroPerKwh: bigint;
}

/** One battery (reference §8.1; seed 004: 5 kWh, 2.5 kW, ηc 0.98, ηd 0.9999). */
export interface BatteryParameters {
  readonly capacityWh: number;
  /** P_cap: the most it charges or discharges, W. */
  readonly powerW: number;
  /** ηc, ηd in (0, 1]. */
  readonly chargeEfficiency: number;
  readonly dischargeEfficiency: number;
  /** E₀, Wh. */
  readonly initialWh: number;
  /** E_min / E_max, Wh (default 0 and capacityWh; seed 000 uses 20 %–80 %). */
  readonly minWh?: number;
  readonly maxWh?: number;
}

export interface DayCostInput {
  readonly slotDurationMs: number;
  readonly slots: readonly DaySlot[];
  /** Batteries by participant. */
  readonly batteries?: Readonly<Record<string, BatteryParameters>>;
  /** Optional feeder limit G_max on grid import, W (g⁺_t ≤ G_max·Δt). */
  readonly feederLimitW?: number;
  /** `atLeastInitial` adds E_n,T ≥ E_n,0 (reference §7.2, optional); default `free`. */
  readonly terminal?: 'free' | 'atLeastInitial';
}

export interface BatterySchedule {
  /** pc_t and pd_t, W. */
  readonly chargeW: readonly number[];
  readonly dischargeW: readonly number[];
  /** E_t at the end of each slot, Wh. */
  readonly energyWh: readonly number[];
}

export interface DayCostOptimum {
  /** C*: Σ_t Δt·(λb_t·g⁺_t − λs_t·g⁻_t), µcoin (floating point, LP tolerance). */
  readonly costMicro: number;
  /** The same day with every battery idle, µcoin (exact arithmetic, reported as a number). */
  readonly withoutBatteriesCostMicro: number;
  /** g⁺_t and g⁻_t, Wh per slot. */
  readonly gridImportWh: readonly number[];
  readonly gridExportWh: readonly number[];
  readonly batteries: Readonly<Record<string, BatterySchedule>>;
  /** Dual of each slot's balance row, µcoin/kWh: the marginal value of energy in that slot. */
  readonly slotPriceMicroPerKwh: readonly number[];
  /**
   * False when some slot imports and exports, or some battery charges and discharges, at once (beyond 1e-6 kWh).
   * With λb ≥ λs ≥ 0 the LP has no reason to (reference §7.2); a degenerate optimum (λb = λs) might.
   */
  readonly complementary: boolean;
}

function validateBattery(participant: string, b: BatteryParameters): { min: number; max: number } {
  const min = b.minWh ?? 0;
  const max = b.maxWh ?? b.capacityWh;
  const finite = [b.capacityWh, b.powerW, b.chargeEfficiency, b.dischargeEfficiency, b.initialWh, min, max];
  const ok =
    finite.every(Number.isFinite) &&
    b.capacityWh >= 0 &&
    b.powerW >= 0 &&
    b.chargeEfficiency > 0 &&
    b.chargeEfficiency <= 1 &&
    b.dischargeEfficiency > 0 &&
    b.dischargeEfficiency <= 1 &&
    min >= 0 &&
    min <= max &&
    max <= b.capacityWh &&
    b.initialWh >= min &&
    b.initialWh <= max;
  if (!ok) {
    throw new GridPeerError(
      'MARKET_INVALID_INPUT',
      'battery parameters must satisfy 0 ≤ minWh ≤ initialWh ≤ maxWh ≤ capacityWh, powerW ≥ 0, 0 < η ≤ 1',
      { participant },
    );
  }
  return { min, max };
}

/**
 * The §7.2 LP: the community's least grid cost over the given slots, batteries dispatched centrally.
 * ```
 * min  Σ_t (λb_t·g⁺_t − λs_t·g⁻_t)                      (g± in energy per slot, so Δt is inside)
 * s.t. Σ_n NetLoad_n,t + Δt·Σ_n (pc_n,t − pd_n,t) = g⁺_t − g⁻_t               ∀t   (dual: slot price)
 *      E_n,t = E_n,t−1 + Δt·(ηc·pc_n,t − pd_n,t/ηd)                             ∀n,t (§8.1 eq. 8)
 *      E_min ≤ E_n,t ≤ E_max,  0 ≤ pc, pd ≤ P_cap,  g± ≥ 0,  optional g⁺_t ≤ G_max·Δt,  E_n,T ≥ E_n,0
 * ```
 * Solved in kWh, kW, hours and coin/kWh. The community is one pool (no network constraints besides G_max), so
 * only the sum of the net loads matters. Reference example: C* = 0.0120588 coin.
 * @throws GridPeerError MARKET_INVALID_INPUT (bad prices, batteries or durations; an infeasible feeder limit),
 *   MARKET_LP_FAILED.
 */
export async function dayCostOptimum(day: DayCostInput): Promise<DayCostOptimum> {
  if (!(day.slotDurationMs > 0) || !Number.isFinite(day.slotDurationMs)) {
    throw new GridPeerError('MARKET_INVALID_INPUT', 'slotDurationMs must be positive', {
      slotDurationMs: day.slotDurationMs,
    });
  }
  if (day.feederLimitW !== undefined && !(day.feederLimitW >= 0)) {
    throw new GridPeerError('MARKET_INVALID_INPUT', 'feederLimitW must be non-negative', {
      feederLimitW: day.feederLimitW,
    });
  }
  day.slots.forEach((slot, t) => {
    const buy = slot.gridImportPriceMicroPerKwh;
    const sell = slot.gridExportPriceMicroPerKwh;
    if (sell < 0n || buy < sell) {
      throw new GridPeerError('MARKET_INVALID_INPUT', 'grid prices must satisfy import ≥ export ≥ 0 (reference §0)', {
        slot: t,
      });
    }
    for (const [participant, wh] of Object.entries(slot.netLoadWh)) {
      if (!Number.isFinite(wh)) {
        throw new GridPeerError('MARKET_INVALID_INPUT', 'netLoadWh must be finite', { slot: t, participant });
      }
    }
  });
  const highs = await loadLpSolver();
  const hours = day.slotDurationMs / 3_600_000;
  const T = day.slots.length;
  const batteries = Object.entries(day.batteries ?? {})
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([participant, params]) => ({ participant, params, ...validateBattery(participant, params) }));
  const netKwh = day.slots.map((slot) => Object.values(slot.netLoadWh).reduce((s, wh) => s + wh, 0) / WH_PER_KWH);
  const coin = (price: bigint) => Number(price) / MICRO_PER_COIN;

  // Columns: per slot g⁺, g⁻; then per battery and slot pc, pd, E.
  const cost: number[] = [];
  const lower: number[] = [];
  const upper: number[] = [];
  const importLimitKwh = day.feederLimitW === undefined ? Number.POSITIVE_INFINITY : (day.feederLimitW / 1000) * hours;
  for (const slot of day.slots) {
    cost.push(coin(slot.gridImportPriceMicroPerKwh), -coin(slot.gridExportPriceMicroPerKwh));
    lower.push(0, 0);
    upper.push(importLimitKwh, Number.POSITIVE_INFINITY);
  }
  const gridColumn = (t: number) => 2 * t;
  const batteryBase = 2 * T;
  const pcColumn = (n: number, t: number) => batteryBase + 3 * (n * T + t);
  for (const b of batteries) {
    const powerKw = b.params.powerW / 1000;
    for (let t = 0; t < T; t += 1) {
      cost.push(0, 0, 0);
      lower.push(0, 0, b.min / WH_PER_KWH);
      upper.push(powerKw, powerKw, b.max / WH_PER_KWH);
    }
  }
  const rows: LpRow[] = [];
  for (let t = 0; t < T; t += 1) {
    // Δt·Σ(pc − pd) − g⁺ + g⁻ = −NetLoad_t
    const entries: Array<readonly [number, number]> = [
      [gridColumn(t), -1],
      [gridColumn(t) + 1, 1],
    ];
    batteries.forEach((_, n) => {
      entries.push([pcColumn(n, t), hours], [pcColumn(n, t) + 1, -hours]);
    });
    const rhs = -(netKwh[t] ?? 0);
    rows.push({ lower: rhs, upper: rhs, entries });
  }
  batteries.forEach((b, n) => {
    const etaC = b.params.chargeEfficiency;
    const etaD = b.params.dischargeEfficiency;
    for (let t = 0; t < T; t += 1) {
      // E_t − E_{t−1} − Δt·ηc·pc_t + (Δt/ηd)·pd_t = 0, E_0 on the right-hand side for t = 0.
      const pc = pcColumn(n, t);
      const entries: Array<readonly [number, number]> = [
        [pc, -hours * etaC],
        [pc + 1, hours / etaD],
        [pc + 2, 1],
      ];
      if (t > 0) entries.push([pcColumn(n, t - 1) + 2, -1]);
      const rhs = t === 0 ? b.params.initialWh / WH_PER_KWH : 0;
      rows.push({ lower: rhs, upper: rhs, entries });
    }
    if (day.terminal === 'atLeastInitial' && T > 0) {
      rows.push({
        lower: b.params.initialWh / WH_PER_KWH,
        upper: Number.POSITIVE_INFINITY,
        entries: [[pcColumn(n, T - 1) + 2, 1]],
      });
    }
  });

  // Every battery idle: each slot's net load settles with the grid (Wh × µcoin/kWh = nano-coins).
  const withoutBatteriesNano = day.slots.reduce((sum, slot) => {
    const wh = Object.values(slot.netLoadWh).reduce((s, v) => s + v, 0);
    const price = wh >= 0 ? slot.gridImportPriceMicroPerKwh : slot.gridExportPriceMicroPerKwh;
    return sum + wh * Number(price);
  }, 0);

  if (T === 0) {
    return {
      costMicro: 0,
      withoutBatteriesCostMicro: 0,
      gridImportWh: [],
      gridExportWh: [],
      batteries: Object.fromEntries(
        batteries.map((b) => [b.participant, { chargeW: [], dischargeW: [], energyWh: [] }]),
      ),
      slotPriceMicroPerKwh: [],
      complementary: true,
    };
  }

  const lp = solveLp(highs, { sense: 'minimize', cost, lower, upper, rows }, 'day cost (reference §7.2)');
  const value = (column: number) => lp.colValue[column] ?? 0;
  const tolerance = 1e-6;
  let complementary = true;
  const gridImportWh: number[] = [];
  const gridExportWh: number[] = [];
  for (let t = 0; t < T; t += 1) {
    const plus = Math.max(0, value(gridColumn(t)));
    const minus = Math.max(0, value(gridColumn(t) + 1));
    if (plus > tolerance && minus > tolerance) complementary = false;
    gridImportWh.push(plus * WH_PER_KWH);
    gridExportWh.push(minus * WH_PER_KWH);
  }
  const schedules: Record<string, BatterySchedule> = {};
  batteries.forEach((b, n) => {
    const chargeW: number[] = [];
    const dischargeW: number[] = [];
    const energyWh: number[] = [];
    for (let t = 0; t < T; t += 1) {
      const pc = Math.max(0, value(pcColumn(n, t)));
      const pd = Math.max(0, value(pcColumn(n, t) + 1));
      if (pc > tolerance && pd > tolerance) complementary = false;
      chargeW.push(pc * 1000);
      dischargeW.push(pd * 1000);
      energyWh.push(value(pcColumn(n, t) + 2) * WH_PER_KWH);
    }
    schedules[b.participant] = { chargeW, dischargeW, energyWh };
  });
  return {
    costMicro: lp.objective * MICRO_PER_COIN,
    withoutBatteriesCostMicro: withoutBatteriesNano / 1000,
    gridImportWh,
    gridExportWh,
    batteries: schedules,
    // Row t is "… − g⁺ + g⁻ = −NetLoad": its dual is d(cost)/d(rhs) = −(marginal cost of load); flip the sign.
    slotPriceMicroPerKwh: Array.from({ length: T }, (_, t) => -(lp.rowDual[t] ?? 0) * MICRO_PER_COIN),
    complementary,
  };
}
