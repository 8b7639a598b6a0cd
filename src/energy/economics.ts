/**
 * @module energy/economics
 * The cost equations of seed 000 §4 (Saini et al. 2023) in integer µcoin: the grid-only bill of scenario 1
 * (eq. 1), the daily investment cost of a storage system (eq. 3) and the operating cost of a prosumer's net grid
 * exchange (eq. 4); with the storage data of seed 000 Table 2 and the battery of seed 004 §V (Boumaiza &
 * Sanfilippo). Wh × µcoin/kWh sums are exact bigints, divided by 1000 and rounded once at the end, half away from
 * zero.
 */
import { GridPeerError } from '../errors/index.js';
import { divRoundHalfAway, integerWh, invalid, MICRO_PER_UNIT, nonNegative, positive } from './check.js';
import type { BatterySpec } from './types.js';

const WH_PER_KWH = 1000n;

/**
 * Seed 000 Table 2 ("DESS and CESS specification"): η^C = η^D = 0.96, capital cost of the energy capacity
 * c^E = 18,000 Rs/kWh and of the power capacity c^P = 6,000 Rs/kW, SOC^min 20 %, SOC^max 80 %. The table gives no
 * capacity or power; {@link sainiBattery} combines these with a size.
 */
export const SAINI_TABLE_2 = Object.freeze({
  currency: 'Rs',
  chargeEfficiency: 0.96,
  dischargeEfficiency: 0.96,
  costPerKwh: 18_000,
  costPerKw: 6_000,
  socMin: 0.2,
  socMax: 0.8,
});

/**
 * Seed 004 §V (Boumaiza & Sanfilippo): "ideal capacity (5 kWh), charging efficiency (98 %), appropriate charging
 * and discharging rate (2.5 kW), and discharging effectiveness (99.99 %)". The paper states no SOC window; its
 * §II eq. 4 bounds the stored energy by 0 ≤ s_0 + Σ s_h ≤ E^max, so the whole capacity is usable: SOC 0–100 %,
 * starting empty.
 */
export const BOUMAIZA_BATTERY: BatterySpec = Object.freeze({
  capacityKwh: 5,
  maxChargeKw: 2.5,
  maxDischargeKw: 2.5,
  chargeEfficiency: 0.98,
  dischargeEfficiency: 0.9999,
  socMin: 0,
  socMax: 1,
});

/** A battery of `capacityKwh` and `maxPowerKw` (charge and discharge, eqs. 5–6) with seed 000 Table 2's data. */
export function sainiBattery(capacityKwh: number, maxPowerKw: number, socInitial?: number): BatterySpec {
  return {
    capacityKwh,
    maxChargeKw: maxPowerKw,
    maxDischargeKw: maxPowerKw,
    chargeEfficiency: SAINI_TABLE_2.chargeEfficiency,
    dischargeEfficiency: SAINI_TABLE_2.dischargeEfficiency,
    socMin: SAINI_TABLE_2.socMin,
    socMax: SAINI_TABLE_2.socMax,
    ...(socInitial === undefined ? {} : { socInitial }),
  };
}

function checkLengths(energyLength: number, prices: readonly bigint[], field: string): void {
  if (prices.length !== energyLength) {
    throw new GridPeerError('INVALID_ARGUMENT', `${field} has ${prices.length} prices for ${energyLength} slots`, {
      field,
      needed: energyLength,
      available: prices.length,
    });
  }
}

/**
 * Seed 000 eq. 1, G_j = Σ_t α_t d_{j,t}: what a consumer pays when the grid supplies all its demand, µcoin.
 * `loadWh[t]` is d_t in Wh, `importMicroPerKwh[t]` is α_t; the exact sum Σ Wh · µcoin/kWh is divided by 1000 and
 * rounded once (half away from zero).
 * @throws GridPeerError INVALID_ARGUMENT naming `loadWh` (not integers) or `importMicroPerKwh` (length differs).
 */
export function gridOnlyCostMicro(loadWh: ArrayLike<number>, importMicroPerKwh: readonly bigint[]): bigint {
  checkLengths(loadWh.length, importMicroPerKwh, 'importMicroPerKwh');
  let sum = 0n;
  for (let slot = 0; slot < loadWh.length; slot++) {
    sum += BigInt(integerWh(loadWh[slot]!, 'loadWh')) * importMicroPerKwh[slot]!;
  }
  return divRoundHalfAway(sum, WH_PER_KWH);
}

