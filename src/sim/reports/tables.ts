/**
 * @module sim/reports/tables
 * The report's tables, computed from a {@link RunResult} alone: trades by slot (seed 000 Table 5), totals per
 * seller–buyer pair (Table 6), the cost of each home in the seed's two scenarios (Table 7 with eqs. 1 and 3), the
 * per-slot energy balance of every home, the run's totals (summary.json) and the mechanism comparison. Pure: no
 * disk, no clock. Money stays integer µcoin (bigint) until it is formatted.
 */
import { dailyCapitalRecoveryFactor, gridOnlyCostMicro } from '../../energy/economics.js';
import { GridPeerError } from '../../errors/index.js';
import { jainIndex } from '../../market/metrics.js';
import { costMicro, divRound } from '../../market/money.js';
import type { HomeSpec, RunResult, Scenario } from '../types.js';
import {
  type CsvCell,
  coinsToMicro,
  microToDecimal,
  ratioText,
  roundRatio,
  slotIso,
  toCsv,
  whToKwh,
} from './format.js';

/** Checks that the run's arrays agree (homes × slots, prices per slot); the reports index them blindly after. */
export function checkRun(run: RunResult): void {
  const slots = run.importPriceMicroPerKwh.length;
  const fail = (reason: string, details: Record<string, unknown>) => {
    throw new GridPeerError('INVALID_ARGUMENT', `report: ${reason}`, details);
  };
  if (run.exportPriceMicroPerKwh.length !== slots) {
    fail('export prices and import prices differ in length', { slots, export: run.exportPriceMicroPerKwh.length });
  }
  if (run.clearingPriceMicroPerKwh.length !== slots && run.clearingPriceMicroPerKwh.length !== 0) {
    fail('clearing prices do not cover the slots', { slots, clearing: run.clearingPriceMicroPerKwh.length });
  }
  if (run.homeSlots.length !== run.homeIds.length) {
    fail('homeSlots and homeIds differ in length', { homes: run.homeIds.length, homeSlots: run.homeSlots.length });
  }
  run.homeSlots.forEach((series, h) => {
    if (series.length !== slots) fail('a home does not have one entry per slot', { home: run.homeIds[h], slots });
  });
  for (const [index, trade] of run.trades.entries()) {
    if (!Number.isInteger(trade.slot) || trade.slot < 0 || trade.slot >= slots) {
      fail('a trade is outside the run', { index, slot: trade.slot, slots });
    }
  }
  if (!(run.slotMs > 0)) fail('slotMs must be positive', { slotMs: run.slotMs });
}

/** Number of slots of the run. */
export const slotCount = (run: RunResult): number => run.importPriceMicroPerKwh.length;

/** The scenario's home spec of each run home (undefined when the run names a home the scenario lacks). */
export function homeSpecs(run: RunResult): (HomeSpec | undefined)[] {
  const byId = new Map(run.scenario.homes.map((h) => [h.id, h]));
  return run.homeIds.map((id) => byId.get(id));
}

// ---------------------------------------------------------------------------------------------------------------
// Table 5: trades

export const TRADES_HEADER = [
  'slot',
  'time',
  'seller',
  'buyer',
  'energy_wh',
  'energy_kwh',
  'price_per_kwh',
  'price_micro_per_kwh',
  'amount',
  'amount_micro',
] as const;

/** Trades in slot order (the run's order within a slot), one row per trade: seed 000 Table 5. */
export function tradeRows(run: RunResult): CsvCell[][] {
  const ordered = run.trades.map((t, i) => ({ t, i })).sort((a, b) => a.t.slot - b.t.slot || a.i - b.i);
  return ordered.map(({ t }) => [
    t.slot,
    slotIso(run.startMs, run.slotMs, t.slot),
    t.seller,
    t.buyer,
    t.energyWh,
    whToKwh(t.energyWh),
    microToDecimal(t.priceMicroPerKwh),
    t.priceMicroPerKwh,
    microToDecimal(t.amountMicro),
    t.amountMicro,
  ]);
}

// ---------------------------------------------------------------------------------------------------------------
// Table 6: pairs

export interface PairTotal {
  readonly seller: string;
  readonly buyer: string;
  readonly trades: number;
  readonly energyWh: number;
  readonly amountMicro: bigint;
}

