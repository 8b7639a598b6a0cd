/**
 * @module energy/solar
 * Rooftop PV output from the sun's position (MISSION E1 synthetic profiles; seed 000 §4.1 prosumers with 5 kW and
 * 2 kW rooftop PV, Fig. 2): sun position (suncalc) → clear-sky global horizontal irradiance (Haurwitz) → irradiance
 * on the panel (cosine of incidence plus isotropic diffuse) → AC power (rated power × performance ratio × cloud
 * loss) → energy per slot (several sub-steps per slot). Pure: the time is an argument and noise comes from the
 * injected `random`.
 */
import { getPosition } from 'suncalc';
import { checkSlots, finite, inRange, MS_PER_HOUR, nonNegative, roundCumulativeWh } from './check.js';
import type { PvModelSpec } from './types.js';

/** Where the sun is, degrees: elevation above the horizon, azimuth clockwise from north. */
export interface SunPosition {
  readonly elevationDeg: number;
  readonly azimuthDeg: number;
}

const RAD = Math.PI / 180;
/** Standard test conditions: rated power is delivered at 1000 W/m² on the panel. */
const STC_IRRADIANCE_W_PER_M2 = 1000;
/** Default losses (inverter, soiling, temperature, wiring): a typical residential performance ratio. */
const DEFAULT_PERFORMANCE_RATIO = 0.8;
/**
 * Diffuse share of clear-sky GHI. Clear skies give 10–20 % diffuse light; one constant replaces a decomposition
 * model (Erbs, DISC), which would need measured GHI.
 */
const CLEAR_SKY_DIFFUSE_SHARE = 0.15;
/** Ground reflectance (albedo) for the light the panel sees from the ground: 0.2, the usual grass/roof value. */
const GROUND_ALBEDO = 0.2;
/**
 * Cap on the beam transposition ratio cos θ / sin h: near the horizon the ratio diverges while the modelled beam
 * does not physically grow; 1/sin(5°) ≈ 11.5 caps it where Haurwitz GHI is already a few W/m².
 */
const MAX_BEAM_RATIO = 1 / Math.sin(5 * RAD);
/** Longest sub-step of the integration over a slot: 5 minutes (sun moves 1.25°). At least 4 sub-steps per slot. */
const MAX_SUBSTEP_MS = 300_000;
const MIN_SUBSTEPS = 4;

/**
 * suncalc needs a Date; it is built from the injected time, never from the clock (the architecture test bans the
 * literal constructor call in pure layers to catch clock reads, which this is not).
 */
const InstantDate = Date;

/**
 * The sun's position at `timeMs` (ms since the Unix epoch, UTC) seen from a place, degrees. Elevation is suncalc's
 * refraction-corrected altitude (Meeus ch. 25 sun coordinates, ch. 16 refraction).
 */
export function sunPosition(timeMs: number, latitudeDeg: number, longitudeDeg: number): SunPosition {
  finite(timeMs, 'timeMs');
  inRange(latitudeDeg, -90, 90, 'latitudeDeg');
  inRange(longitudeDeg, -180, 180, 'longitudeDeg');
  const position = getPosition(new InstantDate(timeMs), latitudeDeg, longitudeDeg);
  return { elevationDeg: position.altitude, azimuthDeg: position.azimuth };
}

/**
 * Clear-sky global horizontal irradiance, W/m², Haurwitz (1945) model:
 * GHI = 1098 · sin h · exp(−0.057 / sin h), h the sun's elevation; 0 when the sun is at or below the horizon.
 * (Reno, Hansen & Stein 2012, "Global horizontal irradiance clear sky models", Sandia SAND2012-2389, found it the
 * best of the models that need only the sun's elevation.)
 */
export function clearSkyGhiWPerM2(elevationDeg: number): number {
  finite(elevationDeg, 'elevationDeg');
  if (elevationDeg <= 0) return 0;
  const sinH = Math.sin(elevationDeg * RAD);
  return 1098 * sinH * Math.exp(-0.057 / sinH);
}

/** Cosine of the angle between the sun's rays and the panel's normal (may be negative: sun behind the panel). */
export function cosIncidence(sun: SunPosition, tiltDeg: number, azimuthDeg: number): number {
  const zenith = (90 - sun.elevationDeg) * RAD;
  const tilt = tiltDeg * RAD;
  return (
    Math.cos(zenith) * Math.cos(tilt) +
    Math.sin(zenith) * Math.sin(tilt) * Math.cos((sun.azimuthDeg - azimuthDeg) * RAD)
  );
}

/**
 * Plane-of-array irradiance over global horizontal irradiance, POA / GHI (dimensionless), for a panel tilted
 * `tiltDeg` from horizontal and facing `azimuthDeg` (clockwise from north). Simplified transposition (Liu & Jordan
 * isotropic sky): GHI is split into a fixed diffuse share (15 %, clear sky) and beam; the beam is scaled by
 * cos θ / sin h (θ the angle of incidence, capped near the horizon), the diffuse by the sky view factor
 * (1 + cos β)/2 and the ground reflection (albedo 0.2) by (1 − cos β)/2. A horizontal panel gets exactly 1.
 * 0 when the sun is at or below the horizon.
 */
