/**
 * @module energy/load
 * Household demand per slot (MISSION E1): a synthetic daily load shape, rows of a CSV column resampled to the
 * simulation's slots, and explicit per-slot values. Outputs are integer Wh per slot (Int32Array).
 */
import { GridPeerError } from '../errors/index.js';
import {
  checkSlots,
  count,
  finite,
  invalid,
  MS_PER_DAY,
  MS_PER_HOUR,
  nonNegative,
  positive,
  roundCumulativeWh,
} from './check.js';
import type { LoadShapeSpec, RowSeriesSpec } from './types.js';

/**
 * Relative demand per UTC hour of a residential home: low at night (00–05), a morning bump (07–09: breakfast,
 * water heating), a flat daytime plateau, and the evening peak (18–21: cooking, lighting, appliances), about
 * 3.4× the night minimum — the shape of standard residential load profiles and of seed 004 Fig. 7 ("modest
 * initially, rising through the day to its peak in the late afternoon"). Hour-of-day is UTC: give local-time
 * weights rotated by the UTC offset for places away from Greenwich.
 */
export const DEFAULT_HOURLY_LOAD_WEIGHTS: readonly number[] = Object.freeze([
  0.5, 0.45, 0.42, 0.4, 0.42, 0.5, 0.7, 0.95, 1.05, 0.9, 0.8, 0.75, 0.75, 0.72, 0.7, 0.75, 0.9, 1.1, 1.3, 1.4, 1.35,
  1.15, 0.9, 0.65,
]);

function normalizedWeights(weights: readonly number[]): Float64Array {
  if (weights.length !== 24) throw invalid('hourlyWeights', `must have 24 values, got ${weights.length}`);
  const out = new Float64Array(24);
  let total = 0;
  for (let hour = 0; hour < 24; hour++) {
    const weight = nonNegative(weights[hour]!, 'hourlyWeights');
    out[hour] = weight;
    total += weight;
  }
  if (total <= 0) throw invalid('hourlyWeights', 'must not all be zero');
  for (let hour = 0; hour < 24; hour++) out[hour] = out[hour]! / total;
  return out;
}

/**
 * Energy of a daily shape over [fromMs, toMs), Wh: the day's energy `dailyWh` is spread over each UTC hour by
 * its weight, uniformly within the hour, so a slot gets the weighted overlap of the hours it covers.
 */
function shapeEnergyWh(fromMs: number, toMs: number, shares: Float64Array, dailyWh: number): number {
  let energyWh = 0;
  let at = fromMs;
  while (at < toMs) {
    const hourStartMs = Math.floor(at / MS_PER_HOUR) * MS_PER_HOUR;
    const until = Math.min(toMs, hourStartMs + MS_PER_HOUR);
    const hourOfDay = Math.floor((((hourStartMs % MS_PER_DAY) + MS_PER_DAY) % MS_PER_DAY) / MS_PER_HOUR);
    energyWh += dailyWh * shares[hourOfDay]! * ((until - at) / MS_PER_HOUR);
    at = until;
  }
  return energyWh;
}

/**
 * Demand per slot from a daily load shape, Wh (integers).
 *
 * Each slot gets its share of `dailyKwh` by the hour-of-day weights (UTC), times (1 + variability · (2·random() − 1))
 * with one draw per slot in slot order. The noise reshapes the day, it does not change its energy: within each UTC
 * day the noisy slots are scaled back so their sum equals the noiseless sum (`dailyKwh` for a whole day; the
 * covered part of it for a partial day at either end of the run). Noise factors are clamped at 0 (variability > 1).
 * Rounding: the running total is rounded (Math.round), so each slot is within 1 Wh of its exact energy and each
 * day's sum within 1 Wh of `dailyKwh` · 1000.
 */
export function loadShapeProfileWh(
  spec: LoadShapeSpec,
  startMs: number,
  slotMs: number,
  slots: number,
  random: () => number,
): Int32Array {
  checkSlots(startMs, slotMs, slots);
  const dailyWh = nonNegative(spec.dailyKwh, 'dailyKwh') * 1000;
  const variability = nonNegative(spec.variability ?? 0, 'variability');
  const shares = normalizedWeights(spec.hourlyWeights ?? DEFAULT_HOURLY_LOAD_WEIGHTS);
  const exactWh = new Float64Array(slots);
  let dayStart = 0;
  while (dayStart < slots) {
    const day = Math.floor((startMs + dayStart * slotMs) / MS_PER_DAY);
    let dayEnd = dayStart;
    let plainWh = 0;
    let noisyWh = 0;
    while (dayEnd < slots && Math.floor((startMs + dayEnd * slotMs) / MS_PER_DAY) === day) {
      const fromMs = startMs + dayEnd * slotMs;
      const energyWh = shapeEnergyWh(fromMs, fromMs + slotMs, shares, dailyWh);
      const factor = Math.max(0, 1 + variability * (2 * random() - 1));
      plainWh += energyWh;
      noisyWh += energyWh * factor;
      exactWh[dayEnd] = energyWh * factor;
      dayEnd++;
    }
    const rescale = noisyWh > 0 ? plainWh / noisyWh : 0;
    for (let slot = dayStart; slot < dayEnd; slot++) exactWh[slot] = exactWh[slot]! * rescale;
    dayStart = dayEnd;
  }
  return roundCumulativeWh(exactWh, 'dailyKwh');
}