const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Total energy and money per seller → buyer pair, sorted by seller then buyer (code points): seed 000 Table 6. */
export function pairTotals(run: RunResult): PairTotal[] {
  const pairs = new Map<
    string,
    { seller: string; buyer: string; trades: number; energyWh: number; amountMicro: bigint }
  >();
  for (const t of run.trades) {
    const key = JSON.stringify([t.seller, t.buyer]);
    const pair = pairs.get(key) ?? { seller: t.seller, buyer: t.buyer, trades: 0, energyWh: 0, amountMicro: 0n };
    pair.trades += 1;
    pair.energyWh += t.energyWh;
    pair.amountMicro += t.amountMicro;
    pairs.set(key, pair);
  }
  return [...pairs.values()].sort((a, b) => byCodePoint(a.seller, b.seller) || byCodePoint(a.buyer, b.buyer));
}

export const PAIRS_HEADER = [
  'seller',
  'buyer',
  'trades',
  'energy_wh',
  'energy_kwh',
  'amount',
  'amount_micro',
  'average_price_per_kwh',
  'average_price_micro_per_kwh',
] as const;

export function pairRows(run: RunResult): CsvCell[][] {
  return pairTotals(run).map((p) => {
    const average = p.energyWh === 0 ? null : divRound(p.amountMicro * 1000n, BigInt(p.energyWh));
    return [
      p.seller,
      p.buyer,
      p.trades,
      p.energyWh,
      whToKwh(p.energyWh),
      microToDecimal(p.amountMicro),
      p.amountMicro,
      average === null ? null : microToDecimal(average),
      average,
    ];
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Table 7: costs per home

/**
 * Capital of a home's PV and battery for eq. 3, currency units: c^P·P^cap + c^E·E^cap of the battery (P^cap the
 * larger of its charge and discharge power) plus the PV's cost per kW × its rated power when the profile states
 * one (`pv-model`; a CSV profile has no rated power, so its PV capital is left out). 0 without `investment`.
 */
export function investmentCapital(home: HomeSpec | undefined): number {
  const inv = home?.investment;
  if (home === undefined || inv === undefined) return 0;
  let capital = 0;
  if (home.battery !== undefined) {
    capital += (inv.batteryCostPerKwh ?? 0) * home.battery.capacityKwh;
    capital += (inv.batteryPowerCostPerKw ?? 0) * Math.max(home.battery.maxChargeKw, home.battery.maxDischargeKw);
  }
  if (home.pv?.kind === 'pv-model') capital += (inv.pvCostPerKw ?? 0) * home.pv.capacityKw;
  return capital;
}

/** Days the run covers (slots × slot length), for scaling the daily annuity. */
export const horizonDays = (run: RunResult): number => (slotCount(run) * run.slotMs) / 86_400_000;

/**
 * Eq. 3 over the run's horizon, µcoin: the daily capital recovery factor r / (365 (1 − (1 + r)^−y)) (energy/
 * economics) × {@link investmentCapital} × the run's days, rounded once; 0 without `scenario.economics` or without
 * investment data.
 */
export function investmentMicro(run: RunResult, home: HomeSpec | undefined): bigint {
  const economics = run.scenario.economics;
  const capital = investmentCapital(home);
  if (economics === undefined || capital === 0) return 0n;
  const factor = dailyCapitalRecoveryFactor(economics.interestRate, economics.lifetimeYears);
  return coinsToMicro(factor * capital * horizonDays(run));
}

export interface HomeCost {
  readonly home: string;
  readonly role: 'prosumer' | 'consumer' | 'unknown';
  readonly loadWh: number;
  readonly pvWh: number;
  /** Scenario 1, seed 000 eq. 1: G_j = Σ_t α_t d_j,t (all load bought from the grid; energy/economics). */
  readonly scenario1Micro: bigint;
  /** Scenario 2, eq. 3 over the horizon. */
  readonly investmentMicro: bigint;
  /** Σ grid import × λb and Σ grid export × λs. */
  readonly gridCostMicro: bigint;
  readonly gridRevenueMicro: bigint;
  /** Σ trades bought and sold. */
  readonly peerCostMicro: bigint;
  readonly peerRevenueMicro: bigint;
  /** What the settlement charged beyond grid and peer flows (incentives, pool sharing, rounding). */
  readonly otherMicro: bigint;
  /** Σ paymentMicro = grid cost − grid revenue + peer cost − peer revenue + other (eq. 4 with the peers). */
  readonly operatingMicro: bigint;
  /** investment + operating (eq. 2). */
  readonly netMicro: bigint;
  /** scenario 1 − net. */
  readonly savingVsScenario1Micro: bigint;
  /** Σ gridOnlyPaymentMicro: the same PV and battery without P2P trading. */
  readonly withoutP2pMicro: bigint;
  /** without P2P − operating: what trading saved. */
  readonly savingVsWithoutP2pMicro: bigint;
}

/** Per home, in scenario order: seed 000 Table 7 (scenario 1 grid only; scenario 2 investment + operating). */
export function homeCosts(run: RunResult): HomeCost[] {
  const specs = homeSpecs(run);
  const index = new Map(run.homeIds.map((id, h) => [id, h]));
  const peerCost = run.homeIds.map(() => 0n);
  const peerRevenue = run.homeIds.map(() => 0n);
  for (const t of run.trades) {
    const buyer = index.get(t.buyer);
    const seller = index.get(t.seller);
    if (buyer !== undefined) peerCost[buyer]! += t.amountMicro;
    if (seller !== undefined) peerRevenue[seller]! += t.amountMicro;
  }
  return run.homeIds.map((home, h) => {
    const spec = specs[h];
    let loadWh = 0;
    let pvWh = 0;
    let gridCost = 0n;
    let gridRevenue = 0n;
    let operating = 0n;
    let withoutP2p = 0n;
    run.homeSlots[h]!.forEach((s, t) => {
      const importPrice = run.importPriceMicroPerKwh[t]!;
      loadWh += s.loadWh;
      pvWh += s.pvWh;
      gridCost += costMicro(s.gridImportWh, importPrice);
      gridRevenue += costMicro(s.gridExportWh, run.exportPriceMicroPerKwh[t]!);
      operating += s.paymentMicro;
      withoutP2p += s.gridOnlyPaymentMicro;
    });
    const scenario1 = gridOnlyCostMicro(
      run.homeSlots[h]!.map((s) => s.loadWh),
      run.importPriceMicroPerKwh,
    );
    const investment = investmentMicro(run, spec);
    const net = investment + operating;
    return {
      home,
      role: spec?.role ?? 'unknown',
      loadWh,
      pvWh,
      scenario1Micro: scenario1,
      investmentMicro: investment,
      gridCostMicro: gridCost,
      gridRevenueMicro: gridRevenue,
      peerCostMicro: peerCost[h]!,
      peerRevenueMicro: peerRevenue[h]!,
      otherMicro: operating - (gridCost - gridRevenue + peerCost[h]! - peerRevenue[h]!),
      operatingMicro: operating,
      netMicro: net,
      savingVsScenario1Micro: scenario1 - net,
      withoutP2pMicro: withoutP2p,
      savingVsWithoutP2pMicro: withoutP2p - operating,
    };
  });
}

const MONEY_COLUMNS = [
  ['scenario1_grid_only', 'scenario1Micro'],
  ['investment', 'investmentMicro'],
  ['grid_cost', 'gridCostMicro'],
  ['grid_revenue', 'gridRevenueMicro'],
  ['peer_cost', 'peerCostMicro'],
  ['peer_revenue', 'peerRevenueMicro'],
  ['other', 'otherMicro'],
  ['operating', 'operatingMicro'],
  ['net', 'netMicro'],
  ['saving_vs_scenario1', 'savingVsScenario1Micro'],
  ['without_p2p', 'withoutP2pMicro'],
  ['saving_vs_without_p2p', 'savingVsWithoutP2pMicro'],
] as const satisfies readonly (readonly [string, keyof HomeCost])[];

export const COSTS_HEADER = [
  'home',
  'role',
  'load_kwh',
  'pv_kwh',
  ...MONEY_COLUMNS.flatMap(([name]) => [name, `${name}_micro`]),
] as const;

export function costRows(costs: readonly HomeCost[]): CsvCell[][] {
  return costs.map((c) => [
    c.home,
    c.role,
    whToKwh(c.loadWh),
    whToKwh(c.pvWh),
    ...MONEY_COLUMNS.flatMap(([, key]) => [microToDecimal(c[key]), c[key]]),
  ]);
}

// ---------------------------------------------------------------------------------------------------------------
// slots.csv

export const SLOTS_HEADER = [
  'slot',
  'time',
  'home',
  'load_wh',
  'pv_wh',
  'self_use_wh',
  'charge_wh',
  'discharge_wh',
  'soc_wh',
  'peer_import_wh',
  'peer_export_wh',
  'grid_import_wh',
  'grid_export_wh',
  'demand_response_wh',
  'import_price_per_kwh',
  'export_price_per_kwh',
  'payment',
  'payment_micro',
  'grid_only_payment',
  'grid_only_payment_micro',
] as const;

/** Slot-major: every home of slot 0 in scenario order, then slot 1, … */
export function slotRows(run: RunResult): CsvCell[][] {
  const rows: CsvCell[][] = [];
  for (let t = 0; t < slotCount(run); t++) {
    const time = slotIso(run.startMs, run.slotMs, t);
    const importPrice = microToDecimal(run.importPriceMicroPerKwh[t]!);
    const exportPrice = microToDecimal(run.exportPriceMicroPerKwh[t]!);
    run.homeIds.forEach((home, h) => {
      const s = run.homeSlots[h]![t]!;
      rows.push([
        t,
        time,
        home,
        s.loadWh,
        s.pvWh,
        s.selfUseWh,
        s.chargeWh,
        s.dischargeWh,
        s.socWh,
        s.peerImportWh,
        s.peerExportWh,
        s.gridImportWh,
        s.gridExportWh,
        s.demandResponseWh,
        importPrice,
        exportPrice,
        microToDecimal(s.paymentMicro),
        s.paymentMicro,
        microToDecimal(s.gridOnlyPaymentMicro),
        s.gridOnlyPaymentMicro,
      ]);
    });
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------------------------
// Series and totals

/** Grid import a home would have had in a slot without peers: what PV and battery left of the load. */
export const importWithoutP2pWh = (s: RunResult['homeSlots'][number][number]): number =>
  Math.max(0, s.loadWh - s.selfUseWh - s.dischargeWh);

/** Grid export without peers: what went to the grid plus what went to peers. */
export const exportWithoutP2pWh = (s: RunResult['homeSlots'][number][number]): number =>
  s.gridExportWh + s.peerExportWh;

export interface CommunitySeries {
  readonly loadWh: number[];
  readonly pvWh: number[];
  readonly gridImportWh: number[];
  readonly gridExportWh: number[];
  readonly gridImportWithoutP2pWh: number[];
  readonly gridExportWithoutP2pWh: number[];
  /** Σ peerExportWh: energy that went to peers (bilateral trades or a pool). */
  readonly peerWh: number[];
  readonly demandResponseWh: number[];
  /** Σ (load − PV) per slot: the community's net deficit (seed 004 Fig. 7). */
  readonly netDeficitWh: number[];
}

export function communitySeries(run: RunResult): CommunitySeries {
  const n = slotCount(run);
  const zeros = () => new Array<number>(n).fill(0);
  const out = {
    loadWh: zeros(),
    pvWh: zeros(),
    gridImportWh: zeros(),
    gridExportWh: zeros(),
    gridImportWithoutP2pWh: zeros(),
    gridExportWithoutP2pWh: zeros(),
    peerWh: zeros(),
    demandResponseWh: zeros(),
    netDeficitWh: zeros(),
  };
  for (const series of run.homeSlots) {
    series.forEach((s, t) => {
      out.loadWh[t]! += s.loadWh;
      out.pvWh[t]! += s.pvWh;
      out.gridImportWh[t]! += s.gridImportWh;
      out.gridExportWh[t]! += s.gridExportWh;
      out.gridImportWithoutP2pWh[t]! += importWithoutP2pWh(s);
      out.gridExportWithoutP2pWh[t]! += exportWithoutP2pWh(s);
      out.demandResponseWh[t]! += s.demandResponseWh;
      out.peerWh[t]! += s.peerExportWh;
      out.netDeficitWh[t]! += s.loadWh - s.pvWh;
    });
  }
  return out;
}

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

/** µcoin per kWh of `moneyMicro` over `energyWh`, rounded; null without energy. */
const perKwh = (moneyMicro: bigint, energyWh: number): bigint | null =>
  energyWh === 0 ? null : divRound(moneyMicro * 1000n, BigInt(energyWh));

const money = (name: string, micro: bigint | null) => ({
  [name]: micro === null ? null : microToDecimal(micro),
  [`${name}Micro`]: micro,
});

export interface RunTotals {
  readonly loadWh: number;
  readonly pvWh: number;
  readonly selfUseWh: number;
  readonly chargeWh: number;
  readonly dischargeWh: number;
  readonly peerImportWh: number;
  readonly peerExportWh: number;
  /** Energy that went to peers: Σ peerExportWh (pool mechanisms settle it without bilateral trades). */
  readonly tradedWh: number;
  /** Σ energy of the bilateral trade records, and their number and money. */
  readonly tradeRecordsWh: number;
  readonly trades: number;
  readonly gridImportWh: number;
  readonly gridExportWh: number;
  readonly gridImportWithoutP2pWh: number;
  readonly gridExportWithoutP2pWh: number;
  readonly demandResponseWh: number;
  /** 1 − grid import / load (null without load). */
  readonly selfSufficiency: number | null;
  readonly selfSufficiencyWithoutP2p: number | null;
  readonly operatingMicro: bigint;
  readonly withoutP2pMicro: bigint;
  readonly scenario1Micro: bigint;
  readonly investmentMicro: bigint;
  readonly netMicro: bigint;
  readonly tradeAmountMicro: bigint;
  readonly gridCostMicro: bigint;
  readonly gridRevenueMicro: bigint;
  /** Jain's index of the savings vs without P2P over homes that used the grid or peers (negatives count as 0). */
  readonly jainIndex: number | null;
  readonly activeHomes: number;
  readonly negativeSavings: number;
}

export function runTotals(run: RunResult, costs: readonly HomeCost[] = homeCosts(run)): RunTotals {
  let selfUseWh = 0;
  let chargeWh = 0;
  let dischargeWh = 0;
  let peerImportWh = 0;
  let peerExportWh = 0;
  let gridImportWh = 0;
  let gridExportWh = 0;
  let withoutImport = 0;
  let withoutExport = 0;
  let demandResponseWh = 0;
  const savings: number[] = [];
  let negativeSavings = 0;
  run.homeSlots.forEach((series, h) => {
    let active = false;
    for (const s of series) {
      selfUseWh += s.selfUseWh;
      chargeWh += s.chargeWh;
      dischargeWh += s.dischargeWh;
      peerImportWh += s.peerImportWh;
      peerExportWh += s.peerExportWh;
      gridImportWh += s.gridImportWh;
      gridExportWh += s.gridExportWh;
      withoutImport += importWithoutP2pWh(s);
      withoutExport += exportWithoutP2pWh(s);
      demandResponseWh += s.demandResponseWh;
      if (s.gridImportWh + s.gridExportWh + s.peerImportWh + s.peerExportWh > 0) active = true;
    }
    if (active) {
      const saving = costs[h]!.savingVsWithoutP2pMicro;
      if (saving < 0n) negativeSavings += 1;
      savings.push(saving > 0n ? Number(saving) : 0);
    }
  });
  const loadWh = sum(costs.map((c) => c.loadWh));
  const total = (key: keyof HomeCost) => costs.reduce((a, c) => a + (c[key] as bigint), 0n);
  return {
    loadWh,
    pvWh: sum(costs.map((c) => c.pvWh)),
    selfUseWh,
    chargeWh,
    dischargeWh,
    peerImportWh,
    peerExportWh,
    tradedWh: peerExportWh,
    tradeRecordsWh: sum(run.trades.map((t) => t.energyWh)),
    trades: run.trades.length,
    gridImportWh,
    gridExportWh,
    gridImportWithoutP2pWh: withoutImport,
    gridExportWithoutP2pWh: withoutExport,
    demandResponseWh,
    selfSufficiency: loadWh === 0 ? null : 1 - gridImportWh / loadWh,
    selfSufficiencyWithoutP2p: loadWh === 0 ? null : 1 - withoutImport / loadWh,
    operatingMicro: total('operatingMicro'),
    withoutP2pMicro: total('withoutP2pMicro'),
    scenario1Micro: total('scenario1Micro'),
    investmentMicro: total('investmentMicro'),
    netMicro: total('netMicro'),
    tradeAmountMicro: run.trades.reduce((a, t) => a + t.amountMicro, 0n),
    gridCostMicro: total('gridCostMicro'),
    gridRevenueMicro: total('gridRevenueMicro'),
    jainIndex: jainIndex(savings),
    activeHomes: savings.length,
    negativeSavings,
  };
}

/** summary.json: the run, its totals, average prices and every home's bills, in a fixed key order. */
export function summaryObject(run: RunResult, costs: readonly HomeCost[] = homeCosts(run)): Record<string, unknown> {
  const s: Scenario = run.scenario;
  const totals = runTotals(run, costs);
  let importMoney = 0n;
  let exportMoney = 0n;
  const clearing = run.clearingPriceMicroPerKwh.filter((p): p is bigint => p !== null);
  const prosumers = homeSpecs(run).filter((h) => h?.role === 'prosumer').length;
  for (const c of costs) {
    importMoney += c.gridCostMicro;
    exportMoney += c.gridRevenueMicro;
  }
  return {
    format: 'gridpeer-report/1',
    scenario: {
      name: s.name,
      description: s.description,
      reference: s.reference ?? null,
      currency: s.currency,
      start: s.start,
      slotMinutes: s.slotMinutes,
      slots: slotCount(run),
      seed: s.seed,
      mechanism: s.mechanism,
      homes: run.homeIds.length,
      prosumers,
      consumers: run.homeIds.length - prosumers,
    },
    run: {
      mechanism: run.mechanism,
      ledger: run.ledger,
      runHash: run.runHash,
      stateRoot: run.stateRoot,
      blocks: run.blocks,
      startMs: run.startMs,
      slotMs: run.slotMs,
    },
    energy: {
      loadWh: totals.loadWh,
      pvWh: totals.pvWh,
      selfUseWh: totals.selfUseWh,
      chargeWh: totals.chargeWh,
      dischargeWh: totals.dischargeWh,
      tradedWh: totals.tradedWh,
      tradeRecordsWh: totals.tradeRecordsWh,
      trades: totals.trades,
      peerImportWh: totals.peerImportWh,
      peerExportWh: totals.peerExportWh,
      gridImportWh: totals.gridImportWh,
      gridExportWh: totals.gridExportWh,
      gridImportWithoutP2pWh: totals.gridImportWithoutP2pWh,
      gridExportWithoutP2pWh: totals.gridExportWithoutP2pWh,
      demandResponseWh: totals.demandResponseWh,
      selfSufficiency: roundRatio(totals.selfSufficiency),
      selfSufficiencyWithoutP2p: roundRatio(totals.selfSufficiencyWithoutP2p),
    },
    pricesPerKwh: {
      ...money('averageGridImport', perKwh(importMoney, totals.gridImportWh)),
      ...money('averageGridExport', perKwh(exportMoney, totals.gridExportWh)),
      ...money('averageP2p', perKwh(totals.tradeAmountMicro, totals.tradeRecordsWh)),
      ...money(
        'averageClearing',
        clearing.length === 0
          ? null
          : divRound(
              clearing.reduce((a, b) => a + b, 0n),
              BigInt(clearing.length),
            ),
      ),
      clearedSlots: clearing.length,
    },
    money: {
      ...money('scenario1GridOnly', totals.scenario1Micro),
      ...money('investment', totals.investmentMicro),
      ...money('gridCost', totals.gridCostMicro),
      ...money('gridRevenue', totals.gridRevenueMicro),
      ...money('p2pTraded', totals.tradeAmountMicro),
      ...money('operating', totals.operatingMicro),
      ...money('net', totals.netMicro),
      ...money('withoutP2p', totals.withoutP2pMicro),
      ...money('savingVsScenario1', totals.scenario1Micro - totals.netMicro),
      ...money('savingVsWithoutP2p', totals.withoutP2pMicro - totals.operatingMicro),
    },
    fairness: {
      jainIndex: roundRatio(totals.jainIndex),
      of: 'saving vs without P2P per home that used the grid or peers; a negative saving counts as 0',
      activeHomes: totals.activeHomes,
      negativeSavings: totals.negativeSavings,
    },
    homes: costs.map((c) => ({
      home: c.home,
      role: c.role,
      loadWh: c.loadWh,
      pvWh: c.pvWh,
      ...money('scenario1GridOnly', c.scenario1Micro),
      ...money('investment', c.investmentMicro),
      ...money('bill', c.operatingMicro),
      ...money('net', c.netMicro),
      ...money('withoutP2p', c.withoutP2pMicro),
      ...money('savingVsScenario1', c.savingVsScenario1Micro),
      ...money('savingVsWithoutP2p', c.savingVsWithoutP2pMicro),
    })),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Mechanism comparison

export interface CompareRow {
  readonly mechanism: string;
  readonly tradedWh: number;
  readonly selfSufficiency: number | null;
  readonly communityCostMicro: bigint;
  readonly withoutP2pMicro: bigint;
  readonly savingVsWithoutP2pMicro: bigint;
  readonly scenario1Micro: bigint;
  readonly savingVsScenario1Micro: bigint;
  readonly jainIndex: number | null;
  readonly gridImportWh: number;
  readonly gridExportWh: number;
  readonly runHash: string;
}

/** One row per run (the main run first, then `compare` in the given order). */
export function compareRows(runs: readonly RunResult[]): CompareRow[] {
  return runs.map((run) => {
    const costs = homeCosts(run);
    const t = runTotals(run, costs);
    return {
      mechanism: run.mechanism,
      tradedWh: t.tradedWh,
      selfSufficiency: t.selfSufficiency,
      communityCostMicro: t.operatingMicro,
      withoutP2pMicro: t.withoutP2pMicro,
      savingVsWithoutP2pMicro: t.withoutP2pMicro - t.operatingMicro,
      scenario1Micro: t.scenario1Micro,
      savingVsScenario1Micro: t.scenario1Micro - t.netMicro,
      jainIndex: t.jainIndex,
      gridImportWh: t.gridImportWh,
      gridExportWh: t.gridExportWh,
      runHash: run.runHash,
    };
  });
}

export const COMPARE_HEADER = [
  'mechanism',
  'traded_wh',
  'traded_kwh',
  'self_sufficiency',
  'grid_import_wh',
  'grid_export_wh',
  'community_cost',
  'community_cost_micro',
  'without_p2p',
  'without_p2p_micro',
  'saving_vs_without_p2p',
  'saving_vs_without_p2p_micro',
  'scenario1_grid_only',
  'scenario1_grid_only_micro',
  'saving_vs_scenario1',
  'saving_vs_scenario1_micro',
  'jain_index',
  'run_hash',
] as const;

export function compareCsvRows(rows: readonly CompareRow[]): CsvCell[][] {
  return rows.map((r) => [
    r.mechanism,
    r.tradedWh,
    whToKwh(r.tradedWh),
    ratioText(r.selfSufficiency, 6),
    r.gridImportWh,
    r.gridExportWh,
    microToDecimal(r.communityCostMicro),
    r.communityCostMicro,
    microToDecimal(r.withoutP2pMicro),
    r.withoutP2pMicro,
    microToDecimal(r.savingVsWithoutP2pMicro),
    r.savingVsWithoutP2pMicro,
    microToDecimal(r.scenario1Micro),
    r.scenario1Micro,
    microToDecimal(r.savingVsScenario1Micro),
    r.savingVsScenario1Micro,
    ratioText(r.jainIndex, 6),
    r.runHash,
  ]);
}

/** The CSV documents of a run. */
export function runCsvs(run: RunResult, costs: readonly HomeCost[] = homeCosts(run)) {
  return {
    trades: toCsv(TRADES_HEADER, tradeRows(run)),
    pairs: toCsv(PAIRS_HEADER, pairRows(run)),
    costs: toCsv(COSTS_HEADER, costRows(costs)),
    slots: toCsv(SLOTS_HEADER, slotRows(run)),
  };
}
