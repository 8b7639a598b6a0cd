/**
 * @module sim/reports
 * The simulator's reports (MISSION E6): from one {@link RunResult}, the tables of seed 000 §6 (trades by slot,
 * Table 5; totals per pair, Table 6; one-day cost per user in two scenarios, Table 7 with eqs. 1 and 3), the
 * per-slot energy balance, a JSON summary, the charts of seed 000 Figs. 2–6 and seed 004 Figs. 4, 6, 7 as SVG and
 * PNG, a README.md that sets the run beside the published figures, and a mechanism comparison.
 *
 * {@link buildReport} makes every file in memory (tests need no disk); {@link writeReport} writes them. The same
 * run gives byte-identical files: no clock is read, keys and rows have a fixed order, and the SVG ids are
 * normalized.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GridPeerError } from '../../errors/index.js';
import { divRound } from '../../market/money.js';
import type { RunResult } from '../types.js';
import { renderPng, renderSvg, reportCharts } from './charts.js';
import { stableJson, toCsv } from './format.js';
import { compareMarkdown, readmeMarkdown } from './markdown.js';
import { comparePublished } from './published.js';
import {
  COMPARE_HEADER,
  checkRun,
  compareCsvRows,
  compareRows,
  homeCosts,
  pairTotals,
  runCsvs,
  runTotals,
  slotCount,
  summaryObject,
} from './tables.js';

export * from './charts.js';
export * from './format.js';
export * from './markdown.js';
export * from './published.js';
export * from './tables.js';

export interface ReportOptions {
  /** Other runs of the same scenario with different mechanisms: adds compare.csv and compare.md. */
  readonly compare?: readonly RunResult[];
  /** The same scenario without demand-response incentives: adds net-deficit.svg/png (seed 004 Fig. 7). */
  readonly withoutIncentives?: RunResult;
  /** Font files for the PNG text (default: DejaVu Sans from `dejavu-fonts-ttf` when installed, else none). */
  readonly fontFiles?: readonly string[];
  /** false: SVG only, no PNG files (default true). */
  readonly png?: boolean;
}

export interface ReportFile {
  /** File name inside the output folder. */
  readonly name: string;
  /** One line on what it holds (listed in README.md). */
  readonly what: string;
  readonly content: string | Uint8Array;
}

export interface ReportFiles {
  readonly outDir: string;
  /** Paths written (outDir joined with each name), in write order. */
  readonly files: readonly string[];
}

function checkCompanion(run: RunResult, other: RunResult, role: string): void {
  checkRun(other);
  if (other.scenario.name !== run.scenario.name || slotCount(other) !== slotCount(run)) {
    throw new GridPeerError('INVALID_ARGUMENT', `report: the ${role} run is not of the same scenario`, {
      scenario: run.scenario.name,
      other: other.scenario.name,
      slots: slotCount(run),
      otherSlots: slotCount(other),
    });
  }
}

/** Every file of the report, in write order, README.md last. Pure apart from reading the font files. */
export function buildReport(run: RunResult, options: ReportOptions = {}): ReportFile[] {
  checkRun(run);
  for (const other of options.compare ?? []) checkCompanion(run, other, 'compare');
  if (options.withoutIncentives !== undefined) checkCompanion(run, options.withoutIncentives, 'without-incentives');

  const costs = homeCosts(run);
  const totals = runTotals(run, costs);
  const csv = runCsvs(run, costs);
  const cur = run.scenario.currency;
  const files: ReportFile[] = [
    {
      name: 'trades.csv',
      what: 'every trade by slot: seller → buyer, kWh, price, amount (seed 000 Table 5)',
      content: csv.trades,
    },
    { name: 'pairs.csv', what: 'total kWh and money per seller–buyer pair (seed 000 Table 6)', content: csv.pairs },
    {
      name: 'costs.csv',
      what: `per home: scenario 1 grid-only cost (eq. 1), investment (eq. 3), grid, peer and other items, net and savings, ${cur} and µcoin (seed 000 Table 7)`,
      content: csv.costs,
    },
    {
      name: 'slots.csv',
      what: 'per slot and home: load, PV, self-use, battery, SoC, peer and grid flows, demand response, payments',
      content: csv.slots,
    },
    {
      name: 'summary.json',
      what: 'totals, self-sufficiency, average prices, bills vs grid-only per home, Jain index, run hash, state root',
      content: stableJson(summaryObject(run, costs)),
    },
  ];

  const png = options.png ?? true;
  for (const chart of reportCharts(run, options.withoutIncentives)) {
    const svg = renderSvg(chart);
    files.push({ name: `${chart.name}.svg`, what: chart.title, content: svg });
    if (png)
      files.push({
        name: `${chart.name}.png`,
        what: `${chart.title} (PNG)`,
        content: renderPng(svg, options.fontFiles),
      });
  }

  if (options.compare !== undefined && options.compare.length > 0) {
    const rows = compareRows([run, ...options.compare]);
    files.push(
      {
        name: 'compare.csv',
        what: 'the mechanisms side by side',
        content: toCsv(COMPARE_HEADER, compareCsvRows(rows)),
      },
      {
        name: 'compare.md',
        what: 'the mechanisms side by side (Markdown)',
        content: compareMarkdown(run.scenario.name, cur, rows),
      },
    );
  }

  const readmeEntry = { name: 'README.md', what: 'this summary' };
  const readme = readmeMarkdown({
    run,
    costs,
    totals,
    pairs: pairTotals(run),
    published: comparePublished(run, costs),
    averageP2pMicroPerKwh:
      totals.tradeRecordsWh === 0 ? null : divRound(totals.tradeAmountMicro * 1000n, BigInt(totals.tradeRecordsWh)),
    files: [...files.map(({ name, what }) => ({ name, what })), readmeEntry],
  });
  files.push({ ...readmeEntry, content: readme });
  return files;
}

/** Builds the report of `run` and writes it into `outDir` (created if missing); returns the paths written. */
export async function writeReport(run: RunResult, outDir: string, options: ReportOptions = {}): Promise<ReportFiles> {
  const files = buildReport(run, options);
  await mkdir(outDir, { recursive: true });
  const paths: string[] = [];
  for (const file of files) {
    const path = join(outDir, file.name);
    await writeFile(path, file.content);
    paths.push(path);
  }
  return { outDir, files: paths };
}
