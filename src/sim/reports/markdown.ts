/**
 * @module sim/reports/markdown
 * The report's README.md (scenario, totals, the per-home cost table, the comparison with the published figures
 * and why they differ, the files) and compare.md. Every number comes from the run or the scenario; the
 * explanations are chosen from what the scenario states (profile sources, tariff, economics, mechanism).
 */
import type { ProfileSource, RunResult } from '../types.js';
import { mdTable, microToDecimal, percentText, ratioText, slotIso, whToKwh } from './format.js';
import { METRIC_LABELS, type PublishedComparison } from './published.js';
import { type CompareRow, type HomeCost, horizonDays, type PairTotal, type RunTotals, slotCount } from './tables.js';

/** Rows of the per-home and per-pair tables shown in the README before it points to the CSV. */
export const README_MAX_ROWS = 25;

const PROFILE_WORDS: Readonly<Record<ProfileSource['kind'], string>> = {
  csv: 'a column of a data file',
  'pv-model': 'the clear-sky PV model (sun position × cloud factor × performance ratio)',
  'load-shape': 'a synthetic daily load shape scaled to a daily energy, with seeded noise',
  values: 'explicit per-slot values written in the scenario',
};

function profileSummary(run: RunResult, which: 'load' | 'pv'): string[] {
  const counts = new Map<string, number>();
  const files = new Set<string>();
  for (const home of run.scenario.homes) {
    const source = which === 'load' ? home.load : home.pv;
    if (source === undefined) continue;
    counts.set(source.kind, (counts.get(source.kind) ?? 0) + 1);
    if (source.kind === 'csv') files.add(`data/${source.file}`);
  }
  return [...counts.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([kind, n]) => {
      const fileNote = kind === 'csv' && files.size > 0 ? ` (${[...files].sort().join(', ')})` : '';
      return `${n} home${n === 1 ? '' : 's'} from ${PROFILE_WORDS[kind as ProfileSource['kind']]}${fileNote}`;
    });
}

const signed = (micro: bigint, currency: string) => `${microToDecimal(micro)} ${currency}`;

function costTable(costs: readonly HomeCost[], currency: string): string {
  const order = costs.map((c, i) => ({ c, i }));
  const shown =
    costs.length <= README_MAX_ROWS
      ? order
      : [...order]
          .sort((a, b) => b.c.loadWh - a.c.loadWh || a.i - b.i)
          .slice(0, README_MAX_ROWS)
          .sort((a, b) => a.i - b.i);
  const money = (m: bigint) => microToDecimal(m);
  const rows = shown.map(({ c }) => [
    c.home,
    c.role,
    money(c.scenario1Micro),
    money(c.investmentMicro),
    money(c.gridCostMicro - c.gridRevenueMicro),
    money(c.peerCostMicro - c.peerRevenueMicro),
    money(c.otherMicro),
    money(c.netMicro),
    money(c.savingVsScenario1Micro),
  ]);
  const total = (pick: (c: HomeCost) => bigint) => money(costs.reduce((a, c) => a + pick(c), 0n));
  rows.push([
    `all ${costs.length} homes`,
    '',
    total((c) => c.scenario1Micro),
    total((c) => c.investmentMicro),
    total((c) => c.gridCostMicro - c.gridRevenueMicro),
    total((c) => c.peerCostMicro - c.peerRevenueMicro),
    total((c) => c.otherMicro),
    total((c) => c.netMicro),
    total((c) => c.savingVsScenario1Micro),
  ]);
  const right = '---:';
  let text = mdTable(
    [
      'home',
      'role',
      `scenario 1: grid only (${currency})`,
      `investment (${currency})`,
      `grid, net of export (${currency})`,
      `peers, net of sales (${currency})`,
      `other (${currency})`,
      `net (${currency})`,
      `saving vs scenario 1 (${currency})`,
    ],
    rows,
    ['---', '---', right, right, right, right, right, right, right],
  );
  if (shown.length < costs.length) {
    text += `\n${shown.length} of ${costs.length} homes shown (the largest by load); all are in \`costs.csv\`.\n`;
  }
  return text;
}

