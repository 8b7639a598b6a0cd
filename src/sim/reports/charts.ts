/**
 * @module sim/reports/charts
 * The report's charts as ECharts options (pure builders, seed 000 Figs. 2–6 and seed 004 Figs. 4, 6, 7), rendered
 * server-side to SVG (ECharts SSR) and to PNG (resvg). ECharts numbers its SVG classes and clip-path ids with
 * counters that run on across charts in one process, so {@link normalizeSvg} renumbers them by first appearance:
 * the same option gives the same bytes in any order and any process.
 *
 * PNG text needs a font file: resvg is run without system fonts (a machine's fonts would change the bytes), with
 * DejaVu Sans from the npm package `dejavu-fonts-ttf` when it is installed, or the files passed in `fontFiles`.
 * Without any font the PNG has every line, bar and axis but no text; the SVG always has the text.
 */
import { createRequire } from 'node:module';
import { Resvg } from '@resvg/resvg-js';
import * as echarts from 'echarts';
import type { RunResult } from '../types.js';
import { microToDecimal, slotLabels } from './format.js';
import { communitySeries, homeSpecs, slotCount } from './tables.js';

export type ChartOption = echarts.EChartsOption;

/** At most this many homes get their own series; the rest are in the aggregates. */
export const MAX_HOME_SERIES = 12;

export const CHART_WIDTH = 1100;
export const CHART_HEIGHT = 620;

export interface ChartSpec {
  /** File stem: `pv-load` → `pv-load.svg`, `pv-load.png`. */
  readonly name: string;
  readonly title: string;
  readonly option: ChartOption;
  /** Homes drawn as their own series (at most {@link MAX_HOME_SERIES}). */
  readonly plottedHomes: readonly string[];
  readonly width: number;
  readonly height: number;
}

const kwh = (energyWh: number) => Math.round(energyWh) / 1000;
const coins = (micro: bigint) => Number(microToDecimal(micro));

/** Indices of the homes to draw: all when ≤ 12, else the 12 largest by total load (ties: scenario order). */
export function selectHomes(run: RunResult, candidates?: readonly number[]): number[] {
  const pool = candidates ?? run.homeIds.map((_, h) => h);
  return largest(run, pool, MAX_HOME_SERIES, 'loadWh');
}

function largest(run: RunResult, pool: readonly number[], count: number, key: 'loadWh' | 'pvWh'): number[] {
  if (pool.length <= count) return [...pool];
  const totals = new Map(pool.map((h) => [h, run.homeSlots[h]!.reduce((a, s) => a + s[key], 0)]));
  return [...pool]
    .sort((a, b) => totals.get(b)! - totals.get(a)! || a - b)
    .slice(0, count)
    .sort((a, b) => a - b);
}

/**
 * Homes for the PV and load chart: all when ≤ 12; else the 6 largest PV generators (fewer if fewer have PV) and
 * the largest loads among the rest, 12 in all, so that both panels show homes.
 */
export function selectPvLoadHomes(run: RunResult): number[] {
  const all = run.homeIds.map((_, h) => h);
  if (all.length <= MAX_HOME_SERIES) return all;
  const withPv = all.filter((h) => run.homeSlots[h]!.some((s) => s.pvWh > 0));
  const pv = largest(run, withPv, MAX_HOME_SERIES / 2, 'pvWh');
  const chosen = new Set(pv);
  const rest = largest(
    run,
    all.filter((h) => !chosen.has(h)),
    MAX_HOME_SERIES - pv.length,
    'loadWh',
  );
  return [...pv, ...rest].sort((a, b) => a - b);
}

function subtitle(run: RunResult, shown: number, of: number, what = 'homes', by = 'the largest by load'): string {
  const head = `${run.scenario.name} · ${run.mechanism} · ${slotCount(run)} slots of ${run.scenario.slotMinutes} min (UTC)`;
  if (shown >= of) return head;
  return `${head}\n${shown} of ${of} ${what} shown (${by}); community totals on the right-hand axis`;
}

