/**
 * @module sim/reports/published
 * Sets a run beside the figures a paper published (`scenario.published`, free-form). The reader is liberal: it
 * looks anywhere in `published` for per-home records: an object keyed by home id, an array of rows with a
 * `home`/`user`/`id` field, or a table `{columns: [...], rows: {<home>: [...]}}` (or `rows: [[...], ...]` with
 * such a field among the columns); home ids are matched without case and punctuation (`P1` = `p-1`); null cells
 * (a paper's "–") are skipped. Inside a record:
 *
 * - a cost of seed 000 Table 7 under one of these keys (case and punctuation ignored), in currency units per run:
 *   `scenario1` / `scenario1GridCost` / `gridOnly` (eq. 1), `investment` (eq. 3), `gridCost` /
 *   `costOfEnergyFromGrid` (scenario 2 grid purchases), `peerCost` / `costFromPeers`, `operating` /
 *   `operatingCost` (eq. 4 with the peers), `net` / `netCost` / `netElectricityCost`; a `scenario2` prefix is
 *   ignored (`scenario2NetCost` = `net`);
 * - another home's id with a number: the kWh this home sold to that one (seed 000 Table 6).
 *
 * Every other number (or list of numbers, or table of rows) is listed as published but not compared. Nothing is guessed: a key it does not know is
 * never matched to a simulated value.
 *
 * @example
 * "published": {
 *   "source": "seed 000 Table 7 (Rs/day), Table 6 (kWh)",
 *   "table7": { "columns": ["scenario1GridCost", "scenario2Investment", "scenario2NetCost"],
 *               "rows": { "P1": [10.537, 9.45, -20.015], "C1": [14.881, null, 13.69] } },
 *   "table6": { "columns": ["C1", "C2", "C3"], "rows": { "P1": [3.906, 2.721, 10.051] } }
 * }
 */
import type { RunResult } from '../types.js';
import { microToDecimal } from './format.js';
import { type HomeCost, pairTotals } from './tables.js';

export type PublishedMetric = 'scenario1' | 'investment' | 'gridCost' | 'peerCost' | 'operating' | 'net' | 'pairKwh';

export const METRIC_LABELS: Readonly<Record<PublishedMetric, string>> = {
  scenario1: 'scenario 1 grid-only cost (eq. 1)',
  investment: 'investment (eq. 3)',
  gridCost: 'energy bought from the grid',
  peerCost: 'energy bought from peers',
  operating: 'operating cost/revenue (eq. 4)',
  net: 'net cost',
  pairKwh: 'energy sold (kWh)',
};

const ALIASES: Readonly<Record<string, Exclude<PublishedMetric, 'pairKwh'>>> = {
  scenario1: 'scenario1',
  scenario1cost: 'scenario1',
  scenario1gridcost: 'scenario1',
  gridonly: 'scenario1',
  gridonlycost: 'scenario1',
  investment: 'investment',
  investmentcost: 'investment',
  gridcost: 'gridCost',
  grid: 'gridCost',
  costofenergyfromgrid: 'gridCost',
  costofenergybuyfromgrid: 'gridCost',
  peercost: 'peerCost',
  peers: 'peerCost',
  costfrompeers: 'peerCost',
  costofenergyfrompeers: 'peerCost',
  costofenergybuyfrompeers: 'peerCost',
  operating: 'operating',
  operatingcost: 'operating',
  net: 'net',
  netcost: 'net',
  netelectricitycost: 'net',
};

const ROW_ID_KEYS = new Set(['home', 'user', 'id', 'name', 'participant']);

const normalize = (key: string) => key.toLowerCase().replace(/[^a-z0-9]/g, '');
/** A metric key: normalized, without a `scenario2` prefix (scenario 2 is the run). */
const metricOf = (key: string) => {
  const k = normalize(key);
  return ALIASES[k.startsWith('scenario2') ? k.slice('scenario2'.length) : k];
};

export interface PublishedRow {
  readonly home: string;
  /** The buyer for `pairKwh`. */
  readonly counterpart?: string;
  readonly metric: PublishedMetric;
  /** Where it was found in `published`, e.g. `costs.P1.net`. */
  readonly path: string;
  readonly published: number;
  readonly simulated: number;
  /** (simulated − published) / |published| × 100; null when published is 0. */
  readonly differencePercent: number | null;
}

export interface PublishedComparison {
  readonly source: string | null;
  readonly rows: readonly PublishedRow[];
  /** What `published` holds that was not compared, with its path: a number, or a short description. */
  readonly notCompared: readonly { readonly path: string; readonly value: string }[];
  /** Most decimals any published number has (their rounding). */
  readonly maxDecimals: number;
}