function pairsTable(pairs: readonly PairTotal[], currency: string, poolWh: number): string {
  if (pairs.length === 0) {
    return poolWh > 0
      ? `No bilateral trades: the mechanism settled ${whToKwh(poolWh)} kWh between peers through the pool, without pairs.\n`
      : 'No energy was traded between peers.\n';
  }
  const shown =
    pairs.length <= README_MAX_ROWS
      ? [...pairs]
      : [...pairs].sort((a, b) => b.energyWh - a.energyWh).slice(0, README_MAX_ROWS);
  let text = mdTable(
    ['seller', 'buyer', 'trades', 'energy (kWh)', `amount (${currency})`],
    shown.map((p) => [p.seller, p.buyer, String(p.trades), whToKwh(p.energyWh), microToDecimal(p.amountMicro)]),
    ['---', '---', '---:', '---:', '---:'],
  );
  if (shown.length < pairs.length) {
    text += `\n${shown.length} of ${pairs.length} pairs shown (the largest by energy); all are in \`pairs.csv\`.\n`;
  }
  return text;
}

function publishedSection(comparison: PublishedComparison, currency: string): string {
  const lines = ['## Published vs simulated', ''];
  if (comparison.source !== null) lines.push(`Published figures: ${comparison.source}.`, '');
  if (comparison.rows.length === 0) {
    lines.push('The scenario publishes no per-home figure this report knows how to match (see the list below).', '');
  } else {
    const value = (x: number) => (Number.isInteger(x) ? String(x) : String(Math.round(x * 1e6) / 1e6));
    lines.push(
      mdTable(
        ['home', 'quantity', 'published', 'simulated', 'difference'],
        comparison.rows.map((r) => [
          r.counterpart === undefined ? r.home : `${r.home} → ${r.counterpart}`,
          r.metric === 'pairKwh' ? METRIC_LABELS.pairKwh : `${METRIC_LABELS[r.metric]} (${currency})`,
          value(r.published),
          r.metric === 'pairKwh' ? r.simulated.toFixed(3) : r.simulated.toFixed(6),
          r.differencePercent === null
            ? '—'
            : `${r.differencePercent >= 0 ? '+' : ''}${r.differencePercent.toFixed(1)} %`,
        ]),
        ['---', '---', '---:', '---:', '---:'],
      ),
    );
    lines.push('Difference = (simulated − published) / |published|; — where the published value is 0.', '');
  }
  if (comparison.notCompared.length > 0) {
    lines.push('Published but not compared:', '');
    for (const n of comparison.notCompared) lines.push(`- \`${n.path}\`: ${n.value}`);
    lines.push('');
  }
  return lines.join('\n');
}