const base = (title: string, sub: string): ChartOption => ({
  animation: false,
  backgroundColor: '#ffffff',
  textStyle: { fontFamily: 'sans-serif' },
  title: { text: title, subtext: sub, left: 'center', top: 8 },
  legend: { bottom: 8, left: 'center', width: '92%', type: 'plain', itemGap: 16 },
});

const timeAxis = (labels: string[], gridIndex = 0, showName = true) => ({
  type: 'category' as const,
  gridIndex,
  data: labels,
  name: showName ? 'time (UTC)' : '',
  nameLocation: 'middle' as const,
  nameGap: 28,
  boundaryGap: true,
});

const valueAxis = (name: string, gridIndex = 0, position: 'left' | 'right' = 'left') => ({
  type: 'value' as const,
  gridIndex,
  name,
  position,
  nameTextStyle: { align: position === 'left' ? ('left' as const) : ('right' as const) },
  splitLine: { show: position === 'left' },
});

const line = (name: string, data: (number | null)[], extra: Record<string, unknown> = {}) => ({
  type: 'line' as const,
  name,
  data,
  showSymbol: false,
  connectNulls: false,
  ...extra,
});

/** Seed 000 Figs. 2–3: PV generation (top) and load (bottom) per home over time. */
export function pvLoadChart(run: RunResult): ChartSpec {
  const labels = slotLabels(run.startMs, run.slotMs, slotCount(run));
  const shown = selectPvLoadHomes(run);
  const limited = shown.length < run.homeIds.length;
  const community = communitySeries(run);
  const series: Record<string, unknown>[] = [];
  for (const h of shown) {
    const slots = run.homeSlots[h]!;
    const name = run.homeIds[h]!;
    if (slots.some((s) => s.pvWh > 0)) {
      series.push(
        line(
          name,
          slots.map((s) => kwh(s.pvWh)),
          { xAxisIndex: 0, yAxisIndex: 0 },
        ),
      );
    }
    series.push(
      line(
        name,
        slots.map((s) => kwh(s.loadWh)),
        { xAxisIndex: 1, yAxisIndex: 1 },
      ),
    );
  }
  const yAxis: Record<string, unknown>[] = [
    valueAxis('PV generation (kWh per slot)', 0),
    valueAxis('load (kWh per slot)', 1),
  ];
  if (limited) {
    yAxis.push(
      valueAxis('community PV (kWh per slot)', 0, 'right'),
      valueAxis('community load (kWh per slot)', 1, 'right'),
    );
    const dashed = { lineStyle: { type: 'dashed', width: 2.5 }, color: '#333333' };
    series.push(line('community', community.pvWh.map(kwh), { xAxisIndex: 0, yAxisIndex: 2, ...dashed }));
    series.push(line('community', community.loadWh.map(kwh), { xAxisIndex: 1, yAxisIndex: 3, ...dashed }));
  }
  const title = 'PV generation and load per home';
  return {
    name: 'pv-load',
    title,
    width: CHART_WIDTH,
    height: 800,
    plottedHomes: shown.map((h) => run.homeIds[h]!),
    option: {
      ...base(title, subtitle(run, shown.length, run.homeIds.length, 'homes', 'the largest PV generators and loads')),
      grid: [
        { top: 115, height: 250, left: 80, right: 90 },
        { top: 425, height: 250, left: 80, right: 90 },
      ],
      xAxis: [timeAxis(labels, 0, false), timeAxis(labels, 1)],
      yAxis,
      series,
    } as ChartOption,
  };
}

