/**
 * @module sim/scenario
 * Scenario files (`scenarios/*.json`, format `gridpeer-scenario/1`; MISSION E1, E2, E4–E7): strict validation with
 * one error for the first problem, naming its JSON path (`homes[3].battery.socMax`) and the rule it breaks, and
 * loading by shipped name or by path. The types are those of `sim/types.ts`; a parsed scenario is plain JSON.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join as joinPath } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GridPeerError } from '../errors/index.js';
import { mechanismNames } from '../market/registry.js';
import type { AgentStrategy, BatterySpec, HomeSpec, ProfileSource, Scenario, TariffSpec } from './types.js';

export const SCENARIO_FORMAT = 'gridpeer-scenario/1';
export const STRATEGIES: readonly AgentStrategy[] = ['rule-based', 'price-taker', 'zi-c'];
/** Home ids: 1–64 characters of `[A-Za-z0-9_.-]`. */
export const HOME_ID = /^[A-Za-z0-9_.-]{1,64}$/;
const MAX_HOMES = 100_000;
const MINUTES_PER_DAY = 1440;

/** The repository's `scenarios/` folder (two levels above `src/sim/` and `dist/sim/`, like `defaultDataDir`). */
export function defaultScenarioDir(): string {
  return fileURLToPath(new URL('../../scenarios/', import.meta.url));
}

type Json = Readonly<Record<string, unknown>>;

/** Thrown inside the validator; turned into one GridPeerError naming the source. */
class Invalid {
  constructor(
    readonly path: string,
    readonly rule: string,
  ) {}
}

function fail(path: string, rule: string): never {
  throw new Invalid(path, rule);
}

function join(path: string, key: string | number): string {
  return typeof key === 'number' ? `${path}[${key}]` : path === '' ? key : `${path}.${key}`;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function object(value: unknown, path: string, known: readonly string[]): Json {
  if (!isObject(value)) fail(path || '(root)', 'must be an object');
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) fail(join(path, key), `is not a known field (known: ${known.join(', ')})`);
  }
  return value;
}

function present(o: Json, key: string): boolean {
  return o[key] !== undefined;
}

function string(o: Json, key: string, path: string, max = 10_000): string {
  const value = o[key];
  const at = join(path, key);
  if (typeof value !== 'string' || value.length === 0 || value.length > max) {
    fail(at, `must be a non-empty string of at most ${max} characters`);
  }
  return value;
}

function optionalString(o: Json, key: string, path: string, max = 10_000): void {
  if (present(o, key)) string(o, key, path, max);
}

function numberAt(value: unknown, at: string, min: number, max: number, opts: NumberRule = {}): number {
  const { integer = false, minOpen = false } = opts;
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (integer ? Number.isInteger(value) : true) &&
    (minOpen ? value > min : value >= min) &&
    value <= max;
  if (!ok) {
    const kind = integer ? 'an integer' : 'a number';
    const lo = minOpen ? `(${fmt(min)}` : `[${fmt(min)}`;
    fail(at, `must be ${kind} in ${lo}, ${fmt(max)}]`);
  }
  return value;
}

interface NumberRule {
  readonly integer?: boolean;
  /** Excludes the lower bound. */
  readonly minOpen?: boolean;
}

function fmt(n: number): string {
  return n === Number.MAX_VALUE ? '∞' : String(n);
}

const BIG = Number.MAX_VALUE;

function num(o: Json, key: string, path: string, min: number, max: number, opts?: NumberRule): number {
  return numberAt(o[key], join(path, key), min, max, opts);
}

function optionalNum(o: Json, key: string, path: string, min: number, max: number, opts?: NumberRule): number | null {
  return present(o, key) ? num(o, key, path, min, max, opts) : null;
}

function oneOf<T extends string>(o: Json, key: string, path: string, allowed: readonly T[]): T {
  const value = o[key];
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    fail(join(path, key), `must be one of: ${allowed.join(', ')}`);
  }
  return value as T;
}

function array(o: Json, key: string, path: string, minLength: number, maxLength: number): readonly unknown[] {
  const value = o[key];
  if (!Array.isArray(value) || value.length < minLength || value.length > maxLength) {
    const size = minLength === maxLength ? `exactly ${minLength}` : `${minLength} to ${maxLength}`;
    fail(join(path, key), `must be an array of ${size} items`);
  }
  return value;
}