function whyDifferent(run: RunResult, comparison: PublishedComparison | null): string {
  const s = run.scenario;
  const bullets: string[] = [];
  const load = profileSummary(run, 'load');
  const pv = profileSummary(run, 'pv');
  bullets.push(
    `**Profiles.** Load: ${load.join('; ') || 'none'}. PV: ${pv.join('; ') || 'none'}. ` +
      'Published figures were computed from the authors’ own profiles; wherever these differ, every energy and ' +
      'cost that depends on them differs too.',
  );
  const tariff =
    s.tariff.kind === 'csv'
      ? `a price series from \`data/${s.tariff.file}\` (column \`${s.tariff.column}\`)`
      : `a \`${s.tariff.kind}\` tariff written in the scenario`;
  bullets.push(
    `**Prices.** Grid prices come from ${tariff}` +
      (s.carbonPricePerKwh === undefined ? '' : `, plus a carbon price of ${s.carbonPricePerKwh} ${s.currency}/kWh`) +
      '.',
  );
  const params = s.params === undefined ? '' : ` with parameters \`${JSON.stringify(s.params)}\``;
  bullets.push(
    `**Mechanism.** This run cleared with \`${run.mechanism}\`${params}` +
      (run.mechanism === s.mechanism ? '' : ` (the scenario names \`${s.mechanism}\`)`) +
      `, agents \`${s.strategy}\`` +
      (s.tradingWindow === undefined
        ? ''
        : `, trading window ${s.tradingWindow.fromHour}:00–${s.tradingWindow.toHour}:00`) +
      (s.minSurplusKw === undefined ? '' : `, minimum surplus ${s.minSurplusKw} kW`) +
      '. A paper that matched trades by other rules gives other pairs, volumes and prices.',
  );
  bullets.push(
    comparison === null || comparison.rows.length === 0
      ? `**Rounding.** The simulator settles whole Wh per ${s.slotMinutes}-minute slot and whole µcoin per payment (rounded half away from zero).`
      : `**Rounding.** Published values have at most ${comparison.maxDecimals} decimal${comparison.maxDecimals === 1 ? '' : 's'}; ` +
          'the simulator settles whole Wh per ' +
          `${s.slotMinutes}-minute slot and whole µcoin per payment (rounded half away from zero). Differences below the ` +
          'published precision are rounding.',
  );
  bullets.push(
    s.economics === undefined
      ? '**Investment.** The scenario has no `economics`, so the investment (eq. 3) is 0 for every home.'
      : `**Investment.** Eq. 3 with r = ${s.economics.interestRate} and y = ${s.economics.lifetimeYears} years on each home’s ` +
          '`investment` data (battery energy and power; PV only where the profile states a rated power), ' +
          `scaled to the run’s ${Number(horizonDays(run).toFixed(4))} day(s).`,
  );
  if (s.demandResponse !== undefined) {
    bullets.push(
      `**Demand response.** ${s.demandResponse.flexibleShare * 100} % of the load is flexible (elasticity ` +
        `${s.demandResponse.elasticity}); scenario 1 (eq. 1) prices the load after demand response.`,
    );
  }
  return `## Why the numbers differ\n\n${bullets.map((b) => `- ${b}`).join('\n')}\n`;
}

export interface ReadmeInput {
  readonly run: RunResult;
  readonly costs: readonly HomeCost[];
  readonly totals: RunTotals;
  readonly pairs: readonly PairTotal[];
  readonly published: PublishedComparison | null;
  readonly averageP2pMicroPerKwh: bigint | null;
  /** Every file the report writes, README.md included, in write order. */
  readonly files: readonly { readonly name: string; readonly what: string }[];
}

