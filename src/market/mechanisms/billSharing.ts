/**
 * @module market/mechanisms/billSharing
 * K4 bill sharing (BS): Long et al., IEEE PES GM 2017, eqs. 1–14; Zhou, Wu, Long, Applied Energy 222 (2018)
 * eq. A28 (reference §3). The community gets one bill at its connection point; over a billing horizon T the bill
 * is shared pro rata to each participant's net import, and the export revenue pro rata to its net export. Energy
 * shared inside the community is free: in a horizon of one shortage slot sellers receive 0 (a feature, not a bug).
 *
 * Time-of-use tariffs [R]: the numerators are the actual bill `Σ_t λb_t·(D_t − S_t)^+` and revenue
 * `Σ_t λs_t·(S_t − D_t)^+`, each slot's amount rounded once as the grid would bill it, so `c_im·E_im,tot` is the
 * bill exactly. Long writes λb outside the sum (a flat tariff); both agree when the tariff is flat.
 */
import { costMicro, type Ratio, ratio, ratioSub, roundRatio } from '../money.js';
import { buildResult } from '../result.js';
import type { ClearingMechanism, ClearingResult, HorizonMechanism, SlotInput } from '../types.js';
import { assertValidSlotInput, type PoolBook, poolBook, poolFlows } from './pool.js';

/** One slot as bill sharing sees it: net totals (reference §0) and that slot's tariff. */
export interface BillSharingSlot {
  readonly supplyWh: number;
  readonly demandWh: number;
  readonly gridImportPriceMicroPerKwh: bigint;
  readonly gridExportPriceMicroPerKwh: bigint;
}

export interface BillSharingPrices {
  /** The community's grid bill over the horizon, µcoin (numerator of eq. 12 with time-of-use prices). */
  readonly billMicro: bigint;
  /** The community's grid revenue over the horizon, µcoin (numerator of eq. 13). */
  readonly revenueMicro: bigint;
  /** `E_im,tot = Σ_t D_t` and `E_ex,tot = Σ_t S_t` (eqs. 4–5), Wh. */
  readonly importedWh: number;
  readonly exportedWh: number;
  /** `E_BFG` and `E_STG` (eqs. 7–11), Wh. */
  readonly gridImportWh: number;
  readonly gridExportWh: number;
  /** `c_im` and `c_ex` (eqs. 12–13), exact µcoin/kWh; 0 when nobody imported / exported. */
  readonly importPrice: Ratio;
  readonly exportPrice: Ratio;
  readonly importPriceMicroPerKwh: bigint;
  readonly exportPriceMicroPerKwh: bigint;
}

/**
 * Bill-sharing prices over a horizon (Long eqs. 4–13, time-of-use numerator [R]). Horizon = case A only gives
 * `c_im = 0.30·2/8 = 75_000`, `c_ex = 0`; horizon {A, B} gives `c_im = 37_500`, `c_ex = 12_500`.
 */
export function billSharingPrices(slots: readonly BillSharingSlot[]): BillSharingPrices {
  let billMicro = 0n;
  let revenueMicro = 0n;
  let importedWh = 0;
  let exportedWh = 0;
  let gridImportWh = 0;
  let gridExportWh = 0;
  for (const slot of slots) {
    const shortWh = Math.max(0, slot.demandWh - slot.supplyWh);
    const spareWh = Math.max(0, slot.supplyWh - slot.demandWh);
    billMicro += costMicro(shortWh, slot.gridImportPriceMicroPerKwh);
    revenueMicro += costMicro(spareWh, slot.gridExportPriceMicroPerKwh);
    importedWh += slot.demandWh;
    exportedWh += slot.supplyWh;
    gridImportWh += shortWh;
    gridExportWh += spareWh;
  }
  // Edge cases (reference §3): E_im,tot = 0 or E_ex,tot = 0 leaves that price unused; it is 0.
  const importPrice = importedWh === 0 ? ratio(0n) : ratio(billMicro * 1000n, BigInt(importedWh));
  const exportPrice = exportedWh === 0 ? ratio(0n) : ratio(revenueMicro * 1000n, BigInt(exportedWh));
  return {
    billMicro,
    revenueMicro,
    importedWh,
    exportedWh,
    gridImportWh,
    gridExportWh,
    importPrice,
    exportPrice,
    importPriceMicroPerKwh: roundRatio(importPrice),
    exportPriceMicroPerKwh: roundRatio(exportPrice),
  };
}

