/**
 * @module energy/demandResponse
 * Price-based demand response with incentives (MISSION E7; seed 004 §V and Fig. 7, "microgrid net deficit managed
 * by a price-based demand response programme without (S1) and with incentives (S2)"; seed 004 §V: flexible requests
 * are 10 % of demand). Households move the flexible part of their load out of expensive slots into cheap ones of
 * the same day: load SHIFTING, not shedding — each day's energy is conserved to the Wh.
 */
import { GridPeerError } from '../errors/index.js';
import { finite, inRange, invalid, MICRO_PER_UNIT, nonNegative, positive } from './check.js';
import type { DemandResponseSpec } from './types.js';

export interface DemandResponseResult {
  /** Load after the response, Wh per slot. */
  readonly loadWh: Int32Array;
  /** Change per slot, Wh: negative where load left, positive where it arrived; each day sums to 0. */
  readonly shiftedWh: Int32Array;
}

/** Where the slots lie in time, to group them by UTC day. */
export interface SlotCalendar {
  readonly startMs: number;
  readonly slotMs: number;
}

const MS_PER_DAY = 86_400_000;

/**
 * Applies a price-based demand-response programme to one home's load.
 *
 * Per UTC day (or over the whole horizon when no `calendar` is given), with p̄ the day's mean import price:
 * - in each slot priced above p̄, the flexible part responds to the relative price signal with the elasticity
 *   (own-price elasticity of demand): relative reduction = |ε| · (p_t + incentive − p̄) / p̄, capped at
 *   `flexibleShare`. The incentive (currency/kWh, paid for energy moved out of a peak) adds to the price signal,
 *   so the same elasticity moves more with incentives (seed 004 Fig. 7, S2 vs S1). Removed energy is
 *   ⌊load_t · reduction⌋ Wh.
 * - the day's removed energy goes to the slots priced below p̄, in proportion to their discount p̄ − p_t (the
 *   cheapest slot gets the most), apportioned in integer Wh by largest remainder (ties: cheaper slot, then
 *   earlier slot). Prices and weights are exact integers (n · p_t against Σ p), so the result is deterministic.
 * A day whose prices are all equal, or whose mean price is 0, is left unchanged.
 * @throws GridPeerError INVALID_ARGUMENT naming `importMicroPerKwh` (length differs), `loadWh` (negative),
 *   `flexibleShare` (outside [0, 1]), `elasticity`, `incentivePerKwh` (negative) or the calendar's fields.
 */
export function priceResponsiveLoadWh(
  loadWh: Int32Array,
  importMicroPerKwh: readonly bigint[],
  spec: DemandResponseSpec,
  calendar?: SlotCalendar,
): DemandResponseResult {
  if (importMicroPerKwh.length !== loadWh.length) {
    throw new GridPeerError(
      'INVALID_ARGUMENT',
      `importMicroPerKwh has ${importMicroPerKwh.length} prices for ${loadWh.length} slots`,
      { field: 'importMicroPerKwh', needed: loadWh.length, available: importMicroPerKwh.length },
    );
  }
  const flexibleShare = inRange(spec.flexibleShare, 0, 1, 'flexibleShare');
  const elasticity = Math.abs(finite(spec.elasticity, 'elasticity'));
  const incentiveMicro = nonNegative(spec.incentivePerKwh ?? 0, 'incentivePerKwh') * MICRO_PER_UNIT;
  if (calendar !== undefined) {
    finite(calendar.startMs, 'startMs');
    positive(calendar.slotMs, 'slotMs');
  }
  for (let slot = 0; slot < loadWh.length; slot++) {
    if (loadWh[slot]! < 0) throw invalid('loadWh', `must be ≥ 0 (slot ${slot})`, loadWh[slot]);
  }
  const out = Int32Array.from(loadWh);
  const shiftedWh = new Int32Array(loadWh.length);
  const dayOf = (slot: number): number =>
    calendar === undefined ? 0 : Math.floor((calendar.startMs + slot * calendar.slotMs) / MS_PER_DAY);
  let first = 0;
  while (first < loadWh.length) {
    let end = first + 1;
    while (end < loadWh.length && dayOf(end) === dayOf(first)) end++;
    shiftDay(loadWh, importMicroPerKwh, first, end, flexibleShare, elasticity, incentiveMicro, shiftedWh);
    first = end;
  }
  for (let slot = 0; slot < loadWh.length; slot++) out[slot] = loadWh[slot]! + shiftedWh[slot]!;
  return { loadWh: out, shiftedWh };
}

function shiftDay(
  loadWh: Int32Array,
  prices: readonly bigint[],
  first: number,
  end: number,
  flexibleShare: number,
  elasticity: number,
  incentiveMicro: number,
  shiftedWh: Int32Array,
): void {
  const n = BigInt(end - first);
  let sum = 0n;
  for (let slot = first; slot < end; slot++) sum += prices[slot]!;
  if (sum <= 0n) return;
  const meanMicro = Number(sum) / Number(n);
  let removedWh = 0;
  // The slot is above the mean when n · p_t > Σ p, below it when n · p_t < Σ p (exact integers).
  for (let slot = first; slot < end; slot++) {
    if (n * prices[slot]! <= sum) continue;
    const signal = (Number(prices[slot]!) + incentiveMicro - meanMicro) / meanMicro;
    const reduction = Math.min(flexibleShare, elasticity * signal);
    const movedWh = Math.floor(loadWh[slot]! * reduction);
    if (movedWh <= 0) continue;
    shiftedWh[slot] = -movedWh;
    removedWh += movedWh;
  }
  if (removedWh === 0) return;
  const receivers: { slot: number; weight: bigint; share: bigint; remainder: bigint }[] = [];
  let totalWeight = 0n;
  for (let slot = first; slot < end; slot++) {
    const weight = sum - n * prices[slot]!;
    if (weight <= 0n) continue;
    receivers.push({ slot, weight, share: 0n, remainder: 0n });
    totalWeight += weight;
  }
  const removed = BigInt(removedWh);
  let given = 0n;
  for (const receiver of receivers) {
    receiver.share = (removed * receiver.weight) / totalWeight;
    receiver.remainder = (removed * receiver.weight) % totalWeight;
    given += receiver.share;
  }
  const byRemainder = [...receivers].sort((a, b) =>
    a.remainder !== b.remainder
      ? a.remainder > b.remainder
        ? -1
        : 1
      : b.weight !== a.weight
        ? b.weight > a.weight
          ? 1
          : -1
        : a.slot - b.slot,
  );
  for (let i = 0; given < removed; i++, given++) byRemainder[i]!.share += 1n;
  for (const receiver of receivers) shiftedWh[receiver.slot] = Number(receiver.share);
}
