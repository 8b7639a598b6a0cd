/**
 * @module energy/battery
 * A home battery as in seed 000 §4 eqs. 5–8 (and seed 004 §II eqs. 4–5): charge and discharge power limits, an
 * energy window [SOC^min, SOC^max] of the capacity, and the state-of-energy update
 *   E_t = E_{t−Δt} + Δt · [η^C · P^C_t − P^D_t / η^D]                       (seed 000 eq. 8)
 * with 0 ≤ P^C ≤ P^cap (eq. 5), 0 ≤ P^D ≤ P^cap (eq. 6), E^min ≤ E_t ≤ E^max (eq. 7). Energies are integer Wh:
 * what the battery takes or gives at its terminals is floored, the stored change rounds against the battery
 * (charge floors what is stored, discharge ceils what is drawn), so the state never leaves its bounds and
 * rounding never creates energy (it loses at most 1 Wh per step).
 */
import { finite, inRange, invalid, nonNegative, positive } from './check.js';
import type { BatterySpec } from './types.js';

/** A battery's state between slots: the stored energy, Wh (integer). */
export interface BatteryState {
  socWh: number;
}

/** A battery's limits in integer Wh and W. */
export interface BatteryLimits {
  readonly capacityWh: number;
  /** E^min = SOC^min · capacity and E^max = SOC^max · capacity (eq. 7), rounded to Wh. */
  readonly minWh: number;
  readonly maxWh: number;
  /** P^cap for charging (eq. 5) and discharging (eq. 6), W. */
  readonly maxChargeW: number;
  readonly maxDischargeW: number;
}

export interface ChargeResult {
  /** Energy taken from PV or the bus at the terminals, Wh (P^C · Δt). */
  readonly acceptedWh: number;
  /** Energy added to the store, Wh (⌊η^C · acceptedWh⌋). */
  readonly storedWh: number;
  /** State after the slot, Wh. */
  readonly socWh: number;
}

export interface DischargeResult {
  /** Energy delivered at the terminals, Wh (P^D · Δt). */
  readonly deliveredWh: number;
  /** Energy taken from the store, Wh (⌈deliveredWh / η^D⌉). */
  readonly drawnWh: number;
  /** State after the slot, Wh. */
  readonly socWh: number;
}

/**
 * Floating products such as 0.96 × 2000 land a hair below the integer they stand for (1919.9999999999998); this
 * tolerance keeps floor/ceil on the intended side. It is far below 1 Wh, so bounds still hold after the clamps.
 */
const ROUNDING_SLACK = 1e-7;

function checkEfficiency(value: number, field: string): void {
  if (!(finite(value, field) > 0 && value <= 1)) throw invalid(field, 'must be in (0, 1]', value);
}

/**
 * Checks a battery spec (scenario validation): capacity > 0, powers ≥ 0, efficiencies in (0, 1],
 * 0 ≤ SOC^min ≤ SOC^max ≤ 1 and SOC^min ≤ socInitial ≤ SOC^max.
 * @throws GridPeerError INVALID_ARGUMENT naming the field out of range.
 */
export function checkBatterySpec(spec: BatterySpec): void {
  positive(spec.capacityKwh, 'capacityKwh');
  nonNegative(spec.maxChargeKw, 'maxChargeKw');
  nonNegative(spec.maxDischargeKw, 'maxDischargeKw');
  checkEfficiency(spec.chargeEfficiency, 'chargeEfficiency');
  checkEfficiency(spec.dischargeEfficiency, 'dischargeEfficiency');
  inRange(spec.socMin, 0, 1, 'socMin');
  inRange(spec.socMax, spec.socMin, 1, 'socMax');
  if (spec.socInitial !== undefined) inRange(spec.socInitial, spec.socMin, spec.socMax, 'socInitial');
}

/**
 * The battery's limits in integer units (Math.round of kWh × 1000 and kW × 1000).
 * @throws GridPeerError INVALID_ARGUMENT naming the field of the spec that is out of range.
 */
