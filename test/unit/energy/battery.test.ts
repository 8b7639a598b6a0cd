/** Seed 000 eqs. 5–8: the battery's power limits, SoC window and state-of-energy update, in integer Wh. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  type BatterySpec,
  BOUMAIZA_BATTERY,
  batteryLimits,
  chargeBattery,
  checkBatterySpec,
  dischargeBattery,
  initialSocWh,
  sainiBattery,
} from '../../../src/energy/index.js';
import { runs } from '../../helpers/arbitraries.js';
import { assertThrowsCoded } from '../../helpers/assertions.js';

/** Seed 000 Table 2 (η 0.96, SOC 20–80 %) on a 10 kWh, 5 kW battery. */
const SAINI_10 = sainiBattery(10, 5);

describe('batteryLimits and initialSocWh', () => {
  it('turns the spec into integer Wh and W (eq. 7 window)', () => {
    assert.deepEqual(batteryLimits(SAINI_10), {
      capacityWh: 10_000,
      minWh: 2_000,
      maxWh: 8_000,
      maxChargeW: 5_000,
      maxDischargeW: 5_000,
    });
    assert.equal(initialSocWh(SAINI_10), 2_000);
    assert.equal(initialSocWh(sainiBattery(10, 5, 0.5)), 5_000);
  });

  it("seed 004's battery: 5 kWh, 2.5 kW, whole capacity usable", () => {
    assert.deepEqual(batteryLimits(BOUMAIZA_BATTERY), {
      capacityWh: 5_000,
      minWh: 0,
      maxWh: 5_000,
      maxChargeW: 2_500,
      maxDischargeW: 2_500,
    });
    assert.equal(initialSocWh(BOUMAIZA_BATTERY), 0);
  });

  it('rejects specs out of range, naming the field', () => {
    assertThrowsCoded(
      () => checkBatterySpec({ ...SAINI_10, chargeEfficiency: 0 }),
      'INVALID_ARGUMENT',
      'chargeEfficiency',
    );
    assertThrowsCoded(
      () => checkBatterySpec({ ...SAINI_10, dischargeEfficiency: 1.01 }),
      'INVALID_ARGUMENT',
      'dischargeEfficiency',
    );
    assertThrowsCoded(() => checkBatterySpec({ ...SAINI_10, socMax: 0.1 }), 'INVALID_ARGUMENT', 'socMax');
    assertThrowsCoded(() => checkBatterySpec({ ...SAINI_10, socInitial: 0.9 }), 'INVALID_ARGUMENT', 'socInitial');
    assertThrowsCoded(() => checkBatterySpec({ ...SAINI_10, capacityKwh: 0 }), 'INVALID_ARGUMENT', 'capacityKwh');
    assertThrowsCoded(() => batteryLimits({ ...SAINI_10, maxChargeKw: -1 }), 'INVALID_ARGUMENT', 'maxChargeKw');
  });

  it('rejects a state of charge outside the window', () => {
    assertThrowsCoded(() => chargeBattery(SAINI_10, 1_999, 100, 1), 'INVALID_ARGUMENT', 'socWh');
    assertThrowsCoded(() => dischargeBattery(SAINI_10, 8_001, 100, 1), 'INVALID_ARGUMENT', 'socWh');
    assertThrowsCoded(() => chargeBattery(SAINI_10, 2_000, -1, 1), 'INVALID_ARGUMENT', 'offeredWh');
    assertThrowsCoded(() => dischargeBattery(SAINI_10, 2_000, 1, 0), 'INVALID_ARGUMENT', 'slotHours');
  });
});

