/**
 * Community: the simulator's runs (seed 000's tables and charts for the current run): totals, aggregate charts,
 * a searchable list of households (usable with 623 homes: filtered, rendered 50 at a time), and the selected
 * household's PV, load, battery SoC, peer trades and cumulative bill against grid-only.
 */
import { type KeyboardEvent, useDeferredValue, useEffect, useMemo, useState } from 'react';
import { api, errorText, getText, type SimHome, type SimHomes, type SimRun } from '../api.js';
import { Chart, lineOption } from '../Chart.js';
import { Card, ErrorNote, Loading } from '../components.js';
import { coins, formatWh } from '../format.js';
import { useAsync } from '../hooks.js';

const PAGE = 50;

function sum(values: readonly number[]): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}

function sumMicro(values: readonly string[]): bigint {
  let total = 0n;
  for (const v of values) {
    try {
      total += BigInt(v);
    } catch {
      // a malformed entry counts as zero
    }
  }
  return total;
}

function microToNumber(micro: bigint): number {
  return Number(micro) / 1_000_000;
}

function slotLabels(data: SimHomes, count: number): string[] {
  const multiDay = count * data.slotMs > 86_400_000;
  return Array.from({ length: count }, (_, i) => {
    const d = new Date(data.startMs + i * data.slotMs);
    const hm = `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
    return multiDay ? `${d.getMonth() + 1}/${d.getDate()} ${hm}` : hm;
  });
}

interface HomeRow {
  home: SimHome;
  loadWh: number;
  pvWh: number;
  peerWh: number;
  billMicro: bigint;
  gridOnlyMicro: bigint;
}

export function CommunityView() {
  const runs = useAsync(() => api.simRuns(), []);
  const [run, setRun] = useState<string>('');
  useEffect(() => {
    const first = runs.data?.runs[0];
    if (run === '' && first !== undefined) setRun(first.name);
  }, [runs.data, run]);

  return (
    <section aria-labelledby="community-title">
      <h2 id="community-title">Community</h2>
      {runs.error ? <p className="error">Simulator runs unavailable: {runs.error}</p> : null}
      <Loading when={runs.loading && runs.data === undefined} />
      <div className="inline-form">
        <label htmlFor="run-select">Run</label>
        <select
          id="run-select"
          data-testid="run-select"
          value={run}
          onChange={(e) => setRun(e.target.value)}
          disabled={(runs.data?.runs.length ?? 0) === 0}
        >
          {(runs.data?.runs.length ?? 0) === 0 ? <option value="">no runs</option> : null}
          {runs.data?.runs.map((r) => (
            <option key={r.name} value={r.name}>
              {r.name} — {r.scenario}, {r.mechanism}, {r.homes} homes, {r.slots} slots
            </option>
          ))}
        </select>
      </div>
      {runs.data && runs.data.runs.length === 0 ? (
        <p className="muted">No simulator run on this node yet (npx gridpeer simulate …).</p>
      ) : null}
      {runs.data?.runs.find((r) => r.name === run) ? (
        <RunView key={run} run={runs.data.runs.find((r) => r.name === run)!} />
      ) : null}
    </section>
  );
}

function RunView({ run }: { run: SimRun }) {
  const name = run.name;
  const hasSeries = run.files === undefined || run.files.includes('slots.csv');
  const summary = useAsync(() => api.simSummary(name), [name]);
  const homes = useAsync(
    () => (hasSeries ? api.simHomes(name) : Promise.reject(new Error('this run has no per-slot series (slots.csv)'))),
    [name, hasSeries],
  );
  const [selected, setSelected] = useState<string | null>(null);

  const data = homes.data;
  const slots = useMemo(() => (data ? Math.max(0, ...data.homes.map((h) => h.loadWh.length)) : 0), [data]);
  const labels = useMemo(() => (data ? slotLabels(data, slots) : []), [data, slots]);
  const rows = useMemo<HomeRow[]>(
    () =>
      (data?.homes ?? []).map((home) => ({
        home,
        loadWh: sum(home.loadWh),
        pvWh: sum(home.pvWh),
        peerWh: sum(home.peerImportWh) + sum(home.peerExportWh),
        billMicro: sumMicro(home.paymentMicro),
        gridOnlyMicro: sumMicro(home.gridOnlyPaymentMicro),
      })),
    [data],
  );

  const aggregate = useMemo(() => {
    if (!data) return null;
    const series = {
      load: new Array<number>(slots).fill(0),
      pv: new Array<number>(slots).fill(0),
      gridImport: new Array<number>(slots).fill(0),
      gridExport: new Array<number>(slots).fill(0),
      peer: new Array<number>(slots).fill(0),
    };
    for (const h of data.homes) {
      for (let i = 0; i < slots; i++) {
        series.load[i]! += h.loadWh[i] ?? 0;
        series.pv[i]! += h.pvWh[i] ?? 0;
        series.gridImport[i]! += h.gridImportWh[i] ?? 0;
        series.gridExport[i]! += h.gridExportWh[i] ?? 0;
        series.peer[i]! += h.peerImportWh[i] ?? 0;
      }
    }
    const kwh = (values: number[]) => values.map((v) => Math.round(v) / 1000);
    return lineOption(
      labels,
      [
        { name: 'load', data: kwh(series.load) },
        { name: 'PV', data: kwh(series.pv), area: true },
        { name: 'grid import', data: kwh(series.gridImport) },
        { name: 'grid export', data: kwh(series.gridExport) },
        { name: 'traded between peers', data: kwh(series.peer), type: 'bar' },
      ],
      'kWh per slot',
    );
  }, [data, slots, labels]);

  const selectedHome = data?.homes.find((h) => h.id === selected) ?? null;

  return (
    <div>
      <SummaryCards summary={summary.data} error={summary.error} />
      <ErrorNote error={homes.error} />
      <Loading when={homes.loading && data === undefined} />
      {aggregate ? (
        <div className="panel">
          <h3>Community over the run ({data?.homes.length} homes)</h3>
          <Chart
            option={aggregate}
            label="Community load, PV, grid import and export per slot"
            testId="community-chart"
          />
        </div>
      ) : null}
      {data ? (
        <div className="grid-2 community">
          <HouseholdList rows={rows} selected={selected} onSelect={setSelected} />
          <div>
            {selectedHome ? (
              <HouseholdDetail home={selectedHome} labels={labels} />
            ) : (
              <p className="muted">Select a household (click or Enter) to see its day.</p>
            )}
          </div>
        </div>
      ) : null}
      <ReportFiles name={name} files={run.files ?? []} />
    </div>
  );
}

function pick(summary: Record<string, unknown> | undefined, group: string): Record<string, unknown> {
  const value = summary?.[group];
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
}

function SummaryCards({ summary, error }: { summary: Record<string, unknown> | undefined; error: string | undefined }) {
  if (error !== undefined) return <p className="muted">Summary unavailable: {error}</p>;
  if (summary === undefined) return null;
  const scenario = pick(summary, 'scenario');
  const energy = pick(summary, 'energy');
  const money = pick(summary, 'money');
  const prices = pick(summary, 'pricesPerKwh');
  const num = (v: unknown) => (typeof v === 'number' ? v : null);
  const ratio = (v: unknown) => (typeof v === 'number' ? `${(v * 100).toFixed(1)} %` : '—');
  const moneyText = (key: string) => {
    const v = money[`${key}Micro`] ?? money[key];
    return typeof v === 'string' || typeof v === 'number' ? coins(v) : '—';
  };
  const currency = typeof scenario['currency'] === 'string' ? ` ${scenario['currency']}` : '';
  return (
    <div className="panel" data-testid="run-summary">
      <h3>
        {String(scenario['name'] ?? 'Run')} <span className="muted">· {String(scenario['mechanism'] ?? '')}</span>
      </h3>
      {typeof scenario['description'] === 'string' ? <p className="muted clamp">{scenario['description']}</p> : null}
      <div className="cards">
        <Card label="Homes" value={String(scenario['homes'] ?? '—')} />
        <Card label="Load" value={formatWh(num(energy['loadWh']))} />
        <Card label="PV" value={formatWh(num(energy['pvWh']))} />
        <Card label="Traded P2P" value={formatWh(num(energy['tradedWh']))} />
        <Card label="Grid import" value={formatWh(num(energy['gridImportWh']))} />
        <Card label="Grid export" value={formatWh(num(energy['gridExportWh']))} />
        <Card label="Self-sufficiency" value={ratio(energy['selfSufficiency'])} />
        <Card label="… without P2P" value={ratio(energy['selfSufficiencyWithoutP2p'])} />
        <Card label="Grid-only cost" value={`${moneyText('scenario1GridOnly')}${currency}`} />
        <Card label="Net cost" value={`${moneyText('net')}${currency}`} />
        <Card label="Saving vs grid-only" value={`${moneyText('savingVsScenario1')}${currency}`} />
        <Card
          label="Clearing price (avg)"
          value={prices['averageClearing'] == null ? '—' : `${String(prices['averageClearing'])}${currency}/kWh`}
        />
      </div>
    </div>
  );
}

function HouseholdList({
  rows,
  selected,
  onSelect,
}: {
  rows: readonly HomeRow[];
  selected: string | null;
  onSelect: (id: string) => void;
}) {
  const [query, setQuery] = useState('');
  const [limit, setLimit] = useState(PAGE);
  const deferred = useDeferredValue(query);
  const filtered = useMemo(() => {
    const q = deferred.trim().toLowerCase();
    return q === '' ? rows : rows.filter((r) => r.home.id.toLowerCase().includes(q) || r.home.role.toLowerCase() === q);
  }, [rows, deferred]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new search starts at the first page
  useEffect(() => setLimit(PAGE), [deferred]);
  const shown = filtered.slice(0, limit);

  return (
    <div className="panel">
      <h3>Households</h3>
      <label htmlFor="household-search" className="sr-only">
        Search households
      </label>
      <input
        id="household-search"
        type="search"
        data-testid="household-search"
        placeholder={`Search ${rows.length} households by id or role`}
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        autoComplete="off"
      />
      <p className="muted" aria-live="polite">
        {filtered.length} match{filtered.length === 1 ? '' : 'es'}
        {filtered.length > shown.length ? `, showing ${shown.length}` : ''}
      </p>
      <div className="table-wrap tall">
        <table className="clickable">
          <thead>
            <tr>
              <th scope="col">Home</th>
              <th scope="col">Role</th>
              <th scope="col">Load</th>
              <th scope="col">PV</th>
              <th scope="col">Bill</th>
              <th scope="col">Grid-only</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((r) => (
              <tr
                key={r.home.id}
                data-testid="household-row"
                tabIndex={0}
                aria-selected={selected === r.home.id}
                className={selected === r.home.id ? 'selected' : ''}
                onClick={() => onSelect(r.home.id)}
                onKeyDown={(e: KeyboardEvent) => {
                  if (e.key === 'Enter' || e.key === ' ') {
                    e.preventDefault();
                    onSelect(r.home.id);
                  }
                }}
              >
                <td>{r.home.id}</td>
                <td>{r.home.role}</td>
                <td>{formatWh(r.loadWh)}</td>
                <td>{formatWh(r.pvWh)}</td>
                <td>{coins(r.billMicro)}</td>
                <td>{coins(r.gridOnlyMicro)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {filtered.length > shown.length ? (
        <button type="button" data-testid="household-more" onClick={() => setLimit((l) => l + PAGE)}>
          Show {Math.min(PAGE, filtered.length - shown.length)} more
        </button>
      ) : null}
    </div>
  );
}

function cumulative(values: readonly string[]): number[] {
  let total = 0n;
  return values.map((v) => {
    try {
      total += BigInt(v);
    } catch {
      // malformed entries count as zero
    }
    return microToNumber(total);
  });
}

function kwh(values: readonly number[]): number[] {
  return values.map((v) => v / 1000);
}

function HouseholdDetail({ home, labels }: { home: SimHome; labels: readonly string[] }) {
  const energy = useMemo(
    () =>
      lineOption(
        labels,
        [
          { name: 'load', data: kwh(home.loadWh) },
          { name: 'PV', data: kwh(home.pvWh), area: true },
          { name: 'battery SoC', data: kwh(home.socWh), step: true },
          { name: 'grid import', data: kwh(home.gridImportWh) },
        ],
        'kWh',
      ),
    [home, labels],
  );
  const bill = useMemo(
    () =>
      lineOption(
        labels,
        [
          { name: 'bill with P2P (cumulative)', data: cumulative(home.paymentMicro) },
          { name: 'grid-only bill (cumulative)', data: cumulative(home.gridOnlyPaymentMicro) },
        ],
        'coins',
      ),
    [home, labels],
  );
  const bill1 = sumMicro(home.paymentMicro);
  const bill0 = sumMicro(home.gridOnlyPaymentMicro);
  const tradeSlots = labels
    .map((label, i) => ({ label, i, buy: home.peerImportWh[i] ?? 0, sell: home.peerExportWh[i] ?? 0 }))
    .filter((t) => t.buy > 0 || t.sell > 0);

  return (
    <div className="panel" aria-live="polite">
      <h3>
        Household {home.id} <span className="muted">· {home.role}</span>
      </h3>
      <div className="cards">
        <Card label="Bill" value={coins(bill1)} />
        <Card label="Grid-only" value={coins(bill0)} />
        <Card label="Saving" value={coins(bill0 - bill1)} />
        <Card label="Bought from peers" value={formatWh(sum(home.peerImportWh))} />
        <Card label="Sold to peers" value={formatWh(sum(home.peerExportWh))} />
      </div>
      <div data-testid="household-chart">
        <Chart option={energy} label={`Household ${home.id}: load, PV, battery state of charge`} height={240} />
        <Chart option={bill} label={`Household ${home.id}: cumulative bill against grid-only`} height={200} />
      </div>
      <h4>Peer trades ({tradeSlots.length} slots)</h4>
      {tradeSlots.length === 0 ? (
        <p className="muted">No peer trades in this run.</p>
      ) : (
        <div className="table-wrap short">
          <table>
            <thead>
              <tr>
                <th scope="col">Slot</th>
                <th scope="col">Time</th>
                <th scope="col">Bought</th>
                <th scope="col">Sold</th>
                <th scope="col">Payment</th>
              </tr>
            </thead>
            <tbody>
              {tradeSlots.map((t) => (
                <tr key={t.i} data-testid="household-trade-row">
                  <td>{t.i}</td>
                  <td>{t.label}</td>
                  <td>{formatWh(t.buy)}</td>
                  <td>{formatWh(t.sell)}</td>
                  <td>{coins(home.paymentMicro[t.i] ?? '0')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

/** The report's files: README, SVG charts, CSV tables (links), with the charts and README shown on request. */
function ReportFiles({ name, files }: { name: string; files: readonly string[] }) {
  const charts = files.filter((f) => f.toLowerCase().endsWith('.svg'));
  const others = files.filter((f) => !f.toLowerCase().endsWith('.svg') && !f.toLowerCase().endsWith('.png'));
  const [showCharts, setShowCharts] = useState(false);
  const [readme, setReadme] = useState<string | null>(null);
  const [readmeError, setReadmeError] = useState<string | undefined>(undefined);
  const loadReadme = () => {
    if (readme !== null) return;
    getText(api.simFileUrl(name, 'README.md')).then(setReadme, (error: unknown) => setReadmeError(errorText(error)));
  };
  if (files.length === 0) return null;
  return (
    <div className="panel">
      <h3>Report files</h3>
      <ul className="links">
        {[...others, ...charts].map((file) => (
          <li key={file}>
            <a href={api.simFileUrl(name, file)} target="_blank" rel="noreferrer" data-testid="report-link">
              {file}
            </a>
          </li>
        ))}
      </ul>
      <div className="buttons">
        {charts.length > 0 ? (
          <button type="button" onClick={() => setShowCharts((o) => !o)} aria-expanded={showCharts}>
            {showCharts ? 'Hide' : 'Show'} the report's charts
          </button>
        ) : null}
      </div>
      {showCharts ? (
        <div className="svg-grid">
          {charts.map((file) => (
            <figure key={file}>
              <img src={api.simFileUrl(name, file)} alt={`report chart ${file}`} loading="lazy" />
              <figcaption>{file}</figcaption>
            </figure>
          ))}
        </div>
      ) : null}
      {files.includes('README.md') ? (
        <details
          onToggle={(e) => {
            if ((e.currentTarget as HTMLDetailsElement).open) loadReadme();
          }}
        >
          <summary>README.md</summary>
          {readmeError ? <p className="error">{readmeError}</p> : null}
          <pre className="readme">{readme ?? 'Loading…'}</pre>
        </details>
      ) : null}
    </div>
  );
}
