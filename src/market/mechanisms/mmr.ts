/**
 * @module market/mechanisms/mmr
 * K3 mid-market rate (MMR): Long, Wu, Zhang, Thomas, Cheng, Jenkins, IEEE PES GM 2017, eqs. 15–18 (reference
 * §2; seed 004 names MMR and SDR as its two clearing options).
 *
 * Deviation from Long (reference §2 "Flag: gross versus net totals"): S and D are the **net** totals after
 * self-consumption, as in Bogensperger et al. 2021 eqs. 3–5, not Long's gross load and PV. Long bills net import
 * and export (eqs. 2, 3, 18), so only the net totals balance the budget; both agree when nobody self-consumes.
 */
import { GridPeerError } from '../../errors/index.js';
import { type Ratio, ratio, ratioAdd, ratioDiv, ratioMul, roundRatio } from '../money.js';
import type { ClearingMechanism, ClearingResult, SlotInput } from '../types.js';
import { assertValidSlotInput, poolBook, settlePool } from './pool.js';

export interface MmrPrices {
  /** `p_mid = (λb + λs)/2` (eq. 15), exact. */
  readonly midPrice: Ratio;
  readonly sellPrice: Ratio;
  readonly buyPrice: Ratio;
  /** The prices rounded once to whole µcoin/kWh. */
  readonly midPriceMicroPerKwh: bigint;
  readonly sellPriceMicroPerKwh: bigint;
  readonly buyPriceMicroPerKwh: bigint;
}

function assertEnergy(value: number, field: string): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new GridPeerError('MARKET_INVALID_INPUT', `${field} must be a non-negative integer`, { field });
  }
}

/**
 * MMR prices for net supply `S` and net demand `D` (Wh), Long eqs. 15–17. The short side absorbs the grid
 * exchange: with a shortage buyers pay a volume-weighted mix of `p_mid` and λb, with a surplus sellers receive a
 * mix of `p_mid` and λs. Edge cases (reference §2): `S = D` (also `0 = 0`) gives `p_mid` on both sides; `S = 0`
 * gives `p_buy = λb`; `D = 0` gives `p_sell = λs`. Case A (S = 6, D = 8 kWh) gives p_sell 200_000, p_buy 225_000.
 *
 * @throws GridPeerError MARKET_INVALID_INPUT for negative or non-integer energy, a negative price, or λb < λs.
 */
export function mmrPrices(
  supplyWh: number,
  demandWh: number,
  gridImportPriceMicroPerKwh: bigint,
  gridExportPriceMicroPerKwh: bigint,
): MmrPrices {
  assertEnergy(supplyWh, 'supplyWh');
  assertEnergy(demandWh, 'demandWh');
  if (gridExportPriceMicroPerKwh < 0n || gridImportPriceMicroPerKwh < gridExportPriceMicroPerKwh) {
    throw new GridPeerError('MARKET_INVALID_INPUT', 'MMR prices need λb ≥ λs ≥ 0 (reference §0)', {
      field: 'gridExportPriceMicroPerKwh',
    });
  }
  const importPrice = ratio(gridImportPriceMicroPerKwh);
  const exportPrice = ratio(gridExportPriceMicroPerKwh);
  const midPrice = ratio(gridImportPriceMicroPerKwh + gridExportPriceMicroPerKwh, 2n); // eq. 15
  const supply = ratio(BigInt(supplyWh));
  const demand = ratio(BigInt(demandWh));
  const gapWh = BigInt(demandWh - supplyWh);
  let sellPrice = midPrice; // eqs. 16a, 17a (S = D) and 17c (S < D)
  let buyPrice = midPrice; // eqs. 16a, 16b (S > D)
  if (supplyWh > demandWh) {
    // eq. 17b: p_sell = (D·p_mid + (S − D)·λs)/S
    sellPrice = ratioDiv(ratioAdd(ratioMul(demand, midPrice), ratioMul(ratio(-gapWh), exportPrice)), supply);
  } else if (supplyWh < demandWh) {
    // eq. 16c: p_buy = (S·p_mid + (D − S)·λb)/D
    buyPrice = ratioDiv(ratioAdd(ratioMul(supply, midPrice), ratioMul(ratio(gapWh), importPrice)), demand);
  }
  return {
    midPrice,
    sellPrice,
    buyPrice,
    midPriceMicroPerKwh: roundRatio(midPrice),
    sellPriceMicroPerKwh: roundRatio(sellPrice),
    buyPriceMicroPerKwh: roundRatio(buyPrice),
  };
}

/**
 * Clears one slot as an MMR pool (Long eq. 18): each participant's net import is billed at `p_buy`, its net export
 * paid at `p_sell`; the community imports `(D − S)^+` at λb and exports `(S − D)^+` at λs.
 *
 * @throws GridPeerError MARKET_INVALID_INPUT for an invalid slot.
 */
export function clearMmr(input: SlotInput): ClearingResult {
  assertValidSlotInput(input);
  const book = poolBook(input);
  const prices = mmrPrices(
    book.supplyWh,
    book.demandWh,
    input.gridImportPriceMicroPerKwh,
    input.gridExportPriceMicroPerKwh,
  );
  return settlePool({ mechanism: mmr.name, input, book, sellPrice: prices.sellPrice, buyPrice: prices.buyPrice });
}

export const mmr: ClearingMechanism = {
  name: 'mmr',
  description:
    'Mid-market rate pool (Long 2017, net totals): the mid price of grid and feed-in, the short side absorbs the grid',
  clear: (input) => clearMmr(input),
};