/** Seed 000 Fig. 4: grid import and export prices, the clearing price and the average P2P price per slot. */
export function pricesChart(run: RunResult): ChartSpec {
  const n = slotCount(run);
  const labels = slotLabels(run.startMs, run.slotMs, n);
  const tradeWh = new Array<number>(n).fill(0);
  const tradeMoney = new Array<bigint>(n).fill(0n);
  for (const t of run.trades) {
    tradeWh[t.slot]! += t.energyWh;
    tradeMoney[t.slot]! += t.amountMicro;
  }
  const p2p = tradeWh.map((wh, t) => (wh === 0 ? null : (Number(tradeMoney[t]!) * 1000) / wh / 1e6));
  const series: Record<string, unknown>[] = [
    line('grid import price', run.importPriceMicroPerKwh.map(coins), { step: 'middle', color: '#c23531' }),
    line('grid export price', run.exportPriceMicroPerKwh.map(coins), { step: 'middle', color: '#2f4554' }),
  ];
  if (run.clearingPriceMicroPerKwh.some((p) => p !== null)) {
    series.push(
      line(
        'clearing price',
        run.clearingPriceMicroPerKwh.map((p) => (p === null ? null : coins(p))),
        { step: 'middle', color: '#61a0a8', lineStyle: { width: 3 } },
      ),
    );
  }
  if (p2p.some((p) => p !== null)) {
    series.push({ type: 'scatter', name: 'average P2P trade price', data: p2p, symbolSize: 8, color: '#d48265' });
  }
  const title = 'Grid and market prices per slot';
  return {
    name: 'prices',
    title,
    width: CHART_WIDTH,
    height: CHART_HEIGHT,
    plottedHomes: [],
    option: {
      ...base(title, subtitle(run, 0, 0)),
      grid: { top: 110, bottom: 120, left: 80, right: 40 },
      xAxis: timeAxis(labels),
      yAxis: valueAxis(`price (${run.scenario.currency}/kWh)`),
      series,
    } as ChartOption,
  };
}

/** Seed 000 Figs. 5–6: per home, how its demand was met over the run (own PV, battery, peers, grid), stacked. */
export function demandMetChart(run: RunResult): ChartSpec {
  const shown = selectHomes(run);
  const limited = shown.length < run.homeIds.length;
  const parts = ['selfUseWh', 'dischargeWh', 'peerImportWh', 'gridImportWh'] as const;
  const names = ['own PV', 'battery', 'peers', 'grid'];
  const colors = ['#f2b701', '#3ba272', '#5470c6', '#9a60b4'];
  const totalOf = (h: number, key: (typeof parts)[number]) => run.homeSlots[h]!.reduce((a, s) => a + s[key], 0);
  const categories = shown.map((h) => run.homeIds[h]!);
  if (limited) categories.push(`average of ${run.homeIds.length} homes`);
  const series = parts.map((key, i) => {
    const data = shown.map((h) => kwh(totalOf(h, key)));
    if (limited) {
      const all = run.homeIds.reduce((a, _, h) => a + totalOf(h, key), 0);
      data.push(kwh(all / run.homeIds.length));
    }
    return { type: 'bar' as const, name: names[i]!, stack: 'demand', data, color: colors[i]! };
  });
  const title = 'How each home’s demand was met';
  const sub = limited
    ? `${subtitle(run, 0, 0)}\n${shown.length} of ${run.homeIds.length} homes shown (the largest by load) and the community average`
    : subtitle(run, 0, 0);
  return {
    name: 'demand-met',
    title,
    width: CHART_WIDTH,
    height: CHART_HEIGHT,
    plottedHomes: categories.slice(0, shown.length),
    option: {
      ...base(title, sub),
      grid: { top: 110, bottom: 160, left: 80, right: 40 },
      xAxis: {
        type: 'category',
        data: categories,
        name: 'home',
        nameLocation: 'middle',
        nameGap: 70,
        axisLabel: { interval: 0, rotate: categories.length > 8 ? 30 : 0 },
      },
      yAxis: valueAxis('energy over the run (kWh)'),
      series,
    } as ChartOption,
  };
}

