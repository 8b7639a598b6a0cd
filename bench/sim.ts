/**
 * The community simulator at scale (issue "community simulator", benchmark):
 *  1. `boumaiza2023-623` (623 homes × 48 hourly slots) on the in-process ledger — every order a signed
 *     transaction, every slot cleared by the market contract inside a block: target under 10 s on this machine.
 *     Reference in the same run: the same scenario with the market functions alone (`ledger: none`), so the ratio
 *     is the ledger's cost.
 *  2. 10,000 homes × one year, hourly (87.6 M home-slots), built from the 17 measured CityLearn homes of `data/`:
 *     each home takes one of the 17 load and PV profiles, scaled (0.6–1.6× load, 0.5–1.5× PV, seeded) and with
 *     a third of the homes consumers; uniform double auction with ZI-C agents, market only (a year of 10,000
 *     homes is 8,760 blocks of 10,000 orders: ledger throughput is what bench/import.ts measures); target under
 *     10 minutes. Reference in the same run: resolving the profiles (what any simulator must do at least).
 * Peak memory (RSS, sampled every 100 ms) is reported for each.
 *
 * Run alone with `npx tsx bench/sim.ts [--skip-year]`; stdout is one JSON document, progress goes to stderr.
 */
import { resampleRowsToSlotsWh } from '../src/energy/load.js';
import { resolveCommunity } from '../src/sim/community.js';
import { defaultDataDir, readCsvColumn } from '../src/sim/data.js';
import { runCommunity } from '../src/sim/engine.js';
import { loadScenario } from '../src/sim/scenario.js';
import type { Community, HomeSpec } from '../src/sim/types.js';
import { seededRandom } from '../src/units/random.js';
import { emit, progress, round3 } from './common.js';

const TARGET_623_MS = 10_000;
const TARGET_YEAR_MS = 600_000;
const YEAR_HOMES = 10_000;
const YEAR_SLOTS = 8_760;

/** Peak resident memory while `step` runs, sampled every 100 ms (and at the end). */
async function withPeakRss<T>(step: () => Promise<T>): Promise<{ value: T; ms: number; peakRssBytes: number }> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 100);
  const started = performance.now();
  try {
    const value = await step();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { value, ms: performance.now() - started, peakRssBytes: peak };
  } finally {
    clearInterval(timer);
  }
}

async function bench623() {
  progress('sim: boumaiza2023-623, market only (reference)');
  const community = resolveCommunity(loadScenario('boumaiza2023-623'));
  const direct = await withPeakRss(() => runCommunity(community, { ledger: 'none' }));
  progress(`sim: reference ${direct.ms.toFixed(0)} ms; in-process ledger`);
  const ledger = await withPeakRss(() => runCommunity(community, { ledger: 'inprocess' }));
  progress(`sim: in-process ledger ${ledger.ms.toFixed(0)} ms, ${ledger.value.blocks} blocks`);
  const orders = ledger.value.homeSlots.reduce(
    (sum, slots) =>
      sum + slots.filter((s) => s.peerImportWh + s.gridImportWh + s.peerExportWh + s.gridExportWh > 0).length,
    0,
  );
  return {
    homes: community.homes.length,
    slots: community.importPriceMicroPerKwh.length,
    mechanism: ledger.value.mechanism,
    inprocess: {
      ms: Math.round(ledger.ms),
      peakRssMB: Math.round(ledger.peakRssBytes / 1e6),
      blocks: ledger.value.blocks,
      trades: ledger.value.trades.length,
      homeSlotsWithGridOrPeerExchange: orders,
      runHash: ledger.value.runHash,
    },
    referenceMarketOnly: { ms: Math.round(direct.ms), peakRssMB: Math.round(direct.peakRssBytes / 1e6) },
    ledgerOverMarketOnly: round3(ledger.ms / direct.ms),
    sameTrades:
      JSON.stringify(ledger.value.trades.map((t) => [t.slot, t.energyWh, String(t.priceMicroPerKwh)])) ===
      JSON.stringify(direct.value.trades.map((t) => [t.slot, t.energyWh, String(t.priceMicroPerKwh)])),
    target: { ms: TARGET_623_MS, met: ledger.ms < TARGET_623_MS },
  };
}