/**
 * Energy per slot, Wh (integers), from rows of a time series (a CSV column): row r (from `startRow`) covers
 * [(r − startRow) · rowMinutes, … + rowMinutes) from the first slot. A row's energy (kWh × 1000, or kW × 1000 ×
 * rowMinutes / 60: the row's average power times its hours) is split over the slots it overlaps in proportion to
 * the overlap, so a slot spanning several rows sums them and a row spanning several slots is shared out; for kW
 * rows this is the time-weighted average power over the slot × the slot's hours. `scale` multiplies every value.
 * Values are taken as they are (negative values, e.g. net metering, pass through).
 * Rounding: the running total is rounded (Math.round): each slot within 1 Wh, the total within 0.5 Wh.
 * @throws GridPeerError INVALID_ARGUMENT naming `rows` (with `needed` and `available`) when the column has too few
 *   rows for the slots, or naming `values` at a row that is not a finite number.
 */
export function resampleRowsToSlotsWh(
  values: ArrayLike<number>,
  series: RowSeriesSpec,
  slotMinutes: number,
  slots: number,
): Int32Array {
  positive(series.rowMinutes, 'rowMinutes');
  positive(slotMinutes, 'slotMinutes');
  count(slots, 'slots');
  const startRow = count(series.startRow ?? 0, 'startRow');
  const scale = finite(series.scale ?? 1, 'scale');
  if (series.unit !== 'kWh' && series.unit !== 'kW') throw invalid('unit', "must be 'kWh' or 'kW'", series.unit);
  const rowMinutes = series.rowMinutes;
  const totalMinutes = slots * slotMinutes;
  const rowsNeeded = slots === 0 ? 0 : Math.ceil(totalMinutes / rowMinutes - 1e-9);
  const available = Math.max(0, values.length - startRow);
  if (rowsNeeded > available) {
    throw new GridPeerError(
      'INVALID_ARGUMENT',
      `rows are too few: ${rowsNeeded} rows from row ${startRow} are needed for ${slots} slots, ${available} remain`,
      { field: 'rows', needed: rowsNeeded, available, startRow },
    );
  }
  const whPerRowUnit = series.unit === 'kWh' ? 1000 * scale : (1000 * scale * rowMinutes) / 60;
  const exactWh = new Float64Array(slots);
  for (let row = 0; row < rowsNeeded; row++) {
    const value = values[startRow + row]!;
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw invalid('values', `row ${startRow + row} is not a finite number`, value);
    }
    const rowWh = value * whPerRowUnit;
    const rowFrom = row * rowMinutes;
    const rowTo = Math.min(rowFrom + rowMinutes, totalMinutes);
    for (let slot = Math.floor(rowFrom / slotMinutes); slot < slots && slot * slotMinutes < rowTo; slot++) {
      const overlap = Math.min(rowTo, (slot + 1) * slotMinutes) - Math.max(rowFrom, slot * slotMinutes);
      if (overlap > 0) exactWh[slot] = exactWh[slot]! + (rowWh * overlap) / rowMinutes;
    }
  }
  return roundCumulativeWh(exactWh, 'values');
}

/**
 * Explicit per-slot energies in kWh (small hand-made cases and tests) → Wh per slot, each value rounded on its own
 * (Math.round) so hand values stay as written.
 * @throws GridPeerError INVALID_ARGUMENT naming `kwhPerSlot` when there are fewer values than slots or one is not
 *   a finite number.
 */
export function valuesProfileWh(kwhPerSlot: readonly number[], slots: number): Int32Array {
  count(slots, 'slots');
  if (kwhPerSlot.length < slots) {
    throw invalid('kwhPerSlot', `has ${kwhPerSlot.length} values, ${slots} slots need one each`);
  }
  const out = new Int32Array(slots);
  for (let slot = 0; slot < slots; slot++) {
    const energyWh = Math.round(finite(kwhPerSlot[slot]!, 'kwhPerSlot') * 1000);
    if (Math.abs(energyWh) > 2_147_483_647) throw invalid('kwhPerSlot', `slot ${slot} exceeds the Int32 range`);
    out[slot] = energyWh;
  }
  return out;
}
