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

/** Money for `energyWh` at `priceMicroPerKwh`, rounded to whole micro-coins. */
export function costMicro(energyWh: number, priceMicroPerKwh: bigint): bigint {
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
