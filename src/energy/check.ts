/**
 * @module energy/check
 * Argument checks shared by the energy models: bad input names its field (DESIGN.md §6) with INVALID_ARGUMENT.
 */
import { GridPeerError } from '../errors/index.js';

export const MS_PER_HOUR = 3_600_000;
export const MS_PER_DAY = 86_400_000;
export const MICRO_PER_UNIT = 1_000_000;
const INT32_MAX = 2_147_483_647;

export function invalid(field: string, rule: string, value?: unknown): GridPeerError {
  return new GridPeerError('INVALID_ARGUMENT', `${field} ${rule}`, {
    field,
    ...(value === undefined ? {} : { value: typeof value === 'number' ? value : String(value) }),
  });
}

export function finite(value: number, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(field, 'must be a finite number', value);
  return value;
}

export function inRange(value: number, min: number, max: number, field: string): number {
  finite(value, field);
  if (value < min || value > max) throw invalid(field, `must be in [${min}, ${max}]`, value);
  return value;
}

export function nonNegative(value: number, field: string): number {
  finite(value, field);
  if (value < 0) throw invalid(field, 'must be ≥ 0', value);
  return value;
}

export function positive(value: number, field: string): number {
  finite(value, field);
  if (value <= 0) throw invalid(field, 'must be > 0', value);
  return value;
}

export function count(value: number, field: string): number {
  if (!Number.isSafeInteger(value) || value < 0) throw invalid(field, 'must be a non-negative integer', value);
  return value;
}

export function integerWh(value: number, field: string): number {
  if (!Number.isSafeInteger(value)) throw invalid(field, 'must be an integer number of Wh', value);
  return value;
}

/** Checks the slot grid shared by every profile: a finite start, a positive slot length, a slot count. */
export function checkSlots(startMs: number, slotMs: number, slots: number): void {
  finite(startMs, 'startMs');
  positive(slotMs, 'slotMs');
  count(slots, 'slots');
}

/**
 * Rounds a series of exact energies (Wh) to integers by rounding the running total (Math.round, half up) and
 * emitting the differences: each slot is within 1 Wh of its exact value and every prefix sum (so every day and
 * the whole run) within 0.5 Wh of the exact total. Deterministic; the same input gives the same integers.
 */
export function roundCumulativeWh(exactWh: Float64Array, field: string): Int32Array {
  const out = new Int32Array(exactWh.length);
  let exactTotal = 0;
  let roundedTotal = 0;
  for (let i = 0; i < exactWh.length; i++) {
    exactTotal += exactWh[i]!;
    const next = Math.round(exactTotal);
    const slotWh = next - roundedTotal;
    if (!Number.isFinite(slotWh) || Math.abs(slotWh) > INT32_MAX) {
      throw invalid(field, `gives ${slotWh} Wh in slot ${i}, outside the Int32 range of a profile`);
    }
    out[i] = slotWh;
    roundedTotal = next;
  }
  return out;
}

/** Currency units per kWh → µcoin per kWh, rounded once (Math.round). */
export function toMicroPerKwh(pricePerKwh: number, field: string): bigint {
  finite(pricePerKwh, field);
  const micro = Math.round(pricePerKwh * MICRO_PER_UNIT);
  if (!Number.isSafeInteger(micro)) throw invalid(field, 'is too large to represent in µcoin', pricePerKwh);
  return BigInt(micro);
}

/** numerator / denominator rounded half away from zero (denominator > 0). */
export function divRoundHalfAway(numerator: bigint, denominator: bigint): bigint {
  const twice = 2n * numerator;
  if (numerator >= 0n) return (twice + denominator) / (2n * denominator);
  return -((-twice + denominator) / (2n * denominator));
}
