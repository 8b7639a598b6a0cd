/**
 * Simulator reports over HTTP, for the dashboard's community view (MISSION U1, E6). A node started with
 * `--results <dir>` serves every run found there: each subfolder holding a `summary.json` (the folder itself too,
 * when it is one run's report). Reports are read-only files written by `gridpeer simulate` / `gridpeer start`
 * (sim/reports): `summary.json`, `slots.csv` (one row per slot per home), charts (`*.svg`, `*.png`), `README.md`
 * and the other tables. They are read on each request, so a run written after the node started shows up; the
 * parsed `slots.csv` is cached while its modification time and size stay the same.
 */
import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { GridPeerError } from '../../errors/index.js';
import type { ApiContext } from '../context.js';
import { errorResponses, JsonObject } from './common.js';

const NAME = /^[A-Za-z0-9._-]+$/;
/** Report files the API hands out, with their content types. */
const FILE_TYPES: Readonly<Record<string, string>> = {
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.md': 'text/markdown; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
};
/** A slots.csv beyond this is not parsed into JSON (10,000 homes × a year); its file is still served. */
const MAX_SLOTS_CSV_BYTES = 256 * 1024 * 1024;

const RunSummary = Type.Object(
  {
    name: Type.String({ description: 'Folder name under the results directory' }),
    scenario: Type.String(),
    mechanism: Type.String(),
    homes: Type.Integer(),
    slots: Type.Integer(),
    ledger: Type.String({ description: 'inprocess, network or none' }),
    runHash: Type.String(),
    currency: Type.String(),
    startMs: Type.Number(),
    slotMs: Type.Number(),
    files: Type.Array(Type.String(), { description: 'Report files served under /files/:file' }),
  },
  { additionalProperties: false },
);

const HomeSeries = Type.Object({
  id: Type.String(),
  role: Type.String({ description: 'prosumer or consumer ("" when summary.json does not say)' }),
  loadWh: Type.Array(Type.Number()),
  pvWh: Type.Array(Type.Number()),
  socWh: Type.Array(Type.Number()),
  peerImportWh: Type.Array(Type.Number()),
  peerExportWh: Type.Array(Type.Number()),
  gridImportWh: Type.Array(Type.Number()),
  gridExportWh: Type.Array(Type.Number()),
  paymentMicro: Type.Array(Type.String()),
  gridOnlyPaymentMicro: Type.Array(Type.String()),
});

const HomesAnswer = Type.Object({
  slotMs: Type.Number(),
  startMs: Type.Number(),
  homes: Type.Array(HomeSeries),
});

type Home = {
  id: string;
  role: string;
  loadWh: number[];
  pvWh: number[];
  socWh: number[];
  peerImportWh: number[];
  peerExportWh: number[];
  gridImportWh: number[];
  gridExportWh: number[];
  paymentMicro: string[];
  gridOnlyPaymentMicro: string[];
};

type RunHomes = { slotMs: number; startMs: number; homes: Home[] };

/** slots.csv column → series; the payments stay exact decimal strings of µcoin. */
const NUMBER_COLUMNS = [
  ['load_wh', 'loadWh'],
  ['pv_wh', 'pvWh'],
  ['soc_wh', 'socWh'],
  ['peer_import_wh', 'peerImportWh'],
  ['peer_export_wh', 'peerExportWh'],
  ['grid_import_wh', 'gridImportWh'],
  ['grid_export_wh', 'gridExportWh'],
] as const;
const MONEY_COLUMNS = [
  ['payment_micro', 'paymentMicro'],
  ['grid_only_payment_micro', 'gridOnlyPaymentMicro'],
] as const;

/** RFC 4180 CSV (quoted fields, doubled quotes, CRLF or LF) into rows of fields. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else field += c;
      i += 1;
      continue;
    }
    if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      row.push(field);
      field = '';
      if (row.length > 1 || row[0] !== '') rows.push(row);
      row = [];
      if (c === '\r' && text[i + 1] === '\n') i += 1;
    } else field += c;
    i += 1;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/**
 * slots.csv → one series per home, in the order the homes first appear, indexed by the `slot` column. The
 * columns are found by their header names, so extra or reordered columns do not matter.
 * @throws GridPeerError INVALID_ARGUMENT naming a missing column or a bad cell.
 */