/** Inputs of seed 000 eq. 3. Costs in currency units (e.g. Rs) per kW and per kWh. */
export interface InvestmentInput {
  /** Annual interest rate r (0.08 for 8 %). */
  readonly interestRate: number;
  /** Lifetime y, years. */
  readonly lifetimeYears: number;
  /** P^cap, kW. */
  readonly powerCapacityKw: number;
  /** E^cap, kWh. */
  readonly energyCapacityKwh: number;
  /** c^P, currency per kW. */
  readonly costPerKw: number;
  /** c^E, currency per kWh. */
  readonly costPerKwh: number;
}

/**
 * Seed 000 eq. 3: the daily investment cost of a storage system,
 *   I_j = r / (365 · (1 − (1 + r)^−y)) · (c^P · P^cap + c^E · E^cap),
 * the capital recovery factor spread over 365 days, µcoin per day. With r = 0 the factor's limit 1 / (365 · y)
 * is used. The factor and the capital cost are floating point (a power with a real exponent has no exact integer
 * form); the product in currency units × 1e6 is rounded once (Math.round; the value is never negative).
 * @throws GridPeerError INVALID_ARGUMENT naming the field that is negative, not finite, or (lifetimeYears) zero.
 */
export function dailyInvestmentMicro(input: InvestmentInput): bigint {
  const rate = nonNegative(input.interestRate, 'interestRate');
  const years = positive(input.lifetimeYears, 'lifetimeYears');
  const capital =
    nonNegative(input.costPerKw, 'costPerKw') * nonNegative(input.powerCapacityKw, 'powerCapacityKw') +
    nonNegative(input.costPerKwh, 'costPerKwh') * nonNegative(input.energyCapacityKwh, 'energyCapacityKwh');
  const micro = Math.round(dailyCapitalRecoveryFactor(rate, years) * capital * MICRO_PER_UNIT);
  if (!Number.isSafeInteger(micro)) throw invalid('energyCapacityKwh', 'gives a cost too large to represent');
  return BigInt(micro);
}

/** r / (365 · (1 − (1 + r)^−y)), per day (1 / (365 · y) when r = 0). */
export function dailyCapitalRecoveryFactor(interestRate: number, lifetimeYears: number): number {
  const rate = nonNegative(interestRate, 'interestRate');
  const years = positive(lifetimeYears, 'lifetimeYears');
  if (rate === 0) return 1 / (365 * years);
  return rate / (365 * (1 - (1 + rate) ** -years));
}

/**
 * Seed 000 eq. 4, O_j = Σ_t [α_t (x_t)^+ + β_t (x_t)^−] with x_t = d + P^C − P^D − P^pv the net exchange with the
 * grid: `netGridWh[t]` > 0 is bought at α_t (`importMicroPerKwh`), < 0 is sold at β_t (`exportMicroPerKwh`) and
 * counts as revenue, i.e. negative cost. µcoin; exact sum, one division by 1000 rounded half away from zero.
 * (Δt is inside the Wh: x_t · Δt is the slot's energy.)
 * @throws GridPeerError INVALID_ARGUMENT naming `netGridWh` (not integers) or a price array of another length.
 */
export function operatingCostMicro(
  netGridWh: ArrayLike<number>,
  importMicroPerKwh: readonly bigint[],
  exportMicroPerKwh: readonly bigint[],
): bigint {
  checkLengths(netGridWh.length, importMicroPerKwh, 'importMicroPerKwh');
  checkLengths(netGridWh.length, exportMicroPerKwh, 'exportMicroPerKwh');
  let sum = 0n;
  for (let slot = 0; slot < netGridWh.length; slot++) {
    const energyWh = integerWh(netGridWh[slot]!, 'netGridWh');
    const price = energyWh >= 0 ? importMicroPerKwh[slot]! : exportMicroPerKwh[slot]!;
    sum += BigInt(energyWh) * price;
  }
  return divRoundHalfAway(sum, WH_PER_KWH);
}
