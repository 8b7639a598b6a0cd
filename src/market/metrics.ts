/**
 * @module market/metrics
 * What a clearing achieved, for the mechanism comparison tables (MISSION K12, E6): volumes, self-sufficiency,
 * average prices, each participant's bill against the grid-only bill, Jain's fairness index of the savings, and
 * welfare with efficiency against the §7.1 optimum (reference §7). Pure; floating point only in the ratios.
 * Ratios that are undefined (nothing to divide by) are `null`.
 */
import type { ClearingResult, SlotInput } from './types.js';
import { type MechanismWelfare, mechanismWelfare, type SlotWelfareOptimum } from './welfare.js';

export interface ParticipantMetrics {
  readonly participant: string;
  /** What it pays (> 0) or receives (< 0) in the market, µcoin (`Settlement.netPaymentMicro`). */
  readonly billMicro: bigint;
  /** The same energy settled with the grid alone, µcoin (`Settlement.gridOnlyPaymentMicro`). */
  readonly gridOnlyBillMicro: bigint;
  /** gridOnlyBill − bill: > 0 when the market did better for it than the grid alone. */
  readonly savingsMicro: bigint;
  /** savings / |gridOnlyBill|; null when the grid-only bill is 0. */
  readonly savingsShare: number | null;
}

export interface MarketMetrics {
  readonly mechanism: string;
  /** Energy exchanged between peers, Wh (Σ peerExportWh). */
  readonly p2pTradedWh: number;
  /** Demand and supply brought to the market, Wh (Σ importWh, Σ exportWh). */
  readonly demandWh: number;
  readonly supplyWh: number;
  /** Share of demand met by peers: Σ peerImportWh / Σ importWh (orders are already net of self-consumption). */
  readonly selfSufficiency: number | null;
  readonly gridImportWh: number;
  readonly gridExportWh: number;
  /** Σ trade amountMicro / Σ trade Wh, µcoin/kWh (what buyers pay peers); null without trades. */
  readonly averageP2pPriceMicroPerKwh: number | null;
  /**
   * Over net importers (importWh > exportWh): Σ bill / Σ (importWh − exportWh), µcoin/kWh, grid energy included.
   * Over net exporters: Σ (−bill) / Σ (exportWh − importWh). Null when there are none.
   */
  readonly averageBuyerPriceMicroPerKwh: number | null;
  readonly averageSellerPriceMicroPerKwh: number | null;
  /** Sorted by participant id, as the settlements. */
  readonly participants: readonly ParticipantMetrics[];
  readonly totalSavingsMicro: bigint;
  /**
   * Jain's index (Σx)²/(n·Σx²) of the savings over active participants (importWh + exportWh > 0). Jain's index
   * is defined for x ≥ 0: a negative saving (the market cost someone more than the grid would have) counts as 0,
   * i.e. as getting nothing, and `negativeSavingsCount` says how many. 1 when every x is 0 (all equal); null with
   * no active participant. Range [1/n, 1].
   */
  readonly jainFairnessIndex: number | null;
  readonly negativeSavingsCount: number;
  /** §7.1 objective at this outcome ({@link mechanismWelfare}). */
  readonly welfare: MechanismWelfare;
  /** W*, µcoin, and η = W/W*, when an optimum is given. */
  readonly optimumWelfareMicro?: number;
  readonly efficiency?: number | null;
}

/** Jain's fairness index (Σx)²/(n·Σx²) of non-negative values; 1 when all are 0; null for none. */
export function jainIndex(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  let sum = 0;
  let squares = 0;
  for (const x of values) {
    sum += x;
    squares += x * x;
  }
  return squares === 0 ? 1 : (sum * sum) / (values.length * squares);
}

const perKwh = (moneyMicro: bigint, energyWh: number) =>
  energyWh === 0 ? null : (Number(moneyMicro) * 1000) / energyWh;

/** Metrics of `result`, the clearing of `input`; pass the slot's optimum to get efficiency. */
export function marketMetrics(
  input: SlotInput,
  result: ClearingResult,
  optimum?: Pick<SlotWelfareOptimum, 'welfareNano' | 'welfareMicro'>,
): MarketMetrics {
  let demandWh = 0;
  let supplyWh = 0;
  let peerImportWh = 0;
  let p2pTradedWh = 0;
  let buyerMoney = 0n;
  let buyerWh = 0;
  let sellerMoney = 0n;
  let sellerWh = 0;
  let totalSavingsMicro = 0n;
  let negativeSavingsCount = 0;
  const savingsOfActive: number[] = [];
  const participants = result.settlements.map((s): ParticipantMetrics => {
    demandWh += s.importWh;
    supplyWh += s.exportWh;
    peerImportWh += s.peerImportWh;
    p2pTradedWh += s.peerExportWh;
    if (s.importWh > s.exportWh) {
      buyerMoney += s.netPaymentMicro;
      buyerWh += s.importWh - s.exportWh;
    } else if (s.exportWh > s.importWh) {
      sellerMoney -= s.netPaymentMicro;
      sellerWh += s.exportWh - s.importWh;
    }
    const savingsMicro = s.gridOnlyPaymentMicro - s.netPaymentMicro;
    totalSavingsMicro += savingsMicro;
    if (s.importWh + s.exportWh > 0) {
      if (savingsMicro < 0n) negativeSavingsCount += 1;
      savingsOfActive.push(savingsMicro > 0n ? Number(savingsMicro) : 0);
    }
    const gridOnly = s.gridOnlyPaymentMicro < 0n ? -s.gridOnlyPaymentMicro : s.gridOnlyPaymentMicro;
    return {
      participant: s.participant,
      billMicro: s.netPaymentMicro,
      gridOnlyBillMicro: s.gridOnlyPaymentMicro,
      savingsMicro,
      savingsShare: gridOnly === 0n ? null : Number(savingsMicro) / Number(gridOnly),
    };
  });
  const tradeWh = result.trades.reduce((sum, t) => sum + t.energyWh, 0);
  const tradeMoney = result.trades.reduce((sum, t) => sum + t.amountMicro, 0n);
  const welfare = mechanismWelfare(input, result, optimum);
  const base: MarketMetrics = {
    mechanism: result.mechanism,
    p2pTradedWh,
    demandWh,
    supplyWh,
    selfSufficiency: demandWh === 0 ? null : peerImportWh / demandWh,
    gridImportWh: result.gridImportWh,
    gridExportWh: result.gridExportWh,
    averageP2pPriceMicroPerKwh: perKwh(tradeMoney, tradeWh),
    averageBuyerPriceMicroPerKwh: perKwh(buyerMoney, buyerWh),
    averageSellerPriceMicroPerKwh: perKwh(sellerMoney, sellerWh),
    participants,
    totalSavingsMicro,
    jainFairnessIndex: jainIndex(savingsOfActive),
    negativeSavingsCount,
    welfare,
  };
  if (optimum === undefined) return base;
  return { ...base, optimumWelfareMicro: optimum.welfareMicro, efficiency: welfare.efficiency ?? null };
}