function numberArray(o: Json, key: string, path: string, length: number, min: number, max: number): number[] {
  return array(o, key, path, length, length).map((v, i) => numberAt(v, join(join(path, key), i), min, max));
}

/** A path under `data/`: relative, forward slashes, no `..` (data.ts enforces the same when reading). */
function dataFile(o: Json, key: string, path: string): void {
  const file = string(o, key, path, 500);
  if (file.startsWith('/') || file.startsWith('\\') || /^[A-Za-z]:/.test(file) || file.includes('\0')) {
    fail(join(path, key), 'must be a path relative to the data folder');
  }
  if (file.split(/[\\/]/).some((part) => part === '..')) fail(join(path, key), 'must not contain ".."');
}

function checkStart(o: Json): number {
  const start = string(o, 'start', '', 64);
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?Z$/.exec(start);
  const rule = 'must be an ISO 8601 UTC time such as 2017-05-11T00:00:00Z';
  if (!m) fail('start', rule);
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map((part) => Number(part ?? 0)) as number[];
  const ms = Date.UTC(year!, month! - 1, day!, hour!, minute!, second!);
  const back = new Date(ms);
  if (
    !Number.isFinite(ms) ||
    back.getUTCFullYear() !== year ||
    back.getUTCMonth() !== month! - 1 ||
    back.getUTCDate() !== day ||
    hour! > 23 ||
    minute! > 59 ||
    second! > 59
  ) {
    fail('start', `${rule} (a real calendar date and time)`);
  }
  return Date.parse(start);
}

function checkProfile(value: unknown, path: string, slots: number): ProfileSource {
  if (!isObject(value)) fail(path, 'must be an object');
  const kind = oneOf(value, 'kind', path, ['csv', 'pv-model', 'load-shape', 'values'] as const);
  switch (kind) {
    case 'csv': {
      const o = object(value, path, ['kind', 'file', 'column', 'scale', 'unit', 'rowMinutes', 'startRow']);
      dataFile(o, 'file', path);
      string(o, 'column', path, 200);
      optionalNum(o, 'scale', path, 0, BIG);
      oneOf(o, 'unit', path, ['kWh', 'kW'] as const);
      num(o, 'rowMinutes', path, 1, MINUTES_PER_DAY, { integer: true });
      optionalNum(o, 'startRow', path, 0, Number.MAX_SAFE_INTEGER, { integer: true });
      break;
    }
    case 'pv-model': {
      const o = object(value, path, [
        'kind',
        'capacityKw',
        'latitudeDeg',
        'longitudeDeg',
        'tiltDeg',
        'azimuthDeg',
        'cloudFactor',
        'variability',
        'performanceRatio',
      ]);
      num(o, 'capacityKw', path, 0, 1_000_000);
      num(o, 'latitudeDeg', path, -90, 90);
      num(o, 'longitudeDeg', path, -180, 180);
      optionalNum(o, 'tiltDeg', path, 0, 90);
      optionalNum(o, 'azimuthDeg', path, -360, 360);
      optionalNum(o, 'cloudFactor', path, 0, 1);
      optionalNum(o, 'variability', path, 0, 1);
      optionalNum(o, 'performanceRatio', path, 0, 1, { minOpen: true });
      break;
    }
    case 'load-shape': {
      const o = object(value, path, ['kind', 'dailyKwh', 'hourlyWeights', 'variability']);
      num(o, 'dailyKwh', path, 0, 1_000_000);
      if (present(o, 'hourlyWeights')) {
        const weights = numberArray(o, 'hourlyWeights', path, 24, 0, BIG);
        if (!weights.some((w) => w > 0)) fail(join(path, 'hourlyWeights'), 'must have at least one positive weight');
      }
      optionalNum(o, 'variability', path, 0, 1);
      break;
    }
    case 'values': {
      const o = object(value, path, ['kind', 'kwhPerSlot']);
      const values = array(o, 'kwhPerSlot', path, 0, Number.MAX_SAFE_INTEGER);
      if (values.length !== slots) fail(join(path, 'kwhPerSlot'), `must have one value per slot (${slots})`);
      values.forEach((v, i) => {
        numberAt(v, join(join(path, 'kwhPerSlot'), i), 0, 1_000_000);
      });
      break;
    }
  }
  return value as unknown as ProfileSource;
}