/** 10,000 homes over a year from the 17 CityLearn homes: one shared array per (home, scale) variant. */
function yearCommunity(): Community {
  const base = resolveCommunity(loadScenario('citylearn-17'));
  const random = seededRandom(0x79656172);
  const variants = 8;
  const loads: Int32Array[][] = [];
  const pvs: Int32Array[][] = [];
  for (let b = 0; b < 17; b++) {
    const load = resolveRowsProfile(`Building_${b + 1}.csv`, 'non_shiftable_load', 1, YEAR_SLOTS);
    const pvPerKw = resolveRowsProfile(`Building_${b + 1}.csv`, 'solar_generation', 1 / 1000, YEAR_SLOTS);
    loads.push(Array.from({ length: variants }, (_, v) => scale(load, 0.6 + v / (variants - 1))));
    pvs.push(Array.from({ length: variants }, (_, v) => scale(pvPerKw, 2.5 + 5 * (v / (variants - 1)))));
  }
  const homes = Array.from({ length: YEAR_HOMES }, (_, i) => {
    const b = Math.floor(random() * 17);
    const consumer = random() < 1 / 3;
    const spec: HomeSpec = {
      id: `H${String(i).padStart(5, '0')}`,
      role: consumer ? 'consumer' : 'prosumer',
      load: { kind: 'values', kwhPerSlot: [] },
    };
    return {
      spec,
      loadWh: loads[b]![Math.floor(random() * variants)]!,
      pvWh: consumer ? new Int32Array(YEAR_SLOTS) : pvs[b]![Math.floor(random() * variants)]!,
    };
  });
  const prices = base.importPriceMicroPerKwh;
  return {
    scenario: { ...base.scenario, name: 'citylearn-10000-year', slots: YEAR_SLOTS, homes: homes.map((h) => h.spec) },
    slotMs: base.slotMs,
    startMs: base.startMs,
    importPriceMicroPerKwh: Array.from({ length: YEAR_SLOTS }, (_, s) => prices[s % prices.length]!),
    exportPriceMicroPerKwh: Array.from(
      { length: YEAR_SLOTS },
      (_, s) => base.exportPriceMicroPerKwh[s % prices.length]!,
    ),
    homes,
  };
}

/** A CityLearn column as Wh per hourly slot (the file holds kWh per hour, or W per kW for PV). */
function resolveRowsProfile(file: string, column: string, scaleToKwh: number, slots: number): Int32Array {
  const values = readCsvColumn(defaultDataDir(), `citylearn2022_fontana_homes/${file}`, column);
  return resampleRowsToSlotsWh(values, { unit: 'kWh', rowMinutes: 60, scale: scaleToKwh }, 60, slots);
}

function scale(values: Int32Array, factor: number): Int32Array {
  return Int32Array.from(values, (v) => Math.round(v * factor));
}

async function benchYear() {
  progress('sim: building 10,000 homes × 8,760 h from the 17 CityLearn homes (reference)');
  const built = await withPeakRss(async () => yearCommunity());
  progress(`sim: profiles ${built.ms.toFixed(0)} ms; running the year`);
  let lastReport = performance.now();
  const run = await withPeakRss(() =>
    runCommunity(built.value, {
      ledger: 'none',
      keepHomeSlots: false,
      keepTrades: false,
      onProgress: (done, total) => {
        if (performance.now() - lastReport > 10_000) {
          lastReport = performance.now();
          progress(`sim: slot ${done}/${total}`);
        }
      },
    }),
  );
  progress(`sim: year ${(run.ms / 1000).toFixed(1)} s`);
  return {
    homes: YEAR_HOMES,
    slots: YEAR_SLOTS,
    homeSlots: YEAR_HOMES * YEAR_SLOTS,
    mechanism: run.value.mechanism,
    ledger: 'none',
    ms: Math.round(run.ms),
    peakRssMB: Math.round(run.peakRssBytes / 1e6),
    nsPerHomeSlot: round3((run.ms * 1e6) / (YEAR_HOMES * YEAR_SLOTS)),
    runHash: run.value.runHash,
    referenceProfiles: { ms: Math.round(built.ms), peakRssMB: Math.round(built.peakRssBytes / 1e6) },
    target: { ms: TARGET_YEAR_MS, met: run.ms < TARGET_YEAR_MS },
  };
}

const skipYear = process.argv.includes('--skip-year');
const community623 = await bench623();
const year = skipYear ? null : await benchYear();
emit({
  benchmark: 'sim',
  unit: 'milliseconds of wall-clock time per run; peak RSS in MB',
  node: process.version,
  community623,
  year,
});