export function parseSlotsCsv(text: string, roles: ReadonlyMap<string, string> = new Map()): Home[] {
  const rows = parseCsv(text);
  const header = rows[0] ?? [];
  const column = (name: string): number => {
    const index = header.indexOf(name);
    if (index < 0) {
      throw new GridPeerError('INVALID_ARGUMENT', `slots.csv has no column ${name}`, {
        field: 'slots.csv',
        column: name,
      });
    }
    return index;
  };
  const slotCol = column('slot');
  const homeCol = column('home');
  const numberCols = NUMBER_COLUMNS.map(([name, key]) => [column(name), key] as const);
  const moneyCols = MONEY_COLUMNS.map(([name, key]) => [column(name), key] as const);
  const homes = new Map<string, Home>();
  for (let r = 1; r < rows.length; r++) {
    const cells = rows[r]!;
    const slot = Number(cells[slotCol]);
    const id = cells[homeCol] ?? '';
    if (!Number.isInteger(slot) || slot < 0 || slot > 10_000_000) {
      throw new GridPeerError('INVALID_ARGUMENT', `slots.csv row ${r + 1}: bad slot ${cells[slotCol]}`, {
        field: 'slots.csv',
        row: r + 1,
      });
    }
    let home = homes.get(id);
    if (home === undefined) {
      home = {
        id,
        role: roles.get(id) ?? '',
        loadWh: [],
        pvWh: [],
        socWh: [],
        peerImportWh: [],
        peerExportWh: [],
        gridImportWh: [],
        gridExportWh: [],
        paymentMicro: [],
        gridOnlyPaymentMicro: [],
      };
      homes.set(id, home);
    }
    for (const [index, key] of numberCols) {
      const value = Number(cells[index] ?? '');
      home[key][slot] = Number.isFinite(value) ? value : 0;
    }
    for (const [index, key] of moneyCols) {
      const value = cells[index] ?? '0';
      home[key][slot] = /^-?\d+$/.test(value) ? value : '0';
    }
  }
  // A slot a home has no row for (never in reports) reads as 0, so every series has the same length.
  const slots = Math.max(0, ...[...homes.values()].map((h) => h.loadWh.length));
  for (const home of homes.values()) {
    for (const [, key] of NUMBER_COLUMNS) home[key] = Array.from({ length: slots }, (_, t) => home[key][t] ?? 0);
    for (const [, key] of MONEY_COLUMNS) home[key] = Array.from({ length: slots }, (_, t) => home[key][t] ?? '0');
  }
  return [...homes.values()];
}

function checkName(value: string, field: string): string {
  if (!NAME.test(value) || value === '.' || value === '..' || value.length > 200) {
    throw new GridPeerError('INVALID_ARGUMENT', `${field} must be a plain name of letters, digits, ".", "_" or "-"`, {
      field,
      value,
    });
  }
  return value;
}

