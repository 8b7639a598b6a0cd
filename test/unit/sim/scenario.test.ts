import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isGridPeerError } from '../../../src/errors/index.js';
import { resolveCommunity } from '../../../src/sim/community.js';
import { listScenarios, loadScenario, parseScenario, scenarioToJSON } from '../../../src/sim/scenario.js';
import type { Scenario } from '../../../src/sim/types.js';

const SHIPPED = [
  'boumaiza2023-623',
  'boumaiza2023-s1',
  'boumaiza2023-s2',
  'boumaiza2023-s3',
  'citylearn-17',
  'saini2023',
];

/** A small valid scenario to break one field at a time. */
function base(): Record<string, unknown> {
  return {
    format: 'gridpeer-scenario/1',
    name: 'tiny',
    description: 'two homes',
    currency: 'Rs',
    start: '2017-05-11T00:00:00Z',
    slotMinutes: 60,
    slots: 24,
    seed: 1,
    mechanism: 'fixed-price',
    strategy: 'rule-based',
    tariff: { kind: 'flat', importPerKwh: 3, exportPerKwh: 1 },
    homes: [
      {
        id: 'P1',
        role: 'prosumer',
        load: { kind: 'load-shape', dailyKwh: 5 },
        pv: { kind: 'pv-model', capacityKw: 2, latitudeDeg: 19, longitudeDeg: 73 },
        battery: {
          capacityKwh: 5,
          maxChargeKw: 2,
          maxDischargeKw: 2,
          chargeEfficiency: 0.96,
          dischargeEfficiency: 0.96,
          socMin: 0.2,
          socMax: 0.8,
        },
      },
      { id: 'C1', role: 'consumer', load: { kind: 'values', kwhPerSlot: new Array(24).fill(0.5) } },
    ],
  };
}

type Json = Record<string, unknown>;
const home = (s: Json, i: number): Json => (s['homes'] as Json[])[i]!;

function failsWith(fn: () => unknown, code: string, field: string | RegExp, message?: RegExp): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(isGridPeerError(error), `not a GridPeerError: ${String(error)}`);
    assert.equal(error.code, code, error.message);
    const actual = String(error.details['field'] ?? error.details['path']);
    if (typeof field === 'string') assert.equal(actual, field, error.message);
    else assert.match(actual, field, error.message);
    if (message) assert.match(error.message, message);
    return true;
  });
}

