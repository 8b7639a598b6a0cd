/** Seed 000 eqs. 1, 3, 4 in µcoin; Table 2 and seed 004's battery. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  BOUMAIZA_BATTERY,
  checkBatterySpec,
  dailyCapitalRecoveryFactor,
  dailyInvestmentMicro,
  gridOnlyCostMicro,
  operatingCostMicro,
  SAINI_TABLE_2,
  sainiBattery,
} from '../../../src/energy/index.js';
import { assertThrowsCoded } from '../../helpers/assertions.js';

describe('eq. 1: grid-only cost G_j = Σ α_t d_t', () => {
  it('sums Wh × µcoin/kWh exactly and rounds once', () => {
    // 1 kWh at 3.00 + 0.5 kWh at 2.00 + 1 Wh at 0.0015 = 4.0000015 → 4.000002 (half away from zero).
    assert.equal(gridOnlyCostMicro([1_000, 500, 1], [3_000_000n, 2_000_000n, 1_500n]), 4_000_002n);
    // Rounding per slot would give 1 + 1 = 2 µcoin; once, 2.8 → 3.
    assert.equal(gridOnlyCostMicro(new Int32Array([1, 1]), [1_400n, 1_400n]), 3n);
    assert.equal(gridOnlyCostMicro([], []), 0n);
  });

  it('rejects mismatched lengths and fractional Wh', () => {
    assertThrowsCoded(() => gridOnlyCostMicro([1, 2], [1n]), 'INVALID_ARGUMENT', 'importMicroPerKwh');
    assertThrowsCoded(() => gridOnlyCostMicro([1.5], [1n]), 'INVALID_ARGUMENT', 'loadWh');
  });
});

describe('eq. 3: daily investment I_j = r / (365 (1 − (1 + r)^−y)) (c^P P + c^E E)', () => {
  it('matches the hand-computed annuity for r = 8 %, y = 10 years (Table 2 costs, 10 kWh / 5 kW)', () => {
    // (1.08)^10 = 2.158925; 1 − 1/2.158925 = 0.5368065; 0.08 / 0.5368065 = 0.1490295 per year;
    // / 365 = 4.082999690e−4 per day. Capital: 6,000 × 5 + 18,000 × 10 = 210,000 Rs → 85.742993 Rs/day.
    assert.ok(Math.abs(dailyCapitalRecoveryFactor(0.08, 10) - 4.08299969e-4) < 1e-12);
    const investment = dailyInvestmentMicro({
      interestRate: 0.08,
      lifetimeYears: 10,
      powerCapacityKw: 5,
      energyCapacityKwh: 10,
      costPerKw: SAINI_TABLE_2.costPerKw,
      costPerKwh: SAINI_TABLE_2.costPerKwh,
    });
    assert.equal(investment, 85_742_993n);
  });

  it('uses the limit 1 / (365 y) at r = 0 and rejects a zero lifetime', () => {
    const input = {
      interestRate: 0,
      lifetimeYears: 10,
      powerCapacityKw: 5,
      energyCapacityKwh: 10,
      costPerKw: 6_000,
      costPerKwh: 18_000,
    };
    assert.equal(dailyInvestmentMicro(input), 57_534_247n); // 210,000 / 3,650 = 57.5342466
    assertThrowsCoded(() => dailyInvestmentMicro({ ...input, lifetimeYears: 0 }), 'INVALID_ARGUMENT', 'lifetimeYears');
    assertThrowsCoded(() => dailyInvestmentMicro({ ...input, interestRate: -0.1 }), 'INVALID_ARGUMENT', 'interestRate');
  });
});

describe('eq. 4: operating cost O_j = Σ α_t (x)^+ + β_t (x)^−', () => {
  const importMicro = [3_000_000n, 3_000_000n, 4_000_000n];
  const exportMicro = [1_000_000n, 1_000_000n, 2_000_000n];

  it('charges imports at α_t and credits exports at β_t (negative)', () => {
    assert.equal(operatingCostMicro([1_000, 0, 0], importMicro, exportMicro), 3_000_000n);
    assert.equal(operatingCostMicro([0, -2_000, 0], importMicro, exportMicro), -2_000_000n);
    assert.equal(operatingCostMicro([1_000, -2_000, -500], importMicro, exportMicro), 0n);
    assert.equal(operatingCostMicro([-1, -1, 0], [1n, 1n, 1n], [1_500n, 1_400n, 0n]), -3n); // −2.9 → −3
  });

  it('rejects price arrays of another length', () => {
    assertThrowsCoded(() => operatingCostMicro([1], importMicro, exportMicro), 'INVALID_ARGUMENT', 'importMicroPerKwh');
  });
});

describe('seed data', () => {
  it("Table 2 and seed 004's battery are valid specs", () => {
    assert.equal(SAINI_TABLE_2.chargeEfficiency, 0.96);
    assert.equal(SAINI_TABLE_2.socMin, 0.2);
    assert.equal(SAINI_TABLE_2.socMax, 0.8);
    checkBatterySpec(sainiBattery(10, 5));
    checkBatterySpec(BOUMAIZA_BATTERY);
    assert.equal(BOUMAIZA_BATTERY.chargeEfficiency, 0.98);
    assert.equal(BOUMAIZA_BATTERY.dischargeEfficiency, 0.9999);
  });
});
