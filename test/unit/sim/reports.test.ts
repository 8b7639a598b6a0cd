/**
 * The simulator's reports on a hand-made run (2 prosumers, 3 consumers, 4 hourly slots, 3 trades) whose tables
 * are worked out by hand below: seed 000 Tables 5–7, the summary, CSV escaping, charts (SVG/PNG, byte-identical
 * renders), the published comparison, writeReport's files, and a 623-home run.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  buildReport,
  COSTS_HEADER,
  comparePublished,
  csvField,
  defaultFontFiles,
  demandMetChart,
  homeCosts,
  MAX_HOME_SERIES,
  microToDecimal,
  normalizeSvg,
  pairTotals,
  pricesChart,
  pvLoadChart,
  renderPng,
  renderSvg,
  reportCharts,
  runTotals,
  summaryObject,
  TRADES_HEADER,
  tradeRows,
  whToKwh,
  writeReport,
} from '../../../src/sim/reports/index.js';
import type { HomeSlot, HomeSpec, RunResult, Scenario, SlotTrade } from '../../../src/sim/types.js';

const M = 1_000_000n; // µcoin per coin
const IMPORT = [4n * M, 6n * M, 6n * M, 4n * M]; // µcoin/kWh per slot
const EXPORT = [2n * M, 2n * M, 2n * M, 2n * M];
const PRICE = 5n * M;
const cost = (wh: number, priceMicroPerKwh: bigint) => (BigInt(wh) * priceMicroPerKwh) / 1000n; // exact here

type Flows = Partial<Omit<HomeSlot, 'paymentMicro' | 'gridOnlyPaymentMicro'>> & { loadWh: number };

/** A slot whose payments follow from its flows: grid in × λb − grid out × λs + peers bought − peers sold. */
function slot(t: number, f: Flows, peerBuyMicro = 0n, peerSellMicro = 0n): HomeSlot {
  const s = {
    pvWh: 0,
    selfUseWh: 0,
    chargeWh: 0,
    dischargeWh: 0,
    socWh: 0,
    peerImportWh: 0,
    peerExportWh: 0,
    gridImportWh: 0,
    gridExportWh: 0,
    demandResponseWh: 0,
    ...f,
  };
  const payment = cost(s.gridImportWh, IMPORT[t]!) - cost(s.gridExportWh, EXPORT[t]!) + peerBuyMicro - peerSellMicro;
  const gridOnly =
    cost(Math.max(0, s.loadWh - s.selfUseWh - s.dischargeWh), IMPORT[t]!) -
    cost(s.gridExportWh + s.peerExportWh, EXPORT[t]!);
  return { ...s, paymentMicro: payment, gridOnlyPaymentMicro: gridOnly };
}

const values = (kwhPerSlot: number[]) => ({ kind: 'values' as const, kwhPerSlot });