/**
 * Seed 004 Figs. 4 and 6: aggregate demand and generation, and the grid import and export of the community with
 * P2P trading (dashed) and without it (solid: what PV and batteries leave to the grid when peers do not trade).
 */
export function aggregateChart(run: RunResult): ChartSpec {
  const labels = slotLabels(run.startMs, run.slotMs, slotCount(run));
  const c = communitySeries(run);
  const dashed = { lineStyle: { type: 'dashed', width: 2 } };
  const title = 'Community demand, generation and grid exchange with and without P2P trading';
  return {
    name: 'aggregate',
    title,
    width: CHART_WIDTH,
    height: CHART_HEIGHT,
    plottedHomes: [],
    option: {
      ...base(title, `${subtitle(run, 0, 0)}\nsolid: without P2P trading · dashed: with P2P trading`),
      grid: { top: 115, bottom: 120, left: 80, right: 40 },
      xAxis: timeAxis(labels),
      yAxis: valueAxis('energy (kWh per slot)'),
      series: [
        line('aggregate demand', c.loadWh.map(kwh), { color: '#c23531', lineStyle: { width: 2.5 } }),
        line('aggregate generation (PV)', c.pvWh.map(kwh), { color: '#f2b701', lineStyle: { width: 2.5 } }),
        line('grid import without P2P', c.gridImportWithoutP2pWh.map(kwh), { color: '#5470c6' }),
        line('grid import with P2P', c.gridImportWh.map(kwh), { color: '#5470c6', ...dashed }),
        line('grid export without P2P', c.gridExportWithoutP2pWh.map(kwh), { color: '#3ba272' }),
        line('grid export with P2P', c.gridExportWh.map(kwh), { color: '#3ba272', ...dashed }),
        { type: 'bar', name: 'traded between peers', data: c.peerWh.map(kwh), color: '#9a60b4', barMaxWidth: 14 },
      ],
    } as ChartOption,
  };
}

/** Battery state of charge per battery home; null when no home has a battery. */
export function socChart(run: RunResult): ChartSpec | null {
  const specs = homeSpecs(run);
  const batteryHomes = run.homeIds
    .map((_, h) => h)
    .filter((h) => specs[h]?.battery !== undefined || run.homeSlots[h]!.some((s) => s.socWh > 0 || s.chargeWh > 0));
  if (batteryHomes.length === 0) return null;
  const labels = slotLabels(run.startMs, run.slotMs, slotCount(run));
  const shown = selectHomes(run, batteryHomes);
  const limited = shown.length < batteryHomes.length;
  const series: Record<string, unknown>[] = shown.map((h) =>
    line(
      run.homeIds[h]!,
      run.homeSlots[h]!.map((s) => kwh(s.socWh)),
    ),
  );
  const yAxis: Record<string, unknown>[] = [valueAxis('state of charge (kWh)')];
  if (limited) {
    yAxis.push(valueAxis('all batteries (kWh)', 0, 'right'));
    const total = labels.map((_, t) => batteryHomes.reduce((a, h) => a + run.homeSlots[h]![t]!.socWh, 0));
    series.push(
      line('all batteries', total.map(kwh), {
        yAxisIndex: 1,
        color: '#333333',
        lineStyle: { type: 'dashed', width: 2.5 },
      }),
    );
  }
  const title = 'Battery state of charge (end of slot)';
  return {
    name: 'soc',
    title,
    width: CHART_WIDTH,
    height: CHART_HEIGHT,
    plottedHomes: shown.map((h) => run.homeIds[h]!),
    option: {
      ...base(title, subtitle(run, shown.length, batteryHomes.length, 'battery homes')),
      grid: { top: 115, bottom: 120, left: 80, right: 90 },
      xAxis: timeAxis(labels),
      yAxis,
      series,
    } as ChartOption,
  };
}

