/**
 * @module market/money
 * Integer arithmetic for the market: Wh × µcoin/kWh → µcoin with one rounding rule, exact rational prices, and
 * apportioning an integer total over weights (largest remainder) so parts always add up.
 */
import { GridPeerError } from '../errors/index.js';

const WH_PER_KWH = 1000n;

/** Round half away from zero of numerator/denominator (denominator > 0). */
export function divRound(numerator: bigint, denominator: bigint): bigint {
  if (denominator <= 0n) throw new GridPeerError('INVALID_ARGUMENT', 'divRound needs a positive denominator');
  const twice = 2n * numerator;
  if (numerator >= 0n) return (twice + denominator) / (2n * denominator);
  return -((-twice + denominator) / (2n * denominator));
}

/**
 * {@link costMicro} as a number, for a price already read as a number (`Number(price)`): the same value when
 * `energyWh` and Wh·price are safe integers (then exact as doubles, and so are the remainder and quotient by 1000,
 * so the rounding is divRound's, half away from zero), NaN otherwise (use {@link costMicro}).
 */
export function costMicroNumber(energyWh: number, priceMicroPerKwh: number): number {
  const product = energyWh * priceMicroPerKwh;
  if (!Number.isSafeInteger(energyWh) || !Number.isSafeInteger(product)) return Number.NaN;
  const magnitude = product < 0 ? -product : product;
  const remainder = magnitude % 1000;
  let quotient = (magnitude - remainder) / 1000;
  if (remainder >= 500) quotient++;
  return product < 0 ? -quotient : quotient;
}

/** Money for `energyWh` at `priceMicroPerKwh`, rounded to whole micro-coins. */
export function costMicro(energyWh: number, priceMicroPerKwh: bigint): bigint {
  // Fast path, same result, without bigint temporaries (see costMicroNumber).
  if (typeof priceMicroPerKwh === 'bigint') {
    const cost = costMicroNumber(energyWh, Number(priceMicroPerKwh));
    if (!Number.isNaN(cost)) return BigInt(cost);
  }
  return divRound(BigInt(energyWh) * priceMicroPerKwh, WH_PER_KWH);
}

/**
 * Splits the integer `total` over `weights` in proportion (largest remainder, ties to the lower index): the parts
 * are integers that add up to `total` exactly.
 */
export function apportion(total: bigint, weights: readonly bigint[]): bigint[] {
  const sum = weights.reduce((a, b) => a + b, 0n);
  if (sum === 0n) return weights.map(() => 0n);
  const sign = total < 0n ? -1n : 1n;
  const magnitude = total * sign;
  const floors = weights.map((w) => (magnitude * w) / sum);
  let remaining = magnitude - floors.reduce((a, b) => a + b, 0n);
  const order = weights
    .map((w, i) => ({ i, remainder: (magnitude * w) % sum }))
    .sort((a, b) => (a.remainder === b.remainder ? a.i - b.i : a.remainder > b.remainder ? -1 : 1));
  for (const { i } of order) {
    if (remaining === 0n) break;
    floors[i]! += 1n;
    remaining -= 1n;
  }
  return floors.map((part) => part * sign);
}

/** {@link apportion} for energy (safe integers). */
export function apportionWh(totalWh: number, weights: readonly number[]): number[] {
  return apportion(BigInt(totalWh), weights.map(BigInt)).map(Number);
}

/**
 * An exact rational number `numerator/denominator` with a positive denominator, kept in lowest terms. Pool
 * prices (SDR, MMR, bill sharing) are ratios of energies and prices; billing at the exact ratio and rounding once
 * per amount keeps the budget identity to a micro-coin per participant, which rounding the price first would not.
 */
export interface Ratio {
  readonly numerator: bigint;
  readonly denominator: bigint;
}

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

/** `numerator/denominator` in lowest terms. @throws GridPeerError INVALID_ARGUMENT when the denominator is 0. */
export function ratio(numerator: bigint, denominator = 1n): Ratio {
  if (denominator === 0n) throw new GridPeerError('INVALID_ARGUMENT', 'a ratio needs a non-zero denominator');
  const sign = denominator < 0n ? -1n : 1n;
  const divisor = gcd(numerator, denominator) || 1n;
  return { numerator: (sign * numerator) / divisor, denominator: (sign * denominator) / divisor };
}

export function ratioAdd(a: Ratio, b: Ratio): Ratio {
  return ratio(a.numerator * b.denominator + b.numerator * a.denominator, a.denominator * b.denominator);
}

export function ratioSub(a: Ratio, b: Ratio): Ratio {
  return ratio(a.numerator * b.denominator - b.numerator * a.denominator, a.denominator * b.denominator);
}

export function ratioMul(a: Ratio, b: Ratio): Ratio {
  return ratio(a.numerator * b.numerator, a.denominator * b.denominator);
}

/** @throws GridPeerError INVALID_ARGUMENT when `b` is 0. */
export function ratioDiv(a: Ratio, b: Ratio): Ratio {
  return ratio(a.numerator * b.denominator, a.denominator * b.numerator);
}

/** -1, 0 or 1 as `a` is less than, equal to or greater than `b`. */
export function ratioCompare(a: Ratio, b: Ratio): -1 | 0 | 1 {
  const difference = a.numerator * b.denominator - b.numerator * a.denominator;
  return difference < 0n ? -1 : difference > 0n ? 1 : 0;
}

/** The ratio rounded half away from zero to an integer (a price to whole micro-coins per kWh). */
export function roundRatio(value: Ratio): bigint {
  return divRound(value.numerator, value.denominator);
}

/** {@link costMicro} at an exact rational price: `energyWh × price / 1000`, rounded once. */
export function costMicroAt(energyWh: number, priceMicroPerKwh: Ratio): bigint {
  return divRound(BigInt(energyWh) * priceMicroPerKwh.numerator, priceMicroPerKwh.denominator * WH_PER_KWH);
}