export function readmeMarkdown(input: ReadmeInput): string {
  const { run, costs, totals, pairs, published, files } = input;
  const s = run.scenario;
  const cur = s.currency;
  const n = slotCount(run);
  const prosumers = costs.filter((c) => c.role === 'prosumer').length;
  const out: string[] = [`# ${s.name}: simulation report`, '', s.description, ''];
  out.push(
    mdTable(
      ['', ''],
      [
        ['reference', s.reference ?? '—'],
        ['mechanism', run.mechanism],
        [
          'horizon',
          `${slotIso(run.startMs, run.slotMs, 0)} to ${slotIso(run.startMs, run.slotMs, n)}: ${n} slots of ${s.slotMinutes} min`,
        ],
        ['homes', `${costs.length} (${prosumers} prosumers, ${costs.length - prosumers} consumers)`],
        ['currency', `${cur} (1 ${cur} = 1,000,000 µcoin on the ledger)`],
        ['ledger', `${run.ledger}, ${run.blocks} blocks, state root \`${run.stateRoot}\``],
        // No wall-clock time here: the same scenario and seed give the same report, byte for byte.
        ['run hash', `\`${run.runHash}\``],
      ],
    ),
  );
  const kwh = (wh: number) => `${whToKwh(wh)} kWh`;
  const p2pPrice =
    input.averageP2pMicroPerKwh === null ? '—' : `${microToDecimal(input.averageP2pMicroPerKwh)} ${cur}/kWh`;
  out.push(
    '## Key totals',
    '',
    mdTable(
      ['quantity', 'value'],
      [
        ['load', kwh(totals.loadWh)],
        ['PV generation', kwh(totals.pvWh)],
        ['PV used on site', kwh(totals.selfUseWh)],
        ['battery charge / discharge', `${kwh(totals.chargeWh)} / ${kwh(totals.dischargeWh)}`],
        [
          'traded between peers',
          totals.trades > 0 || totals.tradedWh === 0
            ? `${kwh(totals.tradedWh)} (${totals.trades} bilateral trades)`
            : `${kwh(totals.tradedWh)} (through the pool; no bilateral trades)`,
        ],
        ['average P2P price', p2pPrice],
        ['grid import with / without P2P', `${kwh(totals.gridImportWh)} / ${kwh(totals.gridImportWithoutP2pWh)}`],
        ['grid export with / without P2P', `${kwh(totals.gridExportWh)} / ${kwh(totals.gridExportWithoutP2pWh)}`],
        [
          'self-sufficiency (1 − grid import / load) with / without P2P',
          `${percentText(totals.selfSufficiency)} / ${percentText(totals.selfSufficiencyWithoutP2p)}`,
        ],
        ['community bill (operating)', signed(totals.operatingMicro, cur)],
        ['community bill without P2P', signed(totals.withoutP2pMicro, cur)],
        ['scenario 1: all load from the grid (eq. 1)', signed(totals.scenario1Micro, cur)],
        ['investment (eq. 3)', signed(totals.investmentMicro, cur)],
        ['net cost (investment + operating)', signed(totals.netMicro, cur)],
        ['saving vs scenario 1', signed(totals.scenario1Micro - totals.netMicro, cur)],
        ['saving of P2P trading (vs without P2P)', signed(totals.withoutP2pMicro - totals.operatingMicro, cur)],
        [
          'Jain index of the P2P savings',
          `${totals.jainIndex === null ? '—' : ratioText(totals.jainIndex, 4)} over ${totals.activeHomes} active homes` +
            (totals.negativeSavings > 0 ? ` (${totals.negativeSavings} with a negative saving, counted as 0)` : ''),
        ],
      ],
      ['---', '---:'],
    ),
    '## Cost per home (seed 000 Table 7 layout)',
    '',
    'Scenario 1 buys all load from the grid at the import price (eq. 1). Scenario 2 is the run: investment (eq. 3) ' +
      '+ grid purchases − grid sales + peer purchases − peer sales + other settlement items (demand-response ' +
      'incentives, pool sharing) = net.',
    '',
    costTable(costs, cur),
    '## Energy traded per pair (seed 000 Table 6)',
    '',
    pairsTable(pairs, cur, totals.tradedWh),
  );
  if (published !== null) out.push(publishedSection(published, cur));
  out.push(whyDifferent(run, published));
  out.push('## Files', '', ...files.map((f) => `- \`${f.name}\`: ${f.what}`), '');
  return `${out
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()}\n`;
}

/** compare.md: one row per mechanism. */
export function compareMarkdown(scenarioName: string, currency: string, rows: readonly CompareRow[]): string {
  const right = '---:';
  return (
    `# ${scenarioName}: mechanisms compared\n\n` +
    mdTable(
      [
        'mechanism',
        'traded (kWh)',
        'self-sufficiency',
        `community cost (${currency})`,
        `saving vs without P2P (${currency})`,
        `saving vs scenario 1 grid only (${currency})`,
        'Jain index',
      ],
      rows.map((r) => [
        r.mechanism,
        whToKwh(r.tradedWh),
        percentText(r.selfSufficiency),
        microToDecimal(r.communityCostMicro),
        microToDecimal(r.savingVsWithoutP2pMicro),
        microToDecimal(r.savingVsScenario1Micro),
        r.jainIndex === null ? '—' : ratioText(r.jainIndex, 4),
      ]),
      ['---', right, right, right, right, right, right],
    ) +
    '\nCommunity cost = Σ of the homes’ settled payments; self-sufficiency = 1 − grid import / load; the Jain index ' +
    'is over the homes’ savings vs without P2P (negative savings count as 0).\n'
  );
}