/** Seed 004 Fig. 7: the community's net deficit Σ(load − PV) per slot with and without demand-response incentives. */
export function netDeficitChart(run: RunResult, withoutIncentives: RunResult): ChartSpec {
  const labels = slotLabels(run.startMs, run.slotMs, slotCount(run));
  const withDr = communitySeries(run);
  const without = communitySeries(withoutIncentives);
  const title = 'Community net deficit with and without demand-response incentives';
  return {
    name: 'net-deficit',
    title,
    width: CHART_WIDTH,
    height: CHART_HEIGHT,
    plottedHomes: [],
    option: {
      ...base(
        title,
        `${subtitle(run, 0, 0)}\nnet deficit = Σ (load − PV) over all homes; > 0: the community needs energy`,
      ),
      grid: { top: 115, bottom: 120, left: 80, right: 40 },
      xAxis: timeAxis(labels),
      yAxis: valueAxis('net deficit (kWh per slot)'),
      series: [
        line('without incentives', without.netDeficitWh.map(kwh), { color: '#c23531', lineStyle: { width: 2.5 } }),
        line('with incentives', withDr.netDeficitWh.map(kwh), {
          color: '#3ba272',
          lineStyle: { type: 'dashed', width: 2.5 },
        }),
        {
          type: 'bar',
          name: 'load moved by demand response',
          data: withDr.demandResponseWh.map(kwh),
          color: '#91cc75',
        },
      ],
    } as ChartOption,
  };
}

/** The charts of a run, in file order. */
export function reportCharts(run: RunResult, withoutIncentives?: RunResult): ChartSpec[] {
  const charts = [pvLoadChart(run), pricesChart(run), demandMetChart(run), aggregateChart(run)];
  const soc = socChart(run);
  if (soc !== null) charts.push(soc);
  if (withoutIncentives !== undefined) charts.push(netDeficitChart(run, withoutIncentives));
  return charts;
}

/** Renumbers ECharts' process-wide counters in ids and classes (`zr3-cls-17`, `zr0-c4`) by first appearance. */
export function normalizeSvg(svg: string): string {
  const seen = new Map<string, string>();
  const counters = new Map<string, number>();
  return svg.replace(/\bzr\d+-([a-z]+)-?(\d+)\b/g, (token, kind: string) => {
    let mapped = seen.get(token);
    if (mapped === undefined) {
      const next = counters.get(kind) ?? 0;
      counters.set(kind, next + 1);
      mapped = `gp-${kind}-${next}`;
      seen.set(token, mapped);
    }
    return mapped;
  });
}

/** Server-side SVG of a chart (ECharts SSR), normalized. */
export function renderSvg(chart: Pick<ChartSpec, 'option' | 'width' | 'height'>): string {
  const instance = echarts.init(null, null, { renderer: 'svg', ssr: true, width: chart.width, height: chart.height });
  try {
    instance.setOption(chart.option);
    return normalizeSvg(instance.renderToSVGString());
  } finally {
    instance.dispose();
  }
}

let defaultFonts: readonly string[] | undefined;

/** DejaVu Sans (regular and bold) from the npm package `dejavu-fonts-ttf` when installed, else none. */
export function defaultFontFiles(): readonly string[] {
  if (defaultFonts !== undefined) return defaultFonts;
  const require = createRequire(import.meta.url);
  try {
    defaultFonts = [
      require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'),
      require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf'),
    ];
  } catch {
    defaultFonts = [];
  }
  return defaultFonts;
}

/** PNG of an SVG (resvg, no system fonts: `fontFiles` or {@link defaultFontFiles}; none → no text drawn). */
export function renderPng(svg: string, fontFiles: readonly string[] = defaultFontFiles()): Buffer {
  const resvg = new Resvg(svg, {
    background: '#ffffff',
    font: {
      loadSystemFonts: false,
      fontFiles: [...fontFiles],
      defaultFontFamily: 'DejaVu Sans',
      sansSerifFamily: 'DejaVu Sans',
    },
  });
  return resvg.render().asPng();
}