async function readJson(path: string): Promise<Record<string, unknown> | undefined> {
  try {
    const value: unknown = JSON.parse(await readFile(path, 'utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

const objectAt = (value: unknown, key: string): Record<string, unknown> => {
  const inner = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
  return typeof inner === 'object' && inner !== null ? (inner as Record<string, unknown>) : {};
};
const stringAt = (o: Record<string, unknown>, key: string): string =>
  typeof o[key] === 'string' ? (o[key] as string) : '';
const numberAt = (o: Record<string, unknown>, key: string): number =>
  typeof o[key] === 'number' && Number.isFinite(o[key]) ? (o[key] as number) : 0;

export function registerSimRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['simulator'];
  const homesCache = new Map<string, { mtimeMs: number; size: number; answer: RunHomes }>();

  /** Run name → folder: the subfolders of the results directory with a summary.json (and the folder itself). */
  async function runFolders(): Promise<Map<string, string>> {
    const runs = new Map<string, string>();
    if (ctx.resultsDir === undefined) return runs;
    const root = resolve(ctx.resultsDir);
    let entries: Array<{ name: string; isDirectory(): boolean }>;
    try {
      entries = await readdir(root, { withFileTypes: true });
    } catch {
      return runs;
    }
    if (entries.some((e) => e.name === 'summary.json') && NAME.test(basename(root))) runs.set(basename(root), root);
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      if (!entry.isDirectory() || !NAME.test(entry.name)) continue;
      const dir = join(root, entry.name);
      try {
        if ((await stat(join(dir, 'summary.json'))).isFile()) runs.set(entry.name, dir);
      } catch {
        // not a report folder
      }
    }
    return runs;
  }

  async function runFolder(name: string): Promise<string> {
    checkName(name, 'name');
    const dir = (await runFolders()).get(name);
    if (dir === undefined) {
      throw new GridPeerError('NOT_FOUND', `no simulation run ${name} in the results directory`, {
        field: 'name',
        name,
      });
    }
    return dir;
  }

  async function reportFiles(dir: string): Promise<string[]> {
    const names = await readdir(dir).catch(() => [] as string[]);
    return names.filter((n) => NAME.test(n) && extname(n).toLowerCase() in FILE_TYPES).sort();
  }

  api.get(
    '/v1/sim/runs',
    {
      schema: {
        tags,
        summary: 'Simulator runs in the node’s results directory (`gridpeer node --results`); empty without one',
        response: { 200: Type.Object({ runs: Type.Array(RunSummary) }) },
      },
    },
    async () => {
      const runs = [];
      for (const [name, dir] of await runFolders()) {
        const summary = await readJson(join(dir, 'summary.json'));
        if (summary === undefined) continue;
        const scenario = objectAt(summary, 'scenario');
        const run = objectAt(summary, 'run');
        runs.push({
          name,
          scenario: stringAt(scenario, 'name'),
          mechanism: stringAt(run, 'mechanism') || stringAt(scenario, 'mechanism'),
          homes: numberAt(scenario, 'homes'),
          slots: numberAt(scenario, 'slots'),
          ledger: stringAt(run, 'ledger'),
          runHash: stringAt(run, 'runHash'),
          currency: stringAt(scenario, 'currency'),
          startMs: numberAt(run, 'startMs'),
          slotMs: numberAt(run, 'slotMs'),
          files: await reportFiles(dir),
        });
      }
      return { runs };
    },
  );

  api.get(
    '/v1/sim/runs/:name/summary',
    {
      schema: {
        tags,
        summary: 'A run’s summary.json: scenario, totals, prices, money, fairness and every home’s bills',
        params: Type.Object({ name: Type.String({ maxLength: 200 }) }),
        response: { 200: JsonObject, ...errorResponses },
      },
    },
    async (request) => {
      const dir = await runFolder(request.params.name);
      const summary = await readJson(join(dir, 'summary.json'));
      if (summary === undefined) {
        throw new GridPeerError('NOT_FOUND', `run ${request.params.name} has no readable summary.json`, {
          field: 'name',
          name: request.params.name,
        });
      }
      return summary;
    },
  );

  api.get(
    '/v1/sim/runs/:name/homes',
    {
      schema: {
        tags,
        summary:
          'Every home’s series from slots.csv (Wh per slot; payments as µcoin strings), with the run’s start and slot length',
        params: Type.Object({ name: Type.String({ maxLength: 200 }) }),
        response: { 200: HomesAnswer, ...errorResponses },
      },
    },
    async (request) => {
      const name = request.params.name;
      const dir = await runFolder(name);
      const csvPath = join(dir, 'slots.csv');
      let info: { mtimeMs: number; size: number };
      try {
        info = await stat(csvPath);
      } catch {
        throw new GridPeerError('NOT_FOUND', `run ${name} has no slots.csv`, {
          field: 'name',
          name,
          file: 'slots.csv',
        });
      }
      const cached = homesCache.get(csvPath);
      if (cached && cached.mtimeMs === info.mtimeMs && cached.size === info.size) return cached.answer;
      if (info.size > MAX_SLOTS_CSV_BYTES) {
        throw new GridPeerError(
          'INVALID_ARGUMENT',
          `run ${name}: slots.csv is ${Math.round(info.size / 1e6)} MB, too large to serve as series; download files/slots.csv`,
          { field: 'name', name, bytes: info.size },
        );
      }
      const summary = (await readJson(join(dir, 'summary.json'))) ?? {};
      const roles = new Map<string, string>();
      const homes = Array.isArray(summary['homes']) ? (summary['homes'] as unknown[]) : [];
      for (const home of homes) {
        if (typeof home !== 'object' || home === null) continue;
        const h = home as Record<string, unknown>;
        if (typeof h['home'] === 'string' && typeof h['role'] === 'string') roles.set(h['home'], h['role']);
      }
      const run = objectAt(summary, 'run');
      const answer = {
        slotMs: numberAt(run, 'slotMs'),
        startMs: numberAt(run, 'startMs'),
        homes: parseSlotsCsv(await readFile(csvPath, 'utf8'), roles),
      };
      homesCache.set(csvPath, { mtimeMs: info.mtimeMs, size: info.size, answer });
      return answer;
    },
  );

  api.get(
    '/v1/sim/runs/:name/files/:file',
    {
      schema: {
        tags,
        summary: 'One report file: a chart (.svg, .png), README.md, a table (.csv) or summary.json',
        params: Type.Object({ name: Type.String({ maxLength: 200 }), file: Type.String({ maxLength: 200 }) }),
        response: { ...errorResponses },
      },
    },
    async (request, reply) => {
      const { name } = request.params;
      const file = checkName(request.params.file, 'file');
      const type = FILE_TYPES[extname(file).toLowerCase()];
      if (type === undefined) {
        throw new GridPeerError('INVALID_ARGUMENT', `file must end in ${Object.keys(FILE_TYPES).join(', ')}`, {
          field: 'file',
          value: file,
        });
      }
      const dir = await runFolder(name);
      const path = join(dir, file);
      const info = await stat(path).catch(() => undefined);
      if (info === undefined || !info.isFile()) {
        throw new GridPeerError('NOT_FOUND', `run ${name} has no file ${file}`, { field: 'file', name, file });
      }
      return reply
        .header('content-type', type)
        .header('content-length', info.size)
        .header('cache-control', 'no-cache')
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'")
        .send(createReadStream(path));
    },
  );
}