const decimalsOf = (value: number) => {
  const text = String(value);
  if (text.includes('e')) return 0;
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : text.length - dot - 1;
};

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** Compares `run.scenario.published` with the run; null when the scenario publishes nothing. */
export function comparePublished(run: RunResult, costs: readonly HomeCost[]): PublishedComparison | null {
  const published = run.scenario.published;
  if (published === undefined || Object.keys(published).length === 0) return null;
  const homes = new Map(run.homeIds.map((id, h) => [normalize(id), h]));
  const pairs = new Map(pairTotals(run).map((p) => [`${p.seller}\u0000${p.buyer}`, p.energyWh]));
  const rows: PublishedRow[] = [];
  const notCompared: { path: string; value: string }[] = [];
  let maxDecimals = 0;

  const push = (h: number, metric: PublishedMetric, path: string, value: number, counterpart?: number) => {
    const home = run.homeIds[h]!;
    const cost = costs[h]!;
    let simulated: number;
    if (metric === 'pairKwh') {
      const buyer = run.homeIds[counterpart!]!;
      simulated = (pairs.get(`${home}\u0000${buyer}`) ?? 0) / 1000;
    } else {
      const micro = {
        scenario1: cost.scenario1Micro,
        investment: cost.investmentMicro,
        gridCost: cost.gridCostMicro,
        peerCost: cost.peerCostMicro,
        operating: cost.operatingMicro,
        net: cost.netMicro,
      }[metric];
      simulated = Number(microToDecimal(micro));
    }
    const differencePercent = value === 0 ? null : ((simulated - value) / Math.abs(value)) * 100;
    const row: PublishedRow = { home, metric, path, published: value, simulated, differencePercent };
    rows.push(counterpart === undefined ? row : { ...row, counterpart: run.homeIds[counterpart]! });
  };

  const record = (h: number, fields: Record<string, unknown>, path: string) => {
    for (const [key, value] of Object.entries(fields)) {
      if (ROW_ID_KEYS.has(normalize(key)) && typeof value === 'string') continue;
      const where = `${path}.${key}`;
      if (value === null) continue;
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        walk(value, where);
        continue;
      }
      maxDecimals = Math.max(maxDecimals, decimalsOf(value));
      const other = homes.get(normalize(key));
      const metric = metricOf(key);
      if (other !== undefined) push(h, 'pairKwh', where, value, other);
      else if (metric !== undefined) push(h, metric, where, value);
      else notCompared.push({ path: where, value: String(value) });
    }
  };

  /** The home a row names in one of its id fields, if any. */
  const rowHome = (row: Record<string, unknown>): number | undefined => {
    for (const [k, v] of Object.entries(row)) {
      if (ROW_ID_KEYS.has(normalize(k)) && typeof v === 'string') return homes.get(normalize(v));
    }
    return undefined;
  };

  /** `{columns, rows}`: rows keyed by home, or an array of rows; true when handled. */
  const table = (value: Record<string, unknown>, path: string): boolean => {
    const columns = value['columns'];
    const rows = value['rows'];
    if (!Array.isArray(columns) || !columns.every((c) => typeof c === 'string')) return false;
    const zip = (cells: unknown) =>
      Array.isArray(cells) ? Object.fromEntries(columns.map((c: string, i) => [c, cells[i] ?? null])) : null;
    const at = (key: string) => (path === '' ? key : `${path}.${key}`);
    if (isRecord(rows)) {
      for (const [key, cells] of Object.entries(rows)) {
        const h = homes.get(normalize(key));
        const fields = zip(cells);
        if (h !== undefined && fields !== null) record(h, fields, at(key));
        else walk(cells, at(`rows.${key}`));
      }
      return true;
    }
    if (Array.isArray(rows)) {
      let unmatched = 0;
      rows.forEach((cells, i) => {
        const fields = zip(cells);
        const h = fields === null ? undefined : rowHome(fields);
        if (h !== undefined && fields !== null) record(h, fields, `${path}[${i}]`);
        else unmatched += 1;
      });
      if (unmatched > 0)
        notCompared.push({ path, value: `${unmatched} row${unmatched === 1 ? '' : 's'} of ${columns.join(', ')}` });
      return true;
    }
    return false;
  };

  const walk = (value: unknown, path: string): void => {
    if (typeof value === 'number' && Number.isFinite(value)) {
      maxDecimals = Math.max(maxDecimals, decimalsOf(value));
      notCompared.push({ path, value: String(value) });
      return;
    }
    if (Array.isArray(value)) {
      const flat = value.flat(2);
      if (flat.length > 0 && flat.every((x) => x === null || typeof x === 'number')) {
        notCompared.push({ path, value: `${flat.length} numbers` });
        return;
      }
      value.forEach((item, i) => {
        const where = `${path}[${i}]`;
        const h = isRecord(item) ? rowHome(item) : undefined;
        if (h !== undefined && isRecord(item)) record(h, item, where);
        else walk(item, where);
      });
      return;
    }
    if (!isRecord(value) || table(value, path)) return;
    for (const [key, inner] of Object.entries(value)) {
      const where = path === '' ? key : `${path}.${key}`;
      const h = homes.get(normalize(key));
      if (h !== undefined && isRecord(inner)) record(h, inner, where);
      else walk(inner, where);
    }
  };

  walk(published, '');
  const sourceValue = published['source'] ?? published['reference'];
  return { source: typeof sourceValue === 'string' ? sourceValue : null, rows, notCompared, maxDecimals };
}