function checkBattery(value: unknown, path: string): BatterySpec {
  const o = object(value, path, [
    'capacityKwh',
    'maxChargeKw',
    'maxDischargeKw',
    'chargeEfficiency',
    'dischargeEfficiency',
    'socMin',
    'socMax',
    'socInitial',
  ]);
  num(o, 'capacityKwh', path, 0, 1_000_000, { minOpen: true });
  num(o, 'maxChargeKw', path, 0, 1_000_000, { minOpen: true });
  num(o, 'maxDischargeKw', path, 0, 1_000_000, { minOpen: true });
  num(o, 'chargeEfficiency', path, 0, 1, { minOpen: true });
  num(o, 'dischargeEfficiency', path, 0, 1, { minOpen: true });
  const socMin = num(o, 'socMin', path, 0, 1);
  const socMax = num(o, 'socMax', path, 0, 1);
  if (socMin > socMax) fail(join(path, 'socMin'), `must be ≤ socMax (${socMin} > ${socMax})`);
  const socInitial = optionalNum(o, 'socInitial', path, 0, 1);
  if (socInitial !== null && (socInitial < socMin || socInitial > socMax)) {
    fail(join(path, 'socInitial'), `must be in [socMin, socMax] = [${socMin}, ${socMax}]`);
  }
  return o as unknown as BatterySpec;
}

function checkHome(value: unknown, path: string, slots: number): HomeSpec {
  const o = object(value, path, ['id', 'role', 'load', 'pv', 'battery', 'location', 'strategy', 'investment']);
  const id = o['id'];
  if (typeof id !== 'string' || !HOME_ID.test(id)) fail(join(path, 'id'), 'must be 1–64 characters of [A-Za-z0-9_.-]');
  const role = oneOf(o, 'role', path, ['prosumer', 'consumer'] as const);
  if (!present(o, 'load')) fail(join(path, 'load'), 'is required');
  checkProfile(o['load'], join(path, 'load'), slots);
  if (present(o, 'pv')) {
    if (role === 'consumer') fail(join(path, 'pv'), 'must be absent for a consumer (make the home a prosumer)');
    checkProfile(o['pv'], join(path, 'pv'), slots);
  }
  if (present(o, 'battery')) checkBattery(o['battery'], join(path, 'battery'));
  if (role === 'prosumer' && !present(o, 'pv') && !present(o, 'battery')) {
    fail(join(path, 'role'), 'prosumer needs pv or a battery (or make it a consumer)');
  }
  optionalString(o, 'location', path, 64);
  if (present(o, 'strategy')) oneOf(o, 'strategy', path, STRATEGIES);
  if (present(o, 'investment')) {
    const at = join(path, 'investment');
    const inv = object(o['investment'], at, ['pvCostPerKw', 'batteryCostPerKwh', 'batteryPowerCostPerKw']);
    optionalNum(inv, 'pvCostPerKw', at, 0, BIG);
    optionalNum(inv, 'batteryCostPerKwh', at, 0, BIG);
    optionalNum(inv, 'batteryPowerCostPerKw', at, 0, BIG);
  }
  return o as unknown as HomeSpec;
}

