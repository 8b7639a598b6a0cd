/**
 * @module market/mechanisms/sdr
 * K2 supply–demand ratio (SDR) pool pricing: Liu, Yu, Wang, Li, Ma, Lei, IEEE Trans. Power Systems 32(5), 2017,
 * eqs. 7, 9, 10 (reference §1). Used by seed 002's real-time pool, seed 004's clearing price (§V: "the fixed
 * market clearance price was calculated using the SDR approach") and seed 001's dual level (`dualLevel.ts`).
 *
 * Prices are computed exactly (rationals of Wh and µcoin/kWh) and rounded once: to whole µcoin/kWh for display,
 * and each bill from the exact price, so the budget identity holds to rounding.
 */
import { GridPeerError } from '../../errors/index.js';
import { type Ratio, ratio, ratioAdd, ratioDiv, ratioMul, ratioSub, roundRatio } from '../money.js';
import type { ClearingMechanism, ClearingResult, SlotInput } from '../types.js';
import { assertValidSlotInput, poolBook, settlePool } from './pool.js';

/** Exact SDR prices in µcoin/kWh for internal billing. */
export interface SdrExactPrices {
  /** `SDR = S/D` (eq. 7); `'infinity'` when `D = 0` (reference §1 edge cases). */
  readonly supplyDemandRatio: Ratio | 'infinity';
  readonly sellPrice: Ratio;
  readonly buyPrice: Ratio;
}

export interface SdrPrices extends SdrExactPrices {
  /** `p_sell` and `p_buy` rounded once (half away from zero) to whole µcoin/kWh. */
  readonly sellPriceMicroPerKwh: bigint;
  readonly buyPriceMicroPerKwh: bigint;
}

function assertEnergy(value: number, field: string): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new GridPeerError('MARKET_INVALID_INPUT', `${field} must be a non-negative integer`, { field });
  }
}

/**
 * Liu eqs. 7, 9, 10 with exact rational grid prices (the dual level passes microgrid-to-microgrid prices here).
 * `importPrice` is λb (the price at SDR = 0), `exportPrice` λs (at SDR ≥ 1).
 *
 * @throws GridPeerError MARKET_INVALID_INPUT for negative or non-integer energy, a negative price, or λb < λs.
 */
export function sdrPricesExact(
  supplyWh: number,
  demandWh: number,
  importPrice: Ratio,
  exportPrice: Ratio,
): SdrExactPrices {
  assertEnergy(supplyWh, 'supplyWh');
  assertEnergy(demandWh, 'demandWh');
  const zero = ratio(0n);
  if (exportPrice.numerator < 0n || ratioSub(importPrice, exportPrice).numerator < 0n) {
    throw new GridPeerError('MARKET_INVALID_INPUT', 'SDR prices need λb ≥ λs ≥ 0 (reference §0)', {
      field: 'gridExportPriceMicroPerKwh',
    });
  }
  // Edge case D = 0: SDR = +∞, both prices λs (reference §1; guards the division by zero).
  if (demandWh === 0) return { supplyDemandRatio: 'infinity', sellPrice: exportPrice, buyPrice: exportPrice };
  const sdr = ratio(BigInt(supplyWh), BigInt(demandWh));
  // eqs. 9, 10 second branch, SDR > 1: the surplus is exported at λs, so both prices are λs (Liu eq. 34). At
  // SDR = 1 the first branch gives λs as well (the function is continuous), so S ≥ D can share this branch.
  if (supplyWh >= demandWh) return { supplyDemandRatio: sdr, sellPrice: exportPrice, buyPrice: exportPrice };
  // Edge case S = 0: p_sell = p_buy = λb (eq. 9 at SDR = 0; stated separately so λs = 0 does not give 0/0).
  if (supplyWh === 0) return { supplyDemandRatio: sdr, sellPrice: importPrice, buyPrice: importPrice };
  const spread = ratioSub(importPrice, exportPrice);
  // λb = λs: the curve is flat; stated separately so λb = λs = 0 does not give 0/0.
  if (spread.numerator === 0n) return { supplyDemandRatio: sdr, sellPrice: importPrice, buyPrice: importPrice };
  // eq. 9: p_sell = λs·λb / ((λb − λs)·SDR + λs), the curve 1/(a·SDR + b) through (0, λb) and (1, λs).
  const sellPrice =
    exportPrice.numerator === 0n
      ? zero
      : ratioDiv(ratioMul(exportPrice, importPrice), ratioAdd(ratioMul(spread, sdr), exportPrice));
  // eq. 10: p_buy = p_sell·SDR + λb·(1 − SDR), from the budget balance D·p_buy = S·p_sell + (D − S)·λb (eq. 31).
  const buyPrice = ratioAdd(ratioMul(sellPrice, sdr), ratioMul(importPrice, ratioSub(ratio(1n), sdr)));
  return { supplyDemandRatio: sdr, sellPrice, buyPrice };
}

/**
 * SDR prices for total supply `S` and total demand `D` (Wh) and grid prices λb, λs (µcoin/kWh), Liu eqs. 7, 9, 10.
 * Case A of the reference (S = 6 kWh, D = 8 kWh, λb = 0.30, λs = 0.10) gives p_sell = 120_000, p_buy = 165_000.
 *
 * @throws GridPeerError MARKET_INVALID_INPUT for negative or non-integer energy, a negative price, or λb < λs.
 */
export function sdrPrices(
  supplyWh: number,
  demandWh: number,
  gridImportPriceMicroPerKwh: bigint,
  gridExportPriceMicroPerKwh: bigint,
): SdrPrices {
  const exact = sdrPricesExact(
    supplyWh,
    demandWh,
    ratio(gridImportPriceMicroPerKwh),
    ratio(gridExportPriceMicroPerKwh),
  );
  return {
    ...exact,
    sellPriceMicroPerKwh: roundRatio(exact.sellPrice),
    buyPriceMicroPerKwh: roundRatio(exact.buyPrice),
  };
}

export interface SdrParams {
  /** Liu eqs. 20–21 ESP service fee β, µcoin per kWh shared; the operator keeps it. Default 0. */
  readonly espFeeMicroPerKwh?: bigint;
}

/**
 * Clears one slot as an SDR pool. Each participant's orders are netted (reference §0); a seller is paid
 * `p_sell·s_n`, a buyer pays `p_buy·d_n` for its **entire** deficit (Liu eqs. 14, 16 — not split into a peer share
 * and a grid share, reference §1 "Pitfall"); the community imports `(D − S)^+` at λb and exports `(S − D)^+` at λs.
 *
 * @throws GridPeerError MARKET_INVALID_INPUT for an invalid slot or a negative fee.
 */
export function clearSdr(input: SlotInput, params: SdrParams = {}): ClearingResult {
  assertValidSlotInput(input);
  const book = poolBook(input);
  const prices = sdrPricesExact(
    book.supplyWh,
    book.demandWh,
    ratio(input.gridImportPriceMicroPerKwh),
    ratio(input.gridExportPriceMicroPerKwh),
  );
  return settlePool({
    mechanism: sdr.name,
    input,
    book,
    sellPrice: prices.sellPrice,
    buyPrice: prices.buyPrice,
    ...(params.espFeeMicroPerKwh === undefined ? {} : { feeMicroPerKwh: params.espFeeMicroPerKwh }),
  });
}

export const sdr: ClearingMechanism<SdrParams> = {
  name: 'sdr',
  description:
    'Supply–demand ratio pool (Liu 2017): one sell and one buy price from S/D between the feed-in and grid price',
  clear: clearSdr,
};