describe('eq. 8 step by step (10 kWh, 5 kW, η^C = η^D = 0.96, SOC 20–80 %, hourly slots)', () => {
  it('charges, fills, discharges and empties with hand-computed values', () => {
    // E = 2.000 kWh (SOC^min). Offer 2 kWh: all accepted (≤ 5 kWh per hour), stored 0.96 × 2 = 1.92 kWh.
    let step = chargeBattery(SAINI_10, 2_000, 2_000, 1);
    assert.deepEqual(step, { acceptedWh: 2_000, storedWh: 1_920, socWh: 3_920 });
    // Offer 6 kWh: the power limit allows 5 kWh, the room 8.000 − 3.920 = 4.080 kWh allows 4.080 / 0.96 = 4.25 kWh.
    step = chargeBattery(SAINI_10, step.socWh, 6_000, 1);
    assert.deepEqual(step, { acceptedWh: 4_250, storedWh: 4_080, socWh: 8_000 });
    // Full (SOC^max): nothing more is taken.
    assert.deepEqual(chargeBattery(SAINI_10, 8_000, 1_000, 1), { acceptedWh: 0, storedWh: 0, socWh: 8_000 });
    // Ask 3 kWh: delivered 3 kWh, drawn 3 / 0.96 = 3.125 kWh.
    let out = dischargeBattery(SAINI_10, 8_000, 3_000, 1);
    assert.deepEqual(out, { deliveredWh: 3_000, drawnWh: 3_125, socWh: 4_875 });
    // Ask 5 kWh: 4.875 − 2.000 = 2.875 kWh above SOC^min deliver 2.875 × 0.96 = 2.76 kWh.
    out = dischargeBattery(SAINI_10, out.socWh, 5_000, 1);
    assert.deepEqual(out, { deliveredWh: 2_760, drawnWh: 2_875, socWh: 2_000 });
    // Empty (SOC^min): nothing more.
    assert.deepEqual(dischargeBattery(SAINI_10, 2_000, 1_000, 1), { deliveredWh: 0, drawnWh: 0, socWh: 2_000 });
  });

  it('limits power per slot length (eqs. 5–6): 5 kW for 15 minutes is 1.25 kWh', () => {
    assert.equal(chargeBattery(SAINI_10, 2_000, 3_000, 0.25).acceptedWh, 1_250);
    assert.equal(dischargeBattery(SAINI_10, 8_000, 3_000, 0.25).deliveredWh, 1_250);
  });

  it('rounds against the battery: stored is floored, drawn is ceiled', () => {
    // 0.96 × 1001 = 960.96 → 960 stored; 1001 / 0.96 = 1042.7 → 1043 drawn.
    assert.deepEqual(chargeBattery(SAINI_10, 2_000, 1_001, 1), { acceptedWh: 1_001, storedWh: 960, socWh: 2_960 });
    assert.deepEqual(dischargeBattery(SAINI_10, 5_000, 1_001, 1), { deliveredWh: 1_001, drawnWh: 1_043, socWh: 3_957 });
  });

  it("seed 004's battery: 98 % in, 99.99 % out", () => {
    assert.deepEqual(chargeBattery(BOUMAIZA_BATTERY, 0, 2_000, 1), {
      acceptedWh: 2_000,
      storedWh: 1_960,
      socWh: 1_960,
    });
    assert.deepEqual(chargeBattery(BOUMAIZA_BATTERY, 1_960, 9_000, 1), {
      acceptedWh: 2_500,
      storedWh: 2_450,
      socWh: 4_410,
    });
    // 1 kWh out draws 1000 / 0.9999 = 1000.1 → 1001 Wh.
    assert.deepEqual(dischargeBattery(BOUMAIZA_BATTERY, 4_410, 1_000, 1), {
      deliveredWh: 1_000,
      drawnWh: 1_001,
      socWh: 3_409,
    });
  });
});

describe('properties', () => {
  const spec: fc.Arbitrary<BatterySpec> = fc
    .record({
      capacityKwh: fc.double({ min: 0.5, max: 50, noNaN: true }),
      maxChargeKw: fc.double({ min: 0, max: 20, noNaN: true }),
      maxDischargeKw: fc.double({ min: 0, max: 20, noNaN: true }),
      chargeEfficiency: fc.double({ min: 0.5, max: 1, noNaN: true }),
      dischargeEfficiency: fc.double({ min: 0.5, max: 1, noNaN: true }),
      socMin: fc.double({ min: 0, max: 0.5, noNaN: true }),
      socSpan: fc.double({ min: 0, max: 0.5, noNaN: true }),
    })
    .map(({ socSpan, ...rest }) => ({ ...rest, socMax: rest.socMin + socSpan }));
  const steps = fc.array(
    fc.record({
      charge: fc.boolean(),
      energyWh: fc.oneof(fc.integer({ min: 0, max: 20_000 }), fc.double({ min: 0, max: 20_000, noNaN: true })),
      slotHours: fc.constantFrom(0.25, 0.5, 1, 2),
    }),
    { maxLength: 60 },
  );

  it('SoC stays within [min, max], flows within limits, and energy is never created', () => {
    fc.assert(
      fc.property(spec, steps, (battery, sequence) => {
        const limits = batteryLimits(battery);
        const startWh = initialSocWh(battery);
        let socWh = startWh;
        let inWh = 0;
        let outWh = 0;
        for (const step of sequence) {
          if (step.charge) {
            const result = chargeBattery(battery, socWh, step.energyWh, step.slotHours);
            assert.ok(result.acceptedWh <= step.energyWh + 1e-6);
            assert.ok(result.acceptedWh <= limits.maxChargeW * step.slotHours + 1e-6);
            assert.equal(result.socWh - socWh, result.storedWh);
            inWh += result.acceptedWh * battery.chargeEfficiency;
            socWh = result.socWh;
          } else {
            const result = dischargeBattery(battery, socWh, step.energyWh, step.slotHours);
            assert.ok(result.deliveredWh <= step.energyWh + 1e-6);
            assert.ok(result.deliveredWh <= limits.maxDischargeW * step.slotHours + 1e-6);
            assert.equal(socWh - result.socWh, result.drawnWh);
            outWh += result.deliveredWh / battery.dischargeEfficiency;
            socWh = result.socWh;
          }
          assert.ok(Number.isSafeInteger(socWh));
          assert.ok(
            socWh >= limits.minWh && socWh <= limits.maxWh,
            `${socWh} outside [${limits.minWh}, ${limits.maxWh}]`,
          );
        }
        // Eq. 8 summed: ΔE = Σ η^C·accepted − Σ delivered/η^D, less what rounding lost (< 1 Wh per step, never a gain).
        const lossWh = inWh - outWh - (socWh - startWh);
        assert.ok(lossWh > -1e-6, `rounding created ${-lossWh} Wh`);
        assert.ok(lossWh < sequence.length + 1e-6, `rounding lost ${lossWh} Wh over ${sequence.length} steps`);
      }),
      runs(300),
    );
  });
});