function fixture(
  ids = { p1: 'P-1', p2: 'P-2', c1: 'C-1', c2: 'C-2', c3: 'C-3' },
  published?: Scenario['published'],
): RunResult {
  const homes: HomeSpec[] = [
    {
      id: ids.p1,
      role: 'prosumer',
      load: values([0.5, 0.4, 0.4, 0.6]),
      pv: values([0, 2, 1.5, 0]),
      battery: {
        capacityKwh: 2,
        maxChargeKw: 1,
        maxDischargeKw: 1,
        chargeEfficiency: 1,
        dischargeEfficiency: 1,
        socMin: 0.2,
        socMax: 0.8,
      },
      investment: { batteryCostPerKwh: 18_000, batteryPowerCostPerKw: 6_000 },
    },
    { id: ids.p2, role: 'prosumer', load: values([0.3, 0.3, 0.3, 0.3]), pv: values([0, 0.5, 0.4, 0]) },
    { id: ids.c1, role: 'consumer', load: values([0.2, 0.8, 0.3, 0.4]) },
    { id: ids.c2, role: 'consumer', load: values([0.1, 0.2, 0.3, 0.1]) },
    { id: ids.c3, role: 'consumer', load: values([1, 1.5, 1.2, 0.9]) },
  ];
  const scenario: Scenario = {
    format: 'gridpeer-scenario/1',
    name: 'hand-made',
    description: 'Two prosumers and three consumers over four hours.',
    reference: 'seed 000 Tables 5–7 (layout only)',
    currency: 'Rs',
    start: '2017-05-11T08:00:00Z',
    slotMinutes: 60,
    slots: 4,
    seed: 1,
    mechanism: 'fixed-price',
    strategy: 'rule-based',
    tariff: { kind: 'flat', importPerKwh: 4, exportPerKwh: 2 },
    economics: { interestRate: 0.1, lifetimeYears: 10 },
    homes,
    ...(published === undefined ? {} : { published }),
  };
  const trades: SlotTrade[] = [
    { slot: 1, seller: ids.p1, buyer: ids.c1, energyWh: 600, priceMicroPerKwh: PRICE, amountMicro: 3n * M },
    { slot: 1, seller: ids.p1, buyer: ids.c3, energyWh: 400, priceMicroPerKwh: PRICE, amountMicro: 2n * M },
    { slot: 2, seller: ids.p1, buyer: ids.c3, energyWh: 800, priceMicroPerKwh: PRICE, amountMicro: 4n * M },
  ];
  const homeSlots: HomeSlot[][] = [
    [
      slot(0, { loadWh: 500, dischargeWh: 200, socWh: 800, gridImportWh: 300 }),
      slot(
        1,
        { loadWh: 400, pvWh: 2000, selfUseWh: 400, chargeWh: 300, socWh: 1100, peerExportWh: 1000, gridExportWh: 300 },
        0n,
        5n * M,
      ),
      slot(
        2,
        { loadWh: 400, pvWh: 1500, selfUseWh: 400, socWh: 1100, peerExportWh: 800, gridExportWh: 300 },
        0n,
        4n * M,
      ),
      slot(3, { loadWh: 600, dischargeWh: 600, socWh: 500 }),
    ],
    [
      slot(0, { loadWh: 300, gridImportWh: 300 }),
      slot(1, { loadWh: 300, pvWh: 500, selfUseWh: 300, gridExportWh: 200 }),
      slot(2, { loadWh: 300, pvWh: 400, selfUseWh: 300, gridExportWh: 100 }),
      slot(3, { loadWh: 300, gridImportWh: 300 }),
    ],
    [
      slot(0, { loadWh: 200, gridImportWh: 200 }),
      slot(1, { loadWh: 800, peerImportWh: 600, gridImportWh: 200 }, 3n * M),
      slot(2, { loadWh: 300, gridImportWh: 300 }),
      slot(3, { loadWh: 400, gridImportWh: 400 }),
    ],
    [100, 200, 300, 100].map((wh, t) => slot(t, { loadWh: wh, gridImportWh: wh })),
    [
      slot(0, { loadWh: 1000, gridImportWh: 1000 }),
      slot(1, { loadWh: 1500, peerImportWh: 400, gridImportWh: 1100 }, 2n * M),
      slot(2, { loadWh: 1200, peerImportWh: 800, gridImportWh: 400 }, 4n * M),
      slot(3, { loadWh: 900, gridImportWh: 900 }),
    ],
  ];
  return {
    scenario,
    mechanism: 'fixed-price',
    ledger: 'inprocess',
    slotMs: 3_600_000,
    startMs: Date.parse(scenario.start),
    importPriceMicroPerKwh: IMPORT,
    exportPriceMicroPerKwh: EXPORT,
    homeIds: homes.map((h) => h.id),
    homeSlots,
    trades,
    clearingPriceMicroPerKwh: [null, PRICE, PRICE, null],
    runHash: 'ab'.repeat(32),
    stateRoot: 'cd'.repeat(32),
    blocks: 7,
    elapsedMs: 1234,
  };
}