export function batteryLimits(spec: BatterySpec): BatteryLimits {
  checkBatterySpec(spec);
  const capacityWh = Math.round(spec.capacityKwh * 1000);
  return {
    capacityWh,
    minWh: Math.round(capacityWh * spec.socMin),
    maxWh: Math.round(capacityWh * spec.socMax),
    maxChargeW: Math.round(spec.maxChargeKw * 1000),
    maxDischargeW: Math.round(spec.maxDischargeKw * 1000),
  };
}

/** The state at the start of the run: `socInitial` (default SOC^min) of the capacity, Wh. */
export function initialSocWh(spec: BatterySpec): number {
  const limits = batteryLimits(spec);
  const socWh = Math.round(limits.capacityWh * (spec.socInitial ?? spec.socMin));
  return Math.min(limits.maxWh, Math.max(limits.minWh, socWh));
}

function checkSoc(socWh: number, limits: BatteryLimits): void {
  if (!Number.isSafeInteger(socWh) || socWh < limits.minWh || socWh > limits.maxWh) {
    throw invalid('socWh', `must be an integer in [${limits.minWh}, ${limits.maxWh}] Wh`, socWh);
  }
}

/**
 * Charges for one slot of `slotHours` with up to `offeredWh` (from PV or the bus). Accepted energy is limited by
 * the charge power (eq. 5: ≤ P^cap · Δt) and by the room left below E^max once the charging loss is counted
 * (eq. 7–8: η^C · accepted ≤ E^max − E); the store grows by ⌊η^C · accepted⌋ (eq. 8).
 */
export function chargeBattery(spec: BatterySpec, socWh: number, offeredWh: number, slotHours: number): ChargeResult {
  const limits = batteryLimits(spec);
  checkSoc(socWh, limits);
  nonNegative(offeredWh, 'offeredWh');
  positive(slotHours, 'slotHours');
  const efficiency = spec.chargeEfficiency;
  const roomWh = limits.maxWh - socWh;
  const powerLimitWh = limits.maxChargeW * slotHours;
  const acceptedWh = Math.max(0, Math.floor(Math.min(offeredWh, powerLimitWh, roomWh / efficiency) + ROUNDING_SLACK));
  const storedWh = Math.min(roomWh, Math.floor(efficiency * acceptedWh + ROUNDING_SLACK));
  return { acceptedWh, storedWh, socWh: socWh + storedWh };
}

/**
 * Discharges for one slot of `slotHours` to meet up to `requestedWh`. Delivered energy is limited by the discharge
 * power (eq. 6: ≤ P^cap · Δt) and by the energy above E^min after the discharging loss (eq. 7–8:
 * delivered / η^D ≤ E − E^min); the store shrinks by ⌈delivered / η^D⌉ (eq. 8).
 */
export function dischargeBattery(
  spec: BatterySpec,
  socWh: number,
  requestedWh: number,
  slotHours: number,
): DischargeResult {
  const limits = batteryLimits(spec);
  checkSoc(socWh, limits);
  nonNegative(requestedWh, 'requestedWh');
  positive(slotHours, 'slotHours');
  const efficiency = spec.dischargeEfficiency;
  const availableWh = socWh - limits.minWh;
  const powerLimitWh = limits.maxDischargeW * slotHours;
  let deliveredWh = Math.max(
    0,
    Math.floor(Math.min(requestedWh, powerLimitWh, availableWh * efficiency) + ROUNDING_SLACK),
  );
  const drawnFor = (energyWh: number): number => Math.max(0, Math.ceil(energyWh / efficiency - ROUNDING_SLACK));
  let drawnWh = drawnFor(deliveredWh);
  // The slack may make ⌈delivered/η^D⌉ one above what is left; deliver one Wh less rather than leave E^min.
  while (drawnWh > availableWh && deliveredWh > 0) {
    deliveredWh--;
    drawnWh = drawnFor(deliveredWh);
  }
  return { deliveredWh, drawnWh, socWh: socWh - drawnWh };
}