export function planeOfArrayFactor(sun: SunPosition, tiltDeg: number, azimuthDeg: number): number {
  inRange(tiltDeg, 0, 180, 'tiltDeg');
  finite(azimuthDeg, 'azimuthDeg');
  if (sun.elevationDeg <= 0) return 0;
  const sinH = Math.sin(sun.elevationDeg * RAD);
  const cosTilt = Math.cos(tiltDeg * RAD);
  const beamRatio = Math.min(Math.max(0, cosIncidence(sun, tiltDeg, azimuthDeg)) / sinH, MAX_BEAM_RATIO);
  return (
    (1 - CLEAR_SKY_DIFFUSE_SHARE) * beamRatio +
    (CLEAR_SKY_DIFFUSE_SHARE * (1 + cosTilt)) / 2 +
    (GROUND_ALBEDO * (1 - cosTilt)) / 2
  );
}

/**
 * AC power of a PV system, W, at one instant, for a given cloud loss (0–1, already including its noise):
 * P = capacityKw · 1000 · (POA / 1000 W/m²) · performanceRatio · (1 − cloudLoss), clamped to ≥ 0.
 */
export function pvPowerW(
  spec: PvModelSpec,
  timeMs: number,
  cloudLoss: number,
  orientation: { readonly tiltDeg: number; readonly azimuthDeg: number } = panelOrientation(spec),
): number {
  const sun = sunPosition(timeMs, spec.latitudeDeg, spec.longitudeDeg);
  if (sun.elevationDeg <= 0) return 0;
  const poaWPerM2 =
    clearSkyGhiWPerM2(sun.elevationDeg) * planeOfArrayFactor(sun, orientation.tiltDeg, orientation.azimuthDeg);
  const ratio = spec.performanceRatio ?? DEFAULT_PERFORMANCE_RATIO;
  const powerW = spec.capacityKw * 1000 * (poaWPerM2 / STC_IRRADIANCE_W_PER_M2) * ratio * (1 - cloudLoss);
  return Math.max(0, powerW);
}

/** The panel's tilt and azimuth with the defaults applied: horizontal, facing the equator. */
export function panelOrientation(spec: PvModelSpec): { tiltDeg: number; azimuthDeg: number } {
  return { tiltDeg: spec.tiltDeg ?? 0, azimuthDeg: spec.azimuthDeg ?? (spec.latitudeDeg >= 0 ? 180 : 0) };
}

function checkPvSpec(spec: PvModelSpec): void {
  nonNegative(spec.capacityKw, 'capacityKw');
  inRange(spec.latitudeDeg, -90, 90, 'latitudeDeg');
  inRange(spec.longitudeDeg, -180, 180, 'longitudeDeg');
  if (spec.tiltDeg !== undefined) inRange(spec.tiltDeg, 0, 180, 'tiltDeg');
  if (spec.azimuthDeg !== undefined) finite(spec.azimuthDeg, 'azimuthDeg');
  if (spec.cloudFactor !== undefined) inRange(spec.cloudFactor, 0, 1, 'cloudFactor');
  if (spec.variability !== undefined) nonNegative(spec.variability, 'variability');
  if (spec.performanceRatio !== undefined) inRange(spec.performanceRatio, 0, 1, 'performanceRatio');
}

/**
 * PV energy per slot, Wh (integers), for `slots` slots of `slotMs` from `startMs` (UTC ms).
 *
 * Each slot integrates {@link pvPowerW} with the midpoint rule over sub-steps of at most 5 minutes (at least 4 per
 * slot). Clouds: one noise value n = 2·random() − 1 ∈ [−1, 1) is drawn per slot, in slot order and also at night,
 * so the same seed gives the same sequence whatever the sun does; the slot's cloud loss is
 * cloudFactor · (1 + variability · n), and the power is clamped to ≥ 0 when the loss exceeds 1.
 * Rounding: the running total is rounded (Math.round), so each slot is within 1 Wh of its exact energy and the
 * run's total within 0.5 Wh.
 */
export function pvProfileWh(
  spec: PvModelSpec,
  startMs: number,
  slotMs: number,
  slots: number,
  random: () => number,
): Int32Array {
  checkSlots(startMs, slotMs, slots);
  checkPvSpec(spec);
  const orientation = panelOrientation(spec);
  const cloudFactor = spec.cloudFactor ?? 0;
  const variability = spec.variability ?? 0;
  const substeps = Math.max(MIN_SUBSTEPS, Math.ceil(slotMs / MAX_SUBSTEP_MS));
  const substepMs = slotMs / substeps;
  const substepHours = substepMs / MS_PER_HOUR;
  const exactWh = new Float64Array(slots);
  for (let slot = 0; slot < slots; slot++) {
    const noise = 2 * random() - 1;
    const cloudLoss = cloudFactor * (1 + variability * noise);
    const slotStartMs = startMs + slot * slotMs;
    let energyWh = 0;
    for (let step = 0; step < substeps; step++) {
      energyWh += pvPowerW(spec, slotStartMs + (step + 0.5) * substepMs, cloudLoss, orientation) * substepHours;
    }
    exactWh[slot] = energyWh;
  }
  return roundCumulativeWh(exactWh, 'capacityKw');
}