describe('sim/scenario', () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'gridpeer-scenario-'));
    writeFileSync(join(dir, 'data.csv'), 'load,pv\n1,0\n1,x\n');
    writeFileSync(join(dir, 'broken.json'), '{"format": "gridpeer-scenario/1",');
    writeFileSync(join(dir, 'tiny.json'), JSON.stringify(base()));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('lists and parses every shipped scenario, each with a description and a reference', () => {
    assert.deepEqual(listScenarios(), SHIPPED);
    for (const name of SHIPPED) {
      const scenario = loadScenario(name);
      assert.equal(scenario.name, name);
      assert.ok(scenario.description.length > 100, name);
      assert.ok((scenario.reference ?? '').length > 10, name);
    }
  });

  it('accepts the small scenario and returns a copy that round-trips through JSON', () => {
    const input = base();
    const scenario = parseScenario(input);
    assert.notEqual(scenario, input);
    assert.deepEqual(parseScenario(JSON.parse(scenarioToJSON(scenario))), scenario);
    assert.deepEqual(loadScenario(join(dir, 'tiny.json')), scenario);
  });

  const cases: { name: string; edit: (s: Json) => void; field: string; rule?: RegExp }[] = [
    {
      name: 'unknown mechanism',
      edit: (s) => (s['mechanism'] = 'barter'),
      field: 'mechanism',
      rule: /one of: .*fixed-price/,
    },
    {
      name: 'socMin > socMax',
      edit: (s) => ((home(s, 0)['battery'] as Json)['socMin'] = 0.9),
      field: 'homes[0].battery.socMin',
      rule: /≤ socMax/,
    },
    {
      name: 'socMax outside [0, 1]',
      edit: (s) => ((home(s, 0)['battery'] as Json)['socMax'] = 1.5),
      field: 'homes[0].battery.socMax',
      rule: /must be a number in \[0, 1\]/,
    },
    {
      name: 'socInitial outside [socMin, socMax]',
      edit: (s) => ((home(s, 0)['battery'] as Json)['socInitial'] = 0.1),
      field: 'homes[0].battery.socInitial',
    },
    { name: 'duplicate home id', edit: (s) => (home(s, 1)['id'] = 'P1'), field: 'homes[1].id', rule: /unique/ },
    { name: 'bad home id', edit: (s) => (home(s, 1)['id'] = 'C 1'), field: 'homes[1].id' },
    { name: 'slotMinutes 7', edit: (s) => (s['slotMinutes'] = 7), field: 'slotMinutes', rule: /divide 1440/ },
    { name: 'slotMinutes 4', edit: (s) => (s['slotMinutes'] = 4), field: 'slotMinutes' },
    { name: 'too many slots', edit: (s) => (s['slots'] = 366 * 24 + 1), field: 'slots' },
    {
      name: 'negative dailyKwh',
      edit: (s) => ((home(s, 0)['load'] as Json)['dailyKwh'] = -1),
      field: 'homes[0].load.dailyKwh',
    },
    { name: 'start not UTC', edit: (s) => (s['start'] = '2017-05-11T00:00:00+05:30'), field: 'start' },
    { name: 'start not a date', edit: (s) => (s['start'] = '2017-02-30T00:00:00Z'), field: 'start' },
    { name: 'wrong format', edit: (s) => (s['format'] = 'gridpeer-scenario/2'), field: 'format' },
    {
      name: 'export above import',
      edit: (s) => (s['tariff'] = { kind: 'flat', importPerKwh: 1, exportPerKwh: 2 }),
      field: 'tariff.exportPerKwh',
    },
    {
      name: 'TOU bands with a gap',
      edit: (s) =>
        (s['tariff'] = {
          kind: 'tou',
          bands: [
            { fromHour: 0, toHour: 10, importPerKwh: 1 },
            { fromHour: 11, toHour: 24, importPerKwh: 2 },
          ],
          exportPerKwh: 0.5,
        }),
      field: 'tariff.bands',
      rule: /hour 10/,
    },
    {
      name: 'trading window hour 25',
      edit: (s) => (s['tradingWindow'] = { fromHour: 9, toHour: 25 }),
      field: 'tradingWindow.toHour',
    },
    { name: 'unknown field', edit: (s) => (s['mechanisms'] = 'sdr'), field: 'mechanisms', rule: /not a known field/ },
    { name: 'consumer with PV', edit: (s) => (home(s, 1)['pv'] = home(s, 0)['pv']), field: 'homes[1].pv' },
    {
      name: 'values of the wrong length',
      edit: (s) => ((home(s, 1)['load'] as Json)['kwhPerSlot'] = [1, 2]),
      field: 'homes[1].load.kwhPerSlot',
    },
    {
      name: 'a ../ data path',
      edit: (s) =>
        (home(s, 1)['load'] = { kind: 'csv', file: '../secret.csv', column: 'load', unit: 'kWh', rowMinutes: 60 }),
      field: 'homes[1].load.file',
      rule: /\.\./,
    },
    { name: 'no homes', edit: (s) => (s['homes'] = []), field: 'homes' },
  ];
  for (const c of cases) {
    it(`rejects ${c.name}, naming ${c.field}`, () => {
      const json = structuredClone(base());
      c.edit(json);
      failsWith(() => parseScenario(json, 'tiny'), 'INVALID_CONFIG', c.field, c.rule);
      assert.throws(
        () => parseScenario(json, 'tiny'),
        (e: Error) => e.message.startsWith(`tiny: ${c.field} `),
      );
    });
  }

  it('names the path and reason of data errors when resolving', () => {
    const withCsv = (column: string): Scenario => {
      const json = base();
      (json['homes'] as Json[])[1]!['load'] = { kind: 'csv', file: 'data.csv', column, unit: 'kWh', rowMinutes: 60 };
      json['slots'] = 2;
      (json['homes'] as Json[])[1]!['id'] = 'C1';
      return parseScenario(json);
    };
    // unknown CSV column
    failsWith(
      () => resolveCommunity(withCsv('demand'), { dataDir: dir }),
      'INVALID_ARGUMENT',
      /^homes\[1\]\.load/,
      /"demand"/,
    );
    // a non-numeric CSV cell: file, line 3, column
    failsWith(
      () => resolveCommunity(withCsv('pv'), { dataDir: dir }),
      'INVALID_ARGUMENT',
      /^homes\[1\]\.load/,
      /data\.csv.*line 3.*"pv"/,
    );
    // too few rows
    const long = { ...withCsv('load'), slots: 5 } as Scenario;
    failsWith(() => resolveCommunity(long, { dataDir: dir }), 'INVALID_ARGUMENT', 'homes[1].load.rows');
  });

  it('reports bad JSON and missing files with the path', () => {
    failsWith(() => loadScenario(join(dir, 'broken.json')), 'INVALID_JSON', join(dir, 'broken.json'));
    failsWith(() => loadScenario(join(dir, 'missing.json')), 'FILE_NOT_FOUND', join(dir, 'missing.json'));
    failsWith(() => loadScenario('no-such-scenario'), 'FILE_NOT_FOUND', /no-such-scenario\.json$/, /saini2023/);
    assert.equal(loadScenario('tiny', dir).name, 'tiny');
  });
});