/**
 * Clears a billing horizon (eq. 14: `C_n = c_im·Σ_t P_im,n − c_ex·Σ_t P_ex,n`), one result per slot in the order
 * given. Every slot shows the horizon prices; a participant's slot payment is the step of its running total
 * (rounded once per slot from the exact running value), so its payments over the horizon add up to its `C_n`
 * rounded once. The bill is shared across slots, so a slot's `operatorMicro` shows what it received from or gave to
 * the other slots; summed over the horizon it is rounding only (at most half a µcoin per participant).
 *
 * @throws GridPeerError MARKET_INVALID_INPUT for an invalid slot.
 */
export function clearBillSharing(slots: readonly SlotInput[]): ClearingResult[] {
  for (const input of slots) assertValidSlotInput(input, { importPriceAtLeastExportPrice: false });
  const books: PoolBook[] = slots.map(poolBook);
  const prices = billSharingPrices(
    slots.map((input, t) => ({
      supplyWh: books[t]!.supplyWh,
      demandWh: books[t]!.demandWh,
      gridImportPriceMicroPerKwh: input.gridImportPriceMicroPerKwh,
      gridExportPriceMicroPerKwh: input.gridExportPriceMicroPerKwh,
    })),
  );
  const running = new Map<string, { importWh: bigint; exportWh: bigint; billedMicro: bigint }>();
  const billToDate = (importWh: bigint, exportWh: bigint): bigint => {
    // C_n so far = bill·I_n/E_im,tot − revenue·X_n/E_ex,tot (eq. 14 with c_im, c_ex written out), exact.
    const share = prices.importedWh === 0 ? ratio(0n) : ratio(prices.billMicro * importWh, BigInt(prices.importedWh));
    const credit =
      prices.exportedWh === 0 ? ratio(0n) : ratio(prices.revenueMicro * exportWh, BigInt(prices.exportedWh));
    return roundRatio(ratioSub(share, credit));
  };
  return slots.map((input, t) => {
    const book = books[t]!;
    const flows = poolFlows(book);
    for (const participant of book.participants) {
      const flow = flows.get(participant);
      const so = running.get(participant) ?? { importWh: 0n, exportWh: 0n, billedMicro: 0n };
      const importWh = so.importWh + BigInt(flow.importWh);
      const exportWh = so.exportWh + BigInt(flow.exportWh);
      const billedMicro = billToDate(importWh, exportWh);
      flow.netPaymentMicro = billedMicro - so.billedMicro;
      running.set(participant, { importWh, exportWh, billedMicro });
    }
    return buildResult({
      mechanism: billSharing.name,
      input,
      trades: [],
      flows,
      gridImportWh: Math.max(0, book.demandWh - book.supplyWh),
      gridExportWh: Math.max(0, book.supplyWh - book.demandWh),
      prices: {
        buyPriceMicroPerKwh: prices.importPriceMicroPerKwh,
        sellPriceMicroPerKwh: prices.exportPriceMicroPerKwh,
      },
    });
  });
}

/** Bill sharing over a horizon (`clearHorizon`), or over one slot (`clear`, a horizon of one). */
export const billSharing: HorizonMechanism & ClearingMechanism = {
  name: 'bill-sharing',
  description: 'Bill sharing (Long 2017): the community grid bill and revenue shared pro rata to net import and export',
  clearHorizon: (slots) => clearBillSharing(slots),
  clear: (input) => clearBillSharing([input])[0]!,
};