function checkTariff(value: unknown): TariffSpec {
  const path = 'tariff';
  if (!isObject(value)) fail(path, 'must be an object');
  const kind = oneOf(value, 'kind', path, ['flat', 'hourly', 'csv', 'tou'] as const);
  const exportRule = (at: string, exp: number, imp: number): void => {
    if (exp > imp) fail(at, `must not exceed the import price (${exp} > ${imp})`);
  };
  switch (kind) {
    case 'flat': {
      const o = object(value, path, ['kind', 'importPerKwh', 'exportPerKwh']);
      const imp = num(o, 'importPerKwh', path, 0, BIG);
      exportRule('tariff.exportPerKwh', num(o, 'exportPerKwh', path, 0, BIG), imp);
      break;
    }
    case 'hourly': {
      const o = object(value, path, ['kind', 'importPerKwh', 'exportPerKwh']);
      const imp = numberArray(o, 'importPerKwh', path, 24, 0, BIG);
      if (Array.isArray(o['exportPerKwh'])) {
        const exp = numberArray(o, 'exportPerKwh', path, 24, 0, BIG);
        exp.forEach((e, h) => {
          exportRule(`tariff.exportPerKwh[${h}]`, e, imp[h]!);
        });
      } else {
        exportRule('tariff.exportPerKwh', num(o, 'exportPerKwh', path, 0, BIG), Math.min(...imp));
      }
      break;
    }
    case 'csv': {
      const o = object(value, path, [
        'kind',
        'file',
        'column',
        'rowMinutes',
        'scale',
        'startRow',
        'exportPerKwh',
        'exportRatio',
      ]);
      dataFile(o, 'file', path);
      string(o, 'column', path, 200);
      num(o, 'rowMinutes', path, 1, MINUTES_PER_DAY, { integer: true });
      optionalNum(o, 'scale', path, 0, BIG);
      optionalNum(o, 'startRow', path, 0, Number.MAX_SAFE_INTEGER, { integer: true });
      const hasPrice = present(o, 'exportPerKwh');
      const hasRatio = present(o, 'exportRatio');
      if (hasPrice === hasRatio) fail('tariff.exportPerKwh', 'set exactly one of exportPerKwh and exportRatio');
      optionalNum(o, 'exportPerKwh', path, 0, BIG);
      optionalNum(o, 'exportRatio', path, 0, 1);
      break;
    }
    case 'tou': {
      const o = object(value, path, ['kind', 'bands', 'exportPerKwh']);
      const bands = array(o, 'bands', path, 1, 24);
      const owner: (number | undefined)[] = new Array(24).fill(undefined);
      let lowest = Number.POSITIVE_INFINITY;
      bands.forEach((band, i) => {
        const at = join('tariff.bands', i);
        const b = object(band, at, ['fromHour', 'toHour', 'importPerKwh']);
        const from = num(b, 'fromHour', at, 0, 23, { integer: true });
        const to = num(b, 'toHour', at, 1, 24, { integer: true });
        if (to === from)
          fail(join(at, 'toHour'), 'must differ from fromHour (a band with toHour < fromHour wraps midnight)');
        lowest = Math.min(lowest, num(b, 'importPerKwh', at, 0, BIG));
        for (let h = from; h !== to; h = (h + 1) % 24) {
          const other = owner[h];
          if (other !== undefined) fail(at, `overlaps tariff.bands[${other}] at hour ${h}`);
          owner[h] = i;
          if (h === 23 && to === 24) break;
        }
      });
      const gap = owner.indexOf(undefined);
      if (gap >= 0) fail('tariff.bands', `must cover every hour of the day (hour ${gap} has no band)`);
      exportRule('tariff.exportPerKwh', num(o, 'exportPerKwh', path, 0, BIG), lowest);
      break;
    }
  }
  return value as unknown as TariffSpec;
}

const SCENARIO_FIELDS = [
  'format',
  'name',
  'description',
  'reference',
  'currency',
  'start',
  'slotMinutes',
  'slots',
  'seed',
  'mechanism',
  'params',
  'strategy',
  'tariff',
  'carbonPricePerKwh',
  'demandResponse',
  'tradingWindow',
  'minSurplusKw',
  'economics',
  'published',
  'homes',
] as const;