/** RFC 4180 reader for the checks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  return rows;
}

const fileText = (files: ReturnType<typeof buildReport>, name: string) => {
  const file = files.find((f) => f.name === name);
  assert.ok(file, `${name} is built`);
  return typeof file.content === 'string' ? file.content : Buffer.from(file.content).toString('utf8');
};

describe('report tables', () => {
  const run = fixture();

  it('Table 5: one row per trade in slot order with kWh, price and amount', () => {
    const rows = tradeRows(run);
    assert.equal(rows.length, 3);
    assert.deepEqual(rows[0], [
      1,
      '2017-05-11T09:00Z',
      'P-1',
      'C-1',
      600,
      '0.600',
      '5.000000',
      5_000_000n,
      '3.000000',
      3_000_000n,
    ]);
    assert.deepEqual(rows[2]!.slice(0, 6), [2, '2017-05-11T10:00Z', 'P-1', 'C-3', 800, '0.800']);
    assert.equal(TRADES_HEADER.length, rows[0]!.length);
  });

  it('Table 6: pair totals are the sums of their trades', () => {
    const pairs = pairTotals(run);
    assert.deepEqual(pairs, [
      { seller: 'P-1', buyer: 'C-1', trades: 1, energyWh: 600, amountMicro: 3n * M },
      { seller: 'P-1', buyer: 'C-3', trades: 2, energyWh: 1200, amountMicro: 6n * M },
    ]);
    assert.equal(
      pairs.reduce((a, p) => a + p.energyWh, 0),
      run.trades.reduce((a, t) => a + t.energyWh, 0),
    );
    assert.equal(
      pairs.reduce((a, p) => a + p.amountMicro, 0n),
      run.trades.reduce((a, t) => a + t.amountMicro, 0n),
    );
  });

  it('Table 7: scenario 1 (eq. 1), investment (eq. 3), grid and peer costs, net and savings by hand', () => {
    const costs = homeCosts(run);
    const byId = new Map(costs.map((c) => [c.home, c]));
    const c3 = byId.get('C-3')!;
    // eq. 1: 1.0 kWh × 4 + 1.5 × 6 + 1.2 × 6 + 0.9 × 4 = 23.8 Rs
    assert.equal(c3.scenario1Micro, 23_800_000n);
    // grid: 1.0 × 4 + 1.1 × 6 + 0.4 × 6 + 0.9 × 4 = 16.6 Rs; peers 2 + 4 = 6 Rs
    assert.equal(c3.gridCostMicro, 16_600_000n);
    assert.equal(c3.peerCostMicro, 6n * M);
    assert.equal(c3.netMicro, 22_600_000n);
    assert.equal(c3.savingVsScenario1Micro, 1_200_000n);
    assert.equal(c3.withoutP2pMicro, 23_800_000n);
    assert.equal(c3.investmentMicro, 0n);

    const p1 = byId.get('P-1')!;
    assert.equal(p1.scenario1Micro, 9_200_000n); // 0.5 × 4 + 0.4 × 6 + 0.4 × 6 + 0.6 × 4
    assert.equal(p1.gridCostMicro, 1_200_000n);
    assert.equal(p1.gridRevenueMicro, 1_200_000n); // (0.3 + 0.3) × 2
    assert.equal(p1.peerRevenueMicro, 9n * M);
    assert.equal(p1.operatingMicro, -9n * M);
    assert.equal(p1.withoutP2pMicro, -3_600_000n); // 0.3 × 4 − (1.3 + 1.1) × 2
    assert.equal(p1.savingVsWithoutP2pMicro, 5_400_000n);
    // eq. 3: r/(365(1 − (1 + r)^−y)) × (6000 Rs/kW × 1 kW + 18000 Rs/kWh × 2 kWh), over 4 h = 1/6 day
    const daily = (0.1 / (365 * (1 - 1.1 ** -10))) * 42_000; // 18.73 Rs/day
    assert.ok(Math.abs(Number(p1.investmentMicro) - (daily / 6) * 1e6) <= 1);
    assert.equal(p1.netMicro, p1.investmentMicro - 9n * M);

    for (const c of costs) {
      assert.equal(c.otherMicro, 0n, `${c.home}: payments are grid + peers`);
      assert.equal(
        c.netMicro,
        c.investmentMicro + c.gridCostMicro - c.gridRevenueMicro + c.peerCostMicro - c.peerRevenueMicro,
      );
      assert.equal(c.savingVsScenario1Micro, c.scenario1Micro - c.netMicro);
    }
    // consumers: net = grid + peer
    const c1 = byId.get('C-1')!;
    assert.equal(c1.netMicro, c1.gridCostMicro + c1.peerCostMicro);
    assert.equal(c1.netMicro, 8_400_000n); // 0.2 × 4 + 0.2 × 6 + 0.3 × 6 + 0.4 × 4 + 3 (peers)
  });

  it('summary: totals, self-sufficiency, Jain index and run identity', () => {
    const costs = homeCosts(run);
    const totals = runTotals(run, costs);
    assert.equal(totals.loadWh, 10_100);
    assert.equal(totals.gridImportWh, 6_100);
    assert.equal(totals.tradedWh, 1_800);
    assert.equal(totals.selfSufficiency, 1 - 6_100 / 10_100);
    // without P2P the 1.8 kWh traded would have come from the grid
    assert.equal(totals.gridImportWithoutP2pWh, 7_900);
    const summary = summaryObject(run, costs) as {
      energy: { tradedWh: number; selfSufficiency: number };
      run: { runHash: string; stateRoot: string; blocks: number };
      money: Record<string, unknown>;
      pricesPerKwh: Record<string, unknown>;
      fairness: { jainIndex: number; activeHomes: number };
      homes: { home: string; bill: string; billMicro: bigint }[];
    };
    assert.equal(summary.energy.tradedWh, 1_800);
    assert.equal(summary.energy.selfSufficiency, 0.39604);
    assert.deepEqual(summary.run, {
      ...summary.run,
      runHash: run.runHash,
      stateRoot: run.stateRoot,
      blocks: 7,
    });
    // No wall-clock time in a report: the same run gives the same files.
    assert.equal('elapsedMs' in summary.run, false);
    assert.equal(summary.pricesPerKwh['averageP2p'], '5.000000');
    assert.equal(summary.pricesPerKwh['averageP2pMicro'], 5_000_000n);
    assert.equal(summary.money['p2pTraded'], '9.000000');
    assert.equal(summary.homes[4]!.bill, '22.600000');
    assert.equal(summary.homes[4]!.billMicro, 22_600_000n);
    // savings vs without P2P: P-1 5.4, P-2 0, C-1 0.6 (0.6 kWh × (6 − 5)), C-2 0, C-3 1.2 (1.2 kWh × 1)
    const s = [5.4, 0, 0.6, 0, 1.2];
    const jain = s.reduce((a, b) => a + b, 0) ** 2 / (s.length * s.reduce((a, b) => a + b * b, 0));
    assert.ok(Math.abs(summary.fairness.jainIndex - jain) < 1e-6);
    assert.equal(summary.fairness.activeHomes, 5);
  });

  it('CSV: ids with commas, quotes and line breaks are quoted and read back', () => {
    assert.equal(csvField('plain'), 'plain');
    assert.equal(csvField('a,b'), '"a,b"');
    assert.equal(csvField('say "hi"'), '"say ""hi"""');
    assert.equal(csvField('two\nlines'), '"two\nlines"');
    const odd = fixture({ p1: 'P,1', p2: 'P "2"', c1: 'C-1', c2: 'C<2>&', c3: 'C,"3"' });
    const files = buildReport(odd, { png: false });
    const trades = parseCsv(fileText(files, 'trades.csv'));
    assert.equal(trades[1]![2], 'P,1');
    assert.equal(trades[2]![3], 'C,"3"');
    assert.ok(fileText(files, 'trades.csv').includes('"C,""3"""'));
    for (const name of ['trades.csv', 'pairs.csv', 'costs.csv', 'slots.csv']) {
      const rows = parseCsv(fileText(files, name));
      for (const row of rows) assert.equal(row.length, rows[0]!.length, `${name}: every row has the header's width`);
    }
    const costs = parseCsv(fileText(files, 'costs.csv'));
    assert.deepEqual(costs[0], [...COSTS_HEADER]);
    assert.deepEqual(
      costs.slice(1).map((r) => r[0]),
      ['P,1', 'P "2"', 'C-1', 'C<2>&', 'C,"3"'],
    );
    // odd ids in chart text are escaped for XML
    const svg = fileText(files, 'demand-met.svg');
    assert.ok(svg.includes('C&lt;2&gt;&amp;'));
    assert.ok(!svg.includes('C<2>&'));
  });

  it('money and energy formats are exact', () => {
    assert.equal(microToDecimal(0n), '0.000000');
    assert.equal(microToDecimal(-1n), '-0.000001');
    assert.equal(microToDecimal(123_456_789n), '123.456789');
    assert.equal(whToKwh(1234), '1.234');
    assert.equal(whToKwh(-5), '-0.005');
    assert.equal(whToKwh(0), '0.000');
  });
});

describe('report charts', () => {
  const run = fixture();

  it('renders titled SVG with axis units and a PNG', () => {
    for (const chart of reportCharts(run)) {
      const svg = renderSvg(chart);
      assert.ok(svg.startsWith('<svg'), chart.name);
      assert.ok(svg.trimEnd().endsWith('</svg>'), chart.name);
      assert.ok(svg.includes(`>${chart.title}</text>`), `${chart.name} has its title`);
      assert.ok(/kWh|Rs\/kWh/.test(svg), `${chart.name} names its unit`);
      assert.ok(!/zr\d+-/.test(svg), 'ECharts counters are normalized');
    }
    const png = renderPng(renderSvg(pvLoadChart(run)), []);
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  });

  it('draws PNG text with the DejaVu font of the npm dependency dejavu-fonts-ttf', () => {
    const fonts = defaultFontFiles();
    assert.ok(fonts.length > 0, 'dejavu-fonts-ttf is a dependency: its TTF files are found');
    const svg = renderSvg(pricesChart(run));
    assert.ok(renderPng(svg, fonts).length > renderPng(svg, []).length, 'glyphs add to the image');
  });

  it('names the charts of seed 000 and 004; soc only with batteries, net-deficit only with a second run', () => {
    assert.deepEqual(
      reportCharts(run).map((c) => c.name),
      ['pv-load', 'prices', 'demand-met', 'aggregate', 'soc'],
    );
    assert.deepEqual(
      reportCharts(run, run).map((c) => c.name),
      ['pv-load', 'prices', 'demand-met', 'aggregate', 'soc', 'net-deficit'],
    );
  });

  it('two renders are byte-identical, whatever was rendered in between', () => {
    const first = renderSvg(demandMetChart(run));
    renderSvg(pvLoadChart(run));
    assert.equal(renderSvg(demandMetChart(run)), first);
    assert.equal(
      normalizeSvg('<g class="zr7-cls-3 zr7-cls-9"/><g class="zr7-cls-3"/>'),
      '<g class="gp-cls-0 gp-cls-1"/><g class="gp-cls-0"/>',
    );
    const a = buildReport(run, { compare: [run], withoutIncentives: run });
    const b = buildReport(run, { compare: [run], withoutIncentives: run });
    assert.deepEqual(
      a.map((f) => f.name),
      b.map((f) => f.name),
    );
    for (const [i, f] of a.entries()) {
      assert.ok(Buffer.from(f.content).equals(Buffer.from(b[i]!.content)), `${f.name} differs`);
    }
  });
});

describe('report README and files', () => {
  it('writeReport writes exactly the listed files, all named in README.md', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gridpeer-report-'));
    try {
      const run = fixture();
      const result = await writeReport(run, join(dir, 'out'), { compare: [{ ...run, mechanism: 'sdr' }] });
      const names = result.files.map((p) => p.slice(join(dir, 'out').length + 1));
      assert.deepEqual([...(await readdir(join(dir, 'out')))].sort(), [...names].sort());
      assert.deepEqual(names, [
        'trades.csv',
        'pairs.csv',
        'costs.csv',
        'slots.csv',
        'summary.json',
        'pv-load.svg',
        'pv-load.png',
        'prices.svg',
        'prices.png',
        'demand-met.svg',
        'demand-met.png',
        'aggregate.svg',
        'aggregate.png',
        'soc.svg',
        'soc.png',
        'compare.csv',
        'compare.md',
        'README.md',
      ]);
      const readme = await readFile(join(dir, 'out', 'README.md'), 'utf8');
      for (const name of names) assert.ok(readme.includes(`\`${name}\``), `README lists ${name}`);
      assert.ok(readme.includes('# hand-made: simulation report'));
      assert.ok(readme.includes('## Why the numbers differ'));
      assert.ok(!readme.includes('## Published vs simulated'));
      const summary = JSON.parse(await readFile(join(dir, 'out', 'summary.json'), 'utf8'));
      assert.equal(summary.run.runHash, run.runHash);
      assert.equal(summary.money.savingVsWithoutP2pMicro, 7_200_000);
      const compare = parseCsv(await readFile(join(dir, 'out', 'compare.csv'), 'utf8'));
      assert.deepEqual(
        compare.map((r) => r[0]),
        ['mechanism', 'fixed-price', 'sdr'],
      );
      const md = await readFile(join(dir, 'out', 'compare.md'), 'utf8');
      assert.ok(md.includes('| sdr | 1.800 | 39.6 % |'));
      const png = await readFile(join(dir, 'out', 'prices.png'));
      assert.deepEqual([...png.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('sets the published figures beside the simulated ones', () => {
    const published = {
      source: 'a test table',
      costs: { P1: { scenario1: 9.2, net: -10, unknownColumn: 3 } },
      table6: [{ user: 'p-1', C1: 0.5, C3: 1.2 }],
      totalTradedKwh: 18.1,
    };
    const run = fixture(undefined, published);
    const comparison = comparePublished(run, homeCosts(run))!;
    assert.equal(comparison.source, 'a test table');
    const row = (path: string) => comparison.rows.find((r) => r.path === path)!;
    assert.equal(row('costs.P1.scenario1').simulated, 9.2);
    assert.equal(row('costs.P1.scenario1').differencePercent, 0);
    assert.equal(row('table6[0].C1').metric, 'pairKwh');
    assert.equal(row('table6[0].C1').simulated, 0.6);
    assert.ok(Math.abs(row('table6[0].C1').differencePercent! - 20) < 1e-9);
    assert.deepEqual(comparison.notCompared, [
      { path: 'costs.P1.unknownColumn', value: '3' },
      { path: 'totalTradedKwh', value: '18.1' },
    ]);
    const readme = fileText(buildReport(run, { png: false }), 'README.md');
    assert.ok(readme.includes('## Published vs simulated'));
    assert.ok(readme.includes('| P-1 | scenario 1 grid-only cost (eq. 1) (Rs) | 9.2 | 9.200000 | +0.0 % |'));
    assert.ok(readme.includes('| P-1 → C-1 | energy sold (kWh) | 0.5 | 0.600 | +20.0 % |'));
    assert.ok(readme.includes('Published values have at most 1 decimal;'));
    assert.equal(comparePublished(fixture(), homeCosts(fixture())), null);
  });

  it('reads tables of columns and rows, as scenarios/saini2023.json writes seed 000 Tables 5–7', () => {
    const published = {
      source: 'seed 000 §6',
      table7: {
        columns: [
          'scenario1GridCost',
          'scenario2Investment',
          'scenario2GridCost',
          'scenario2PeerCost',
          'scenario2OperatingCost',
          'scenario2NetCost',
        ],
        rows: { P1: [9.2, null, null, null, -9, -5.5], C3: [23.8, null, 16.6, 6, null, 22.6] },
      },
      table6: { note: 'kWh', columns: ['C1', 'C2', 'C3'], rows: { P1: [0.6, 0, 1.2] } },
      table5: { columns: ['time', 'seller', 'buyer', 'energyKwh'], rows: [['09:00', 'P1', 'C1', 0.6]] },
      rows: [
        [1, 2],
        [3, 4],
      ],
    };
    const run = fixture(undefined, published);
    const comparison = comparePublished(run, homeCosts(run))!;
    const found = Object.fromEntries(
      comparison.rows.map((r) => [r.path, [r.metric, r.simulated, r.differencePercent]]),
    );
    assert.deepEqual(found['table7.P1.scenario1GridCost'], ['scenario1', 9.2, 0]);
    assert.deepEqual(found['table7.P1.scenario2OperatingCost'], ['operating', -9, 0]);
    assert.equal(found['table7.P1.scenario2NetCost']![0], 'net');
    assert.deepEqual(found['table7.C3.scenario2GridCost'], ['gridCost', 16.6, 0]);
    assert.deepEqual(found['table7.C3.scenario2PeerCost'], ['peerCost', 6, 0]);
    assert.deepEqual(found['table7.C3.scenario2NetCost'], ['net', 22.6, 0]);
    assert.deepEqual(found['table6.P1.C1'], ['pairKwh', 0.6, 0]);
    assert.deepEqual(found['table6.P1.C2'], ['pairKwh', 0, null]);
    assert.deepEqual(found['table6.P1.C3'], ['pairKwh', 1.2, 0]);
    assert.equal(comparison.rows.length, 10);
    assert.deepEqual(comparison.notCompared, [
      { path: 'table5', value: '1 row of time, seller, buyer, energyKwh' },
      { path: 'rows', value: '4 numbers' },
    ]);
  });
});

describe('report of a large community', () => {
  it('623 homes: at most 12 per-home series per chart', () => {
    const base = fixture();
    const n = 623;
    const slots = 24;
    const ids = Array.from({ length: n }, (_, i) => `H${String(i).padStart(3, '0')}`);
    const homeSlots = ids.map((_, i) =>
      Array.from({ length: slots }, (_, t): HomeSlot => {
        const loadWh = 300 + ((i * 37 + t * 11) % 500);
        const pvWh = i % 3 === 0 ? Math.max(0, 1500 - Math.abs(t - 12) * 200) : 0;
        const selfUseWh = Math.min(loadWh, pvWh);
        return {
          loadWh,
          pvWh,
          selfUseWh,
          chargeWh: 0,
          dischargeWh: 0,
          socWh: i % 6 === 0 ? 1000 + t * 10 : 0,
          peerImportWh: 0,
          peerExportWh: 0,
          gridImportWh: loadWh - selfUseWh,
          gridExportWh: pvWh - selfUseWh,
          demandResponseWh: 0,
          paymentMicro: BigInt(loadWh - selfUseWh) * 4000n,
          gridOnlyPaymentMicro: BigInt(loadWh - selfUseWh) * 4000n,
        };
      }),
    );
    const run: RunResult = {
      ...base,
      scenario: { ...base.scenario, slots, homes: ids.map((id) => ({ id, role: 'consumer', load: values([]) })) },
      homeIds: ids,
      homeSlots,
      trades: [
        { slot: 12, seller: 'H000', buyer: 'H001', energyWh: 100, priceMicroPerKwh: PRICE, amountMicro: 500_000n },
      ],
      importPriceMicroPerKwh: Array.from({ length: slots }, () => 4n * M),
      exportPriceMicroPerKwh: Array.from({ length: slots }, () => 2n * M),
      clearingPriceMicroPerKwh: Array.from({ length: slots }, () => null),
    };
    const files = buildReport(run);
    for (const chart of reportCharts(run)) {
      assert.ok(chart.plottedHomes.length <= MAX_HOME_SERIES, chart.name);
      const series = (chart.option.series ?? []) as { name?: string }[];
      const homeNames = new Set(series.map((s) => s.name).filter((name) => name !== undefined && ids.includes(name)));
      assert.ok(homeNames.size <= MAX_HOME_SERIES, `${chart.name}: ${homeNames.size} home series`);
    }
    const pv = fileText(files, 'pv-load.svg');
    assert.ok(pv.includes('12 of 623 homes shown'));
    // both panels show homes: the 6 largest PV generators, then the largest loads
    assert.equal(pvLoadChart(run).plottedHomes.filter((id) => Number(id.slice(1)) % 3 === 0).length >= 6, true);
    assert.equal(parseCsv(fileText(files, 'slots.csv')).length, 1 + n * slots);
    assert.ok(fileText(files, 'README.md').includes('25 of 623 homes shown'));
  });
});
