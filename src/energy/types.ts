/**
 * @module energy/types
 * The inputs of the energy models, written as plain structural types. The scenario types of `sim/types.ts` are
 * built from them (a scenario's PV, load, battery, tariff and demand response are these), so a scenario's parts go
 * straight into the models; `test/unit/energy/types.test.ts` checks the correspondence at compile time.
 */

/** PV from its rated power and the sun's position (clear sky × a cloud factor). */
export interface PvModelSpec {
  readonly kind: 'pv-model';
  readonly capacityKw: number;
  readonly latitudeDeg: number;
  readonly longitudeDeg: number;
  /** Panel tilt from horizontal, degrees; default 0 (horizontal). */
  readonly tiltDeg?: number;
  /** Panel azimuth, degrees clockwise from north; default facing the equator (180 north of it, 0 south of it). */
  readonly azimuthDeg?: number;
  /** 0–1: the fraction of clear-sky output lost to clouds; default 0. */
  readonly cloudFactor?: number;
  /** Relative seeded noise on the cloud loss; default 0. */
  readonly variability?: number;
  /** Losses (inverter, soiling, temperature), 0–1; default 0.8. */
  readonly performanceRatio?: number;
}

/** A synthetic daily load shape scaled to a daily energy, with seeded noise. */
export interface LoadShapeSpec {
  readonly kind: 'load-shape';
  readonly dailyKwh: number;
  /** 24 relative hourly weights (UTC hours), normalized by the model; default {@link DEFAULT_HOURLY_LOAD_WEIGHTS}. */
  readonly hourlyWeights?: readonly number[];
  readonly variability?: number;
}

/** How the rows of a CSV column map to energy (the `csv` profile source without its file and column name). */
export interface RowSeriesSpec {
  /** Unit of a row after scaling: kWh in the row, or kW averaged over the row. */
  readonly unit: 'kWh' | 'kW';
  /** Minutes per row (60 for hourly data). */
  readonly rowMinutes: number;
  /** First row used (0-based); default 0. */
  readonly startRow?: number;
  /** Multiplies every value; default 1. */
  readonly scale?: number;
}

/** Seed 000 Table 2 / seed 004 §V battery (seed 000 eqs. 5–8). */
export interface BatterySpec {
  readonly capacityKwh: number;
  readonly maxChargeKw: number;
  readonly maxDischargeKw: number;
  /** η^C, η^D in (0, 1]. */
  readonly chargeEfficiency: number;
  readonly dischargeEfficiency: number;
  /** SOC^min, SOC^max as fractions of the capacity. */
  readonly socMin: number;
  readonly socMax: number;
  /** Initial state of charge (fraction); default socMin. */
  readonly socInitial?: number;
}

/** Grid prices (MISSION E2), in currency units per kWh; the same union as `sim/types.ts` `TariffSpec`. */
export type TariffSpec =
  | {
      readonly kind: 'flat';
      readonly importPerKwh: number;
      readonly exportPerKwh: number;
    }
  | {
      readonly kind: 'hourly';
      readonly importPerKwh: readonly number[];
      readonly exportPerKwh: number | readonly number[];
    }
  | {
      readonly kind: 'csv';
      readonly file: string;
      readonly column: string;
      readonly rowMinutes: number;
      readonly scale?: number;
      readonly startRow?: number;
      readonly exportPerKwh?: number;
      readonly exportRatio?: number;
    }
  | {
      readonly kind: 'tou';
      readonly bands: readonly { readonly fromHour: number; readonly toHour: number; readonly importPerKwh: number }[];
      readonly exportPerKwh: number;
    };

/** Price-based demand response with incentives (MISSION E7; seed 004 §V, Fig. 7). */
export interface DemandResponseSpec {
  /** Share of each slot's load that may move, 0–1. */
  readonly flexibleShare: number;
  /** Price elasticity of demand (conventionally ≤ 0; its magnitude is used). */
  readonly elasticity: number;
  /** Incentive paid per kWh moved out of a peak slot, currency/kWh; default 0. */
  readonly incentivePerKwh?: number;
}
