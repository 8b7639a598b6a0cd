/**
 * The energy layer's input types are structural copies of the scenario types in sim/types.ts (energy/ may not
 * import sim/): this file fails to compile when they drift apart.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type * as energy from '../../../src/energy/index.js';
import type * as sim from '../../../src/sim/types.js';

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

const checks: [
  Same<energy.PvModelSpec, Extract<sim.ProfileSource, { kind: 'pv-model' }>>,
  Same<energy.LoadShapeSpec, Extract<sim.ProfileSource, { kind: 'load-shape' }>>,
  Same<energy.BatterySpec, sim.BatterySpec>,
  Same<energy.TariffSpec, sim.TariffSpec>,
  Same<energy.DemandResponseSpec, NonNullable<sim.Scenario['demandResponse']>>,
  [Extract<sim.ProfileSource, { kind: 'csv' }>] extends [energy.RowSeriesSpec] ? true : false,
] = [true, true, true, true, true, true];

describe('energy input types', () => {
  it('match the scenario types', () => {
    assert.ok(checks.every(Boolean));
  });
});