function check(json: unknown): Scenario {
  const o = object(json, '', SCENARIO_FIELDS);
  if (o['format'] !== SCENARIO_FORMAT) fail('format', `must be "${SCENARIO_FORMAT}"`);
  string(o, 'name', '', 100);
  string(o, 'description', '');
  optionalString(o, 'reference', '');
  string(o, 'currency', '', 16);
  checkStart(o);
  const slotMinutes = num(o, 'slotMinutes', '', 5, MINUTES_PER_DAY, { integer: true });
  if (MINUTES_PER_DAY % slotMinutes !== 0) fail('slotMinutes', 'must divide 1440 (a day) and be ≥ 5');
  const slots = num(o, 'slots', '', 1, (366 * MINUTES_PER_DAY) / slotMinutes, { integer: true });
  num(o, 'seed', '', 0, 0xffff_ffff, { integer: true });
  const names = mechanismNames();
  if (typeof o['mechanism'] !== 'string' || !names.includes(o['mechanism'])) {
    fail('mechanism', `must be one of: ${names.join(', ')}`);
  }
  if (present(o, 'params') && !isObject(o['params'])) fail('params', 'must be an object');
  oneOf(o, 'strategy', '', STRATEGIES);
  if (!present(o, 'tariff')) fail('tariff', 'is required');
  checkTariff(o['tariff']);
  optionalNum(o, 'carbonPricePerKwh', '', 0, BIG);
  if (present(o, 'demandResponse')) {
    const dr = object(o['demandResponse'], 'demandResponse', ['flexibleShare', 'elasticity', 'incentivePerKwh']);
    num(dr, 'flexibleShare', 'demandResponse', 0, 1);
    num(dr, 'elasticity', 'demandResponse', -100, 100);
    optionalNum(dr, 'incentivePerKwh', 'demandResponse', 0, BIG);
  }
  if (present(o, 'tradingWindow')) {
    const tw = object(o['tradingWindow'], 'tradingWindow', ['fromHour', 'toHour']);
    num(tw, 'fromHour', 'tradingWindow', 0, 24, { integer: true });
    num(tw, 'toHour', 'tradingWindow', 0, 24, { integer: true });
  }
  optionalNum(o, 'minSurplusKw', '', 0, BIG);
  if (present(o, 'economics')) {
    const ec = object(o['economics'], 'economics', ['interestRate', 'lifetimeYears']);
    num(ec, 'interestRate', 'economics', 0, 1);
    num(ec, 'lifetimeYears', 'economics', 0, 100, { minOpen: true });
  }
  if (present(o, 'published') && !isObject(o['published'])) fail('published', 'must be an object');
  const homes = array(o, 'homes', '', 1, MAX_HOMES);
  const seen = new Map<string, number>();
  homes.forEach((home, i) => {
    const spec = checkHome(home, join('homes', i), slots);
    const first = seen.get(spec.id);
    if (first !== undefined)
      fail(join(join('homes', i), 'id'), `must be unique ("${spec.id}" is also homes[${first}])`);
    seen.set(spec.id, i);
  });
  return o as unknown as Scenario;
}

/**
 * Validates a parsed JSON value as a scenario and returns a deep copy typed as {@link Scenario}. The first problem
 * fails, naming its path and rule: `saini2023: homes[3].battery.socMax must be a number in [0, 1]`.
 *
 * @throws GridPeerError INVALID_CONFIG with `details.field` (the JSON path), `details.rule` and `details.source`.
 */
export function parseScenario(json: unknown, source = 'scenario'): Scenario {
  try {
    check(json);
  } catch (error) {
    if (error instanceof Invalid) {
      throw new GridPeerError('INVALID_CONFIG', `${source}: ${error.path} ${error.rule}`, {
        field: error.path,
        rule: error.rule,
        source,
      });
    }
    throw error;
  }
  return structuredClone(json) as Scenario;
}

/** The scenario as JSON text (two-space indentation, trailing newline); `parseScenario(JSON.parse(·))` gives it back. */
export function scenarioToJSON(scenario: Scenario): string {
  return `${JSON.stringify(scenario, null, 2)}\n`;
}

const BARE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

/** Whether `nameOrPath` is the name of a shipped scenario rather than a path (no slash, no `.json`). */
export function isScenarioName(nameOrPath: string): boolean {
  return BARE_NAME.test(nameOrPath) && !nameOrPath.endsWith('.json');
}

/** Names of the scenarios shipped in `scenarios/` (file names without `.json`), sorted. */
export function listScenarios(dir = defaultScenarioDir()): string[] {
  try {
    return readdirSync(dir)
      .filter((file) => file.endsWith('.json'))
      .map((file) => file.slice(0, -'.json'.length))
      .sort();
  } catch {
    return [];
  }
}

/**
 * Loads a scenario: a bare name (`saini2023`) reads `scenarios/<name>.json` of the repository, anything else is a
 * path (relative to the working directory).
 *
 * @throws GridPeerError FILE_NOT_FOUND (`details.path`), INVALID_JSON (`details.path`, `details.reason`), or
 *   INVALID_CONFIG from {@link parseScenario}.
 */
export function loadScenario(nameOrPath: string, scenarioDir = defaultScenarioDir()): Scenario {
  const byName = isScenarioName(nameOrPath);
  const path = byName ? joinPath(scenarioDir, `${nameOrPath}.json`) : nameOrPath;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    const known = byName ? ` (shipped scenarios: ${listScenarios(scenarioDir).join(', ') || 'none'})` : '';
    throw new GridPeerError('FILE_NOT_FOUND', `scenario "${nameOrPath}" not found at ${path}${known}`, {
      path,
      scenario: nameOrPath,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new GridPeerError('INVALID_JSON', `scenario file ${path} is not valid JSON: ${reason}`, { path, reason });
  }
  return parseScenario(json, byName ? nameOrPath : path);
}
