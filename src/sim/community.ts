/**
 * @module sim/community
 * Resolves a scenario to the numbers the engine runs (MISSION E1, E2): the slot grid, grid prices per slot in
 * µcoin/kWh (carbon price included) and each home's demand and PV per slot in integer Wh. CSV columns are read
 * here (`sim/data.ts`); the energy models (`energy/`) are pure and receive numbers only.
 *
 * Randomness: every synthetic profile has its own generator, seeded from the scenario seed, the home id and the
 * profile (`load` or `pv`), so adding, removing or reordering homes never changes another home's profiles, and a
 * scenario resolves to the same arrays every time.
 */

import {
  loadShapeProfileWh,
  pvProfileWh,
  resampleRowsToSlotsWh,
  tariffPricesMicro,
  valuesProfileWh,
} from '../energy/index.js';
import { GridPeerError, isGridPeerError } from '../errors/index.js';
import { seededRandom } from '../units/random.js';
import { defaultDataDir, readCsvColumn } from './data.js';
import type { Community, HomeSpec, ProfileSource, ResolvedHome, Scenario } from './types.js';

const MS_PER_MINUTE = 60_000;

export interface ResolveOptions {
  /** Folder the scenario's CSV paths are relative to; default the repository's `data/` ({@link defaultDataDir}). */
  readonly dataDir?: string;
  /** Overrides the scenario's seed (uint32) for the synthetic profiles. */
  readonly seed?: number;
  /** Draws the base seed (one call, × 2³²) instead of the scenario's seed; ignored when `seed` is given. */
  readonly random?: () => number;
}

/** FNV-1a 32-bit over the UTF-16 code units of `text`. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** murmur3's 32-bit finalizer: spreads every input bit over the output. */
function mix32(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * The generator of one home's profile: `seededRandom(mix(seed ^ hash(homeId ␀ stream)))`. It depends on nothing
 * else, so the other homes of the scenario do not affect it.
 */
export function homeRandom(seed: number, homeId: string, stream: 'load' | 'pv'): () => number {
  return seededRandom(mix32((seed >>> 0) ^ hash32(`${homeId}\u0000${stream}`)));
}

/** Prefixes an energy-layer or data error with where in the scenario it arose. */
function withContext(error: unknown, scenario: Scenario, where: string): unknown {
  if (!isGridPeerError(error)) return error;
  const inner = typeof error.details['field'] === 'string' ? `.${error.details['field']}` : '';
  return new GridPeerError(
    error.code,
    `${scenario.name}: ${where}: ${error.message}`,
    { ...error.details, field: `${where}${inner}`, scenario: scenario.name },
    { cause: error },
  );
}

function resolveProfile(
  source: ProfileSource,
  scenario: Scenario,
  startMs: number,
  slotMs: number,
  dataDir: string,
  random: () => number,
): Int32Array {
  const { slots, slotMinutes } = scenario;
  switch (source.kind) {
    case 'csv': {
      const values = readCsvColumn(dataDir, source.file, source.column);
      return resampleRowsToSlotsWh(
        values,
        {
          unit: source.unit,
          rowMinutes: source.rowMinutes,
          ...(source.startRow === undefined ? {} : { startRow: source.startRow }),
          ...(source.scale === undefined ? {} : { scale: source.scale }),
        },
        slotMinutes,
        slots,
      );
    }
    case 'pv-model':
      return pvProfileWh(source, startMs, slotMs, slots, random);
    case 'load-shape':
      return loadShapeProfileWh(source, startMs, slotMs, slots, random);
    case 'values':
      return valuesProfileWh(source.kwhPerSlot, slots);
  }
}

function resolveHome(
  home: HomeSpec,
  index: number,
  scenario: Scenario,
  startMs: number,
  slotMs: number,
  dataDir: string,
  seed: number,
): ResolvedHome {
  const profile = (stream: 'load' | 'pv', source: ProfileSource): Int32Array => {
    const where = `homes[${index}].${stream}`;
    let wh: Int32Array;
    try {
      wh = resolveProfile(source, scenario, startMs, slotMs, dataDir, homeRandom(seed, home.id, stream));
    } catch (error) {
      throw withContext(error, scenario, where);
    }
    const negative = wh.findIndex((value) => value < 0);
    if (negative >= 0) {
      throw new GridPeerError(
        'INVALID_ARGUMENT',
        `${scenario.name}: ${where} is negative (${wh[negative]} Wh) in slot ${negative} (home ${home.id})`,
        { field: where, slot: negative, valueWh: wh[negative], home: home.id, scenario: scenario.name },
      );
    }
    return wh;
  };
  return {
    spec: home,
    loadWh: profile('load', home.load),
    pvWh: home.pv === undefined ? new Int32Array(scenario.slots) : profile('pv', home.pv),
  };
}

/**
 * The community a (parsed) scenario describes: slot grid, prices per slot and every home's profiles.
 *
 * @throws GridPeerError INVALID_ARGUMENT or FILE_NOT_FOUND for a CSV that is missing, too short or malformed
 *   (`details.field` names the scenario path, e.g. `homes[2].load.rows`), a negative profile value, or a price
 *   the energy layer refuses (`tariff…`).
 */
export function resolveCommunity(scenario: Scenario, options: ResolveOptions = {}): Community {
  const dataDir = options.dataDir ?? defaultDataDir();
  const seed =
    options.seed !== undefined
      ? options.seed >>> 0
      : options.random !== undefined
        ? Math.floor(options.random() * 4_294_967_296) >>> 0
        : scenario.seed >>> 0;
  const startMs = Date.parse(scenario.start);
  const slotMs = scenario.slotMinutes * MS_PER_MINUTE;
  let prices: { importMicroPerKwh: bigint[]; exportMicroPerKwh: bigint[] };
  try {
    const tariff = scenario.tariff;
    const column = tariff.kind === 'csv' ? readCsvColumn(dataDir, tariff.file, tariff.column) : undefined;
    prices = tariffPricesMicro(tariff, startMs, slotMs, scenario.slots, column, scenario.carbonPricePerKwh);
  } catch (error) {
    throw withContext(error, scenario, 'tariff');
  }
  const homes = scenario.homes.map((home, index) => resolveHome(home, index, scenario, startMs, slotMs, dataDir, seed));
  return {
    scenario,
    slotMs,
    startMs,
    importPriceMicroPerKwh: prices.importMicroPerKwh,
    exportPriceMicroPerKwh: prices.exportMicroPerKwh,
    homes,
  };
}
