/** PV model: suncalc position, Haurwitz clear sky, plane-of-array transposition, energy per slot. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  clearSkyGhiWPerM2,
  type PvModelSpec,
  planeOfArrayFactor,
  pvProfileWh,
  sunPosition,
} from '../../../src/energy/index.js';
import { seededRandom } from '../../../src/units/random.js';
import { assertThrowsCoded } from '../../helpers/assertions.js';

const HOUR_MS = 3_600_000;
/** IIT Bombay, Mumbai (seed 000 §4.1 case study data), and the seed's day, 11 May 2017 (00:00 UTC). */
const MUMBAI = { latitudeDeg: 19.13, longitudeDeg: 72.91 };
const MAY_11_2017_MS = Date.UTC(2017, 4, 11);
const PV_5KW: PvModelSpec = { kind: 'pv-model', capacityKw: 5, ...MUMBAI };
const noRandom = () => 0.5;

describe('sunPosition', () => {
  it('at solar noon in Mumbai on 11 May 2017 the sun is 90 − |19.13 − 17.9| ≈ 88.8° high', () => {
    // Declination on 11 May ≈ 17.9°; the highest elevation of the day is 90 − |φ − δ|.
    let best = { elevationDeg: -90, atMs: 0 };
    for (let minute = 0; minute < 24 * 60; minute++) {
      const atMs = MAY_11_2017_MS + minute * 60_000;
      const { elevationDeg } = sunPosition(atMs, MUMBAI.latitudeDeg, MUMBAI.longitudeDeg);
      if (elevationDeg > best.elevationDeg) best = { elevationDeg, atMs };
    }
    assert.ok(Math.abs(best.elevationDeg - (90 - Math.abs(19.13 - 17.9))) < 1, `noon elevation ${best.elevationDeg}`);
    // Solar noon at 72.91°E: 12:00 − 4 h 51.6 min − equation of time (≈ 3.6 min in May) ≈ 07:04.8 UTC.
    const noonMinutesUtc = (best.atMs - MAY_11_2017_MS) / 60_000;
    assert.ok(Math.abs(noonMinutesUtc - (7 * 60 + 4.8)) < 5, `solar noon at minute ${noonMinutesUtc} UTC`);
  });

  it('azimuth is clockwise from north: east in the morning, west in the afternoon, below the horizon at night', () => {
    const morning = sunPosition(MAY_11_2017_MS + 2.5 * HOUR_MS, MUMBAI.latitudeDeg, MUMBAI.longitudeDeg);
    const afternoon = sunPosition(MAY_11_2017_MS + 11.5 * HOUR_MS, MUMBAI.latitudeDeg, MUMBAI.longitudeDeg);
    const night = sunPosition(MAY_11_2017_MS + 19 * HOUR_MS, MUMBAI.latitudeDeg, MUMBAI.longitudeDeg);
    assert.ok(morning.azimuthDeg > 45 && morning.azimuthDeg < 135, `morning azimuth ${morning.azimuthDeg}`);
    assert.ok(afternoon.azimuthDeg > 225 && afternoon.azimuthDeg < 315, `afternoon azimuth ${afternoon.azimuthDeg}`);
    assert.ok(night.elevationDeg < 0);
  });

  it('rejects a latitude out of range', () => {
    assertThrowsCoded(() => sunPosition(0, 91, 0), 'INVALID_ARGUMENT', 'latitudeDeg');
  });
});

describe('clearSkyGhiWPerM2 (Haurwitz)', () => {
  it('is 1098 sin h exp(−0.057 / sin h), 0 at and below the horizon', () => {
    assert.ok(Math.abs(clearSkyGhiWPerM2(90) - 1098 * Math.exp(-0.057)) < 1e-9); // 1037.2 W/m²
    assert.ok(Math.abs(clearSkyGhiWPerM2(30) - 549 * Math.exp(-0.114)) < 1e-9); // 489.9 W/m²
    assert.equal(clearSkyGhiWPerM2(0), 0);
    assert.equal(clearSkyGhiWPerM2(-10), 0);
  });
});

describe('planeOfArrayFactor', () => {
  it('is 1 for a horizontal panel while the sun is up, 0 at night', () => {
    assert.ok(Math.abs(planeOfArrayFactor({ elevationDeg: 40, azimuthDeg: 100 }, 0, 180) - 1) < 1e-12);
    assert.equal(planeOfArrayFactor({ elevationDeg: -1, azimuthDeg: 100 }, 30, 180), 0);
  });

  it('gains facing the sun and keeps only diffuse and ground light with the sun behind', () => {
    // Sun 30° high due south, panel tilted 60° facing south: incidence 0°, beam ratio 1 / sin 30° = 2.
    // 0.85 × 2 + 0.15 × (1 + cos 60°) / 2 + 0.2 × (1 − cos 60°) / 2 = 1.8625.
    const facing = planeOfArrayFactor({ elevationDeg: 30, azimuthDeg: 180 }, 60, 180);
    assert.ok(Math.abs(facing - 1.8625) < 1e-9, String(facing));
    // A vertical south wall with the sun in the north: 0.15 × 0.5 + 0.2 × 0.5 = 0.175.
    const behind = planeOfArrayFactor({ elevationDeg: 10, azimuthDeg: 0 }, 90, 180);
    assert.ok(Math.abs(behind - 0.175) < 1e-9, String(behind));
  });
});

describe('pvProfileWh', () => {
  it('is zero at night and positive by day (hourly slots, 11 May 2017 UTC)', () => {
    const wh = pvProfileWh(PV_5KW, MAY_11_2017_MS, HOUR_MS, 24, noRandom);
    // Sunrise ≈ 00:35 UTC, sunset ≈ 13:40 UTC in Mumbai in May.
    for (let hour = 14; hour < 24; hour++) assert.equal(wh[hour], 0, `hour ${hour}`);
    for (let hour = 2; hour <= 11; hour++) assert.ok(wh[hour]! > 1_000, `hour ${hour}: ${wh[hour]}`);
    // The peak slot is the one holding solar noon (07:05 UTC).
    assert.equal(wh.indexOf(Math.max(...wh)), 7);
  });

  it('a 5 kW clear-sky system at 19°N in May yields 20–40 kWh a day', () => {
    // Clear-sky horizontal insolation at 19°N in May is ≈ 7.5–8 kWh/m²/day (Haurwitz); × 5 kW per 1 kW/m² ×
    // performance ratio 0.8 ≈ 30–32 kWh. The bounds: 20 kWh is what measured rooftop systems in Mumbai give on a
    // hazy May day (about 4 peak-sun hours at PR 1); 40 kWh is 8 peak-sun hours at PR 1, which clear sky cannot
    // exceed on a horizontal panel.
    const wh = pvProfileWh(PV_5KW, MAY_11_2017_MS, HOUR_MS, 24, noRandom);
    const dailyKwh = wh.reduce((sum, value) => sum + value, 0) / 1000;
    assert.ok(dailyKwh > 20 && dailyKwh < 40, `${dailyKwh} kWh`);
  });

  it('does not depend on the slot length beyond rounding (sub-step integration)', () => {
    const hourly = pvProfileWh(PV_5KW, MAY_11_2017_MS, HOUR_MS, 24, noRandom).reduce((a, b) => a + b, 0);
    const quarter = pvProfileWh(PV_5KW, MAY_11_2017_MS, HOUR_MS / 4, 96, noRandom).reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(hourly - quarter) / hourly < 0.002, `${hourly} vs ${quarter}`);
  });

  it('clouds scale output; a seed gives the same profile; noise is drawn once per slot', () => {
    const clear = pvProfileWh(PV_5KW, MAY_11_2017_MS, HOUR_MS, 24, noRandom);
    const half = pvProfileWh({ ...PV_5KW, cloudFactor: 0.5 }, MAY_11_2017_MS, HOUR_MS, 24, noRandom);
    for (let hour = 0; hour < 24; hour++) assert.ok(Math.abs(half[hour]! - clear[hour]! / 2) <= 1);
    const overcast = pvProfileWh({ ...PV_5KW, cloudFactor: 1 }, MAY_11_2017_MS, HOUR_MS, 24, noRandom);
    assert.ok(overcast.every((value) => value === 0));
    const noisy = { ...PV_5KW, cloudFactor: 0.3, variability: 2 };
    const a = pvProfileWh(noisy, MAY_11_2017_MS, HOUR_MS, 48, seededRandom(7));
    const b = pvProfileWh(noisy, MAY_11_2017_MS, HOUR_MS, 48, seededRandom(7));
    assert.deepEqual(a, b);
    assert.ok(a.every((value) => value >= 0));
    let draws = 0;
    pvProfileWh(noisy, MAY_11_2017_MS, HOUR_MS, 48, () => {
      draws++;
      return 0.25;
    });
    assert.equal(draws, 48);
  });

  it('a panel tilted at the latitude facing south collects more than a horizontal one near the equinox', () => {
    const march20 = Date.UTC(2017, 2, 20);
    const flat = pvProfileWh(PV_5KW, march20, HOUR_MS, 24, noRandom).reduce((a, b) => a + b, 0);
    const tilted = pvProfileWh({ ...PV_5KW, tiltDeg: 19, azimuthDeg: 180 }, march20, HOUR_MS, 24, noRandom).reduce(
      (a, b) => a + b,
      0,
    );
    assert.ok(tilted > flat, `${tilted} vs ${flat}`);
  });

  it('rejects bad specs naming the field', () => {
    assertThrowsCoded(
      () => pvProfileWh({ ...PV_5KW, cloudFactor: 1.5 }, 0, HOUR_MS, 1, noRandom),
      'INVALID_ARGUMENT',
      'cloudFactor',
    );
    assertThrowsCoded(
      () => pvProfileWh({ ...PV_5KW, capacityKw: -1 }, 0, HOUR_MS, 1, noRandom),
      'INVALID_ARGUMENT',
      'capacityKw',
    );
    assertThrowsCoded(() => pvProfileWh(PV_5KW, 0, 0, 1, noRandom), 'INVALID_ARGUMENT', 'slotMs');
  });
});
