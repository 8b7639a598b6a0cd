/**
 * The dashboard's server side: the built SPA at `/` and `/assets/*` (no traversal; a page naming the build
 * command when it is missing), the simulator reports under `/v1/sim/runs` (list, summary, per-home series parsed
 * from slots.csv, report files by checked name) and a slot cleared by every mechanism
 * (`/v1/market/slots/:slot/compare`).
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { docsOnlyContext } from '../../../scripts/gen-openapi.js';
import { buildApi } from '../../../src/api/app.js';
import type { ApiContext } from '../../../src/api/context.js';
import { parseCsv, parseSlotsCsv } from '../../../src/api/routes/sim.js';
import type { Chain } from '../../../src/chain/chain.js';
import { devKeyPair } from '../../../src/chain/devAccounts.js';
import { createMarketContract, readSlot } from '../../../src/contract/index.js';
import type { KeyPair } from '../../../src/crypto/index.js';
import { createMarketTx, type MarketPayloads, type MarketTxKind, type Transaction } from '../../../src/ledger/tx.js';
import { MECHANISMS } from '../../../src/market/registry.js';
import { resolveCommunity } from '../../../src/sim/community.js';
import { runCommunity } from '../../../src/sim/engine.js';
import { writeReport } from '../../../src/sim/reports/index.js';
import { loadScenario } from '../../../src/sim/scenario.js';
import { alice, bob, GENESIS_MS, openTestChain } from '../../helpers/chainFixtures.js';
import { MARKET_START_MS, TEST_MARKET_OPEN } from '../../helpers/marketSchedule.js';

const tempRoot = mkdtempSync(join(tmpdir(), 'gridpeer-dashboard-routes-'));
after(() => rmSync(tempRoot, { recursive: true, force: true }));

async function appWith(extra: Partial<ApiContext>): Promise<FastifyInstance> {
  const app = await buildApi({ ...docsOnlyContext(), ...extra });
  await app.ready();
  return app;
}

describe('dashboard: the built SPA', () => {
  const built = join(tempRoot, 'dashboard');
  let app: FastifyInstance;
  before(async () => {
    mkdirSync(join(built, 'assets'), { recursive: true });
    writeFileSync(join(built, 'index.html'), '<!doctype html><div id="root"></div>');
    writeFileSync(join(built, 'assets', 'index-Ab12.js'), 'console.log(1)');
    writeFileSync(join(built, 'assets', 'index-Cd34.css'), 'body{}');
    writeFileSync(join(built, 'secret.txt'), 'not an asset');
    app = await appWith({ dashboardDir: built });
  });
  after(() => app.close());

  it('GET / answers index.html, revalidated every time', async () => {
    const response = await app.inject({ method: 'GET', url: '/' });
    assert.equal(response.statusCode, 200);
    assert.match(response.headers['content-type'] as string, /^text\/html/);
    assert.equal(response.headers['cache-control'], 'no-cache');
    assert.match(response.body, /id="root"/);
  });

  it('GET /assets/* answers the bundles with their content type, cached for a year', async () => {
    const js = await app.inject({ method: 'GET', url: '/assets/index-Ab12.js' });
    assert.equal(js.statusCode, 200);
    assert.match(js.headers['content-type'] as string, /^text\/javascript/);
    assert.match(js.headers['cache-control'] as string, /max-age=31536000, immutable/);
    const css = await app.inject({ method: 'GET', url: '/assets/index-Cd34.css' });
    assert.match(css.headers['content-type'] as string, /^text\/css/);
  });

  it('refuses paths that leave the assets folder, and unknown files, with 404 NOT_FOUND', async () => {
    for (const url of [
      '/assets/../secret.txt',
      '/assets/..%2Fsecret.txt',
      '/assets/%2e%2e/secret.txt',
      '/assets/..%2F..%2Fpackage.json',
      '/assets/missing.js',
      '/assets/sub%2Findex-Ab12.js',
    ]) {
      const response = await app.inject({ method: 'GET', url });
      assert.equal(response.statusCode, 404, url);
      assert.doesNotMatch(response.body, /not an asset/, url);
    }
    const other = await app.inject({ method: 'GET', url: '/secret.txt' });
    assert.equal(other.statusCode, 404);
  });

  it('without a build, / is a 503 page naming the build command', async () => {
    const bare = await appWith({ dashboardDir: join(tempRoot, 'not-built') });
    try {
      const response = await bare.inject({ method: 'GET', url: '/' });
      assert.equal(response.statusCode, 503);
      assert.match(response.headers['content-type'] as string, /^text\/html/);
      assert.match(response.body, /dashboard not built: run <code>npm run build:dashboard<\/code>/);
    } finally {
      await bare.close();
    }
  });

  it('the dashboard, sim and compare routes are in the OpenAPI document', async () => {
    const paths = Object.keys((app.swagger() as { paths: Record<string, unknown> }).paths);
    for (const path of [
      '/',
      '/assets/{file}',
      '/v1/sim/runs',
      '/v1/sim/runs/{name}/summary',
      '/v1/sim/runs/{name}/homes',
      '/v1/sim/runs/{name}/files/{file}',
      '/v1/market/slots/{slot}/compare',
    ]) {
      assert.ok(paths.includes(path), path);
    }
  });
});

describe('slots.csv parsing', () => {
  it('reads RFC 4180 quoting, CRLF and a trailing newline', () => {
    assert.deepEqual(parseCsv('a,b\r\n"x,1","say ""hi"""\n2,\n'), [
      ['a', 'b'],
      ['x,1', 'say "hi"'],
      ['2', ''],
    ]);
  });

  it('finds the columns by header name, whatever their order, and names a missing one', () => {
    const csv = [
      'home,slot,pv_wh,load_wh,soc_wh,peer_import_wh,peer_export_wh,grid_import_wh,grid_export_wh,payment_micro,grid_only_payment_micro,extra',
      '"H,1",0,10,100,5,0,0,90,0,27000,30000,x',
      'H2,0,0,50,0,0,0,50,0,15000,15000,x',
      '"H,1",1,20,200,6,1,0,179,0,-5,60000,x',
      'H2,1,0,60,0,0,0,60,0,18000,18000,x',
    ].join('\n');
    const homes = parseSlotsCsv(csv, new Map([['H,1', 'prosumer']]));
    assert.deepEqual(
      homes.map((h) => [h.id, h.role, h.loadWh, h.pvWh, h.paymentMicro]),
      [
        ['H,1', 'prosumer', [100, 200], [10, 20], ['27000', '-5']],
        ['H2', '', [50, 60], [0, 0], ['15000', '18000']],
      ],
    );
    assert.throws(
      () => parseSlotsCsv('slot,home,load_wh\n0,H,1\n'),
      (error: unknown) => error instanceof Error && /no column pv_wh/.test(error.message),
    );
  });
});

describe('/v1/sim/runs', () => {
  const results = join(tempRoot, 'results');
  let app: FastifyInstance;
  let runHash = '';
  let loadWh = 0;
  before(async () => {
    const run = await runCommunity(resolveCommunity(loadScenario('saini2023')), { ledger: 'none' });
    runHash = run.runHash;
    await writeReport(run, join(results, 'saini2023'), { png: false });
    mkdirSync(join(results, 'not-a-run'), { recursive: true });
    writeFileSync(join(results, 'not-a-run', 'notes.md'), '# not a report');
    const summary = JSON.parse(readFileSync(join(results, 'saini2023', 'summary.json'), 'utf8')) as {
      energy: { loadWh: number };
    };
    loadWh = summary.energy.loadWh;
    app = await appWith({ resultsDir: results });
  });
  after(() => app.close());

  it('lists every folder holding a summary.json', async () => {
    const response = await app.inject({ method: 'GET', url: '/v1/sim/runs' });
    assert.equal(response.statusCode, 200);
    const { runs } = response.json() as { runs: Array<Record<string, unknown>> };
    assert.equal(runs.length, 1);
    const [first] = runs;
    assert.deepEqual(
      {
        name: first!['name'],
        scenario: first!['scenario'],
        mechanism: first!['mechanism'],
        homes: first!['homes'],
        slots: first!['slots'],
        ledger: first!['ledger'],
        runHash: first!['runHash'],
      },
      {
        name: 'saini2023',
        scenario: 'saini2023',
        mechanism: 'fixed-price',
        homes: 5,
        slots: 24,
        ledger: 'none',
        runHash,
      },
    );
    assert.ok((first!['files'] as string[]).includes('pv-load.svg'));
  });

  it('is an empty list when the node has no results directory, or it does not exist', async () => {
    for (const resultsDir of [undefined, join(tempRoot, 'nowhere')]) {
      const bare = await appWith({ resultsDir });
      try {
        const response = await bare.inject({ method: 'GET', url: '/v1/sim/runs' });
        assert.deepEqual(response.json(), { runs: [] });
      } finally {
        await bare.close();
      }
    }
  });

  it('serves a run’s summary.json', async () => {
    const response = await app.inject({ method: 'GET', url: '/v1/sim/runs/saini2023/summary' });
    assert.equal(response.statusCode, 200);
    const summary = response.json() as { format: string; run: { runHash: string } };
    assert.equal(summary.format, 'gridpeer-report/1');
    assert.equal(summary.run.runHash, runHash);
  });

  it('parses slots.csv into one series per home, roles from summary.json, payments as µcoin strings', async () => {
    const response = await app.inject({ method: 'GET', url: '/v1/sim/runs/saini2023/homes' });
    assert.equal(response.statusCode, 200);
    const body = response.json() as {
      slotMs: number;
      startMs: number;
      homes: Array<{ id: string; role: string; loadWh: number[]; socWh: number[]; paymentMicro: string[] }>;
    };
    assert.equal(body.slotMs, 3_600_000);
    assert.equal(body.startMs, Date.parse('2017-05-11T00:00:00Z'));
    assert.deepEqual(
      body.homes.map((h) => [h.id, h.role]),
      [
        ['P1', 'prosumer'],
        ['P2', 'prosumer'],
        ['C1', 'consumer'],
        ['C2', 'consumer'],
        ['C3', 'consumer'],
      ],
    );
    for (const home of body.homes) {
      assert.equal(home.loadWh.length, 24);
      assert.equal(home.paymentMicro.length, 24);
      assert.ok(home.paymentMicro.every((p) => /^-?\d+$/.test(p)));
    }
    const total = body.homes.reduce((sum, h) => sum + h.loadWh.reduce((a, b) => a + b, 0), 0);
    assert.equal(total, loadWh);
    // Cached while the file is unchanged: the same answer again.
    const again = await app.inject({ method: 'GET', url: '/v1/sim/runs/saini2023/homes' });
    assert.equal(again.body, response.body);
  });

  it('serves report files by name with their content type', async () => {
    const svg = await app.inject({ method: 'GET', url: '/v1/sim/runs/saini2023/files/pv-load.svg' });
    assert.equal(svg.statusCode, 200);
    assert.equal(svg.headers['content-type'], 'image/svg+xml');
    assert.match(svg.body, /<svg/);
    const md = await app.inject({ method: 'GET', url: '/v1/sim/runs/saini2023/files/README.md' });
    assert.match(md.headers['content-type'] as string, /^text\/markdown/);
    const csv = await app.inject({ method: 'GET', url: '/v1/sim/runs/saini2023/files/trades.csv' });
    assert.match(csv.headers['content-type'] as string, /^text\/csv/);
  });

  it('400 INVALID_ARGUMENT for a bad file or run name, naming the field', async () => {
    for (const [url, field] of [
      ['/v1/sim/runs/saini2023/files/..%2Fsaini2023%2Fsummary.json', 'file'],
      ['/v1/sim/runs/saini2023/files/run.sh', 'file'],
      ['/v1/sim/runs/saini2023/files/a%20b.svg', 'file'],
      ['/v1/sim/runs/..%2Fresults/summary', 'name'],
      ['/v1/sim/runs/a%20b/homes', 'name'],
    ] as const) {
      const response = await app.inject({ method: 'GET', url });
      assert.equal(response.statusCode, 400, url);
      const body = response.json() as { code: string; details: { field: string } };
      assert.equal(body.code, 'INVALID_ARGUMENT', url);
      assert.equal(body.details.field, field, url);
    }
  });

  it('404 NOT_FOUND naming a missing run or file', async () => {
    const run = await app.inject({ method: 'GET', url: '/v1/sim/runs/nope/summary' });
    assert.equal(run.statusCode, 404);
    assert.equal(run.json().code, 'NOT_FOUND');
    assert.match(run.json().message, /nope/);
    const notRun = await app.inject({ method: 'GET', url: '/v1/sim/runs/not-a-run/files/notes.md' });
    assert.equal(notRun.statusCode, 404);
    const file = await app.inject({ method: 'GET', url: '/v1/sim/runs/saini2023/files/missing.svg' });
    assert.equal(file.statusCode, 404);
    assert.match(file.json().message, /missing\.svg/);
  });
});

describe('/v1/market/slots/:slot/compare', () => {
  const admin = devKeyPair('Admin');
  const START_MS = MARKET_START_MS;
  const OPEN = TEST_MARKET_OPEN;
  let chain: Chain;
  let app: FastifyInstance;

  before(async () => {
    const opened = await openTestChain({ contract: createMarketContract() });
    chain = opened.chain;
    const nonces = new Map<string, number>();
    const tx = <K extends MarketTxKind>(kind: K, payload: MarketPayloads[K], signer: KeyPair): Transaction => {
      const nonce = nonces.get(signer.address) ?? 0;
      nonces.set(signer.address, nonce + 1);
      return createMarketTx(kind, payload, { chainId: 1337, nonce, timestampMs: GENESIS_MS }, signer);
    };
    let parent = opened.forge.genesis.hash;
    const add = async (txs: Transaction[], timestampMs?: number) => {
      const forged = await opened.forge.extend(parent, { txs, ...(timestampMs === undefined ? {} : { timestampMs }) });
      const result = await chain.importBlock(forged.block);
      assert.equal(result.status, 'head', `${result.failure?.code}: ${result.failure?.reason}`);
      parent = forged.hash;
    };
    const meter = (name: string) => devKeyPair(name).publicKey;
    await add([
      tx('register', { role: 'prosumer', meterPublicKey: meter('a'), pvW: 5000, batteryWh: 0, location: 'f1' }, alice),
      tx('register', { role: 'consumer', meterPublicKey: meter('b'), pvW: 0, batteryWh: 0, location: 'f1' }, bob),
    ]);
    await add([
      tx('approve', { participant: alice.address }, admin),
      tx('approve', { participant: bob.address }, admin),
      tx('market', OPEN, admin),
    ]);
    await add([
      tx('offer', { slot: 0, energyWh: 2000, limitPriceMicroPerKwh: 120_000n }, alice),
      tx('bid', { slot: 0, energyWh: 1500, limitPriceMicroPerKwh: 250_000n }, bob),
    ]);
    await add([], START_MS - 5_000);
    assert.equal(readSlot(chain.state, 0)?.status, 'cleared');
    app = await appWith({ chain });
  });
  after(async () => {
    await app.close();
    await chain.close();
  });

  it('clears a cleared slot’s orders with every mechanism', async () => {
    const response = await app.inject({ method: 'GET', url: '/v1/market/slots/0/compare' });
    assert.equal(response.statusCode, 200, response.body);
    const body = response.json() as {
      slot: number;
      status: string;
      orders: number;
      clearedWith: string;
      mechanisms: Array<{
        mechanism: string;
        tradedWh: number;
        clearingPriceMicroPerKwh: string | null;
        gridImportWh: number;
        gridExportWh: number;
        savingsMicro: string;
        error?: string;
      }>;
    };
    assert.equal(body.slot, 0);
    assert.equal(body.status, 'cleared');
    assert.equal(body.orders, 2);
    assert.equal(body.clearedWith, 'uniform-auction');
    assert.deepEqual(
      body.mechanisms.map((m) => m.mechanism),
      MECHANISMS.map((m) => m.name),
    );
    const byName = new Map(body.mechanisms.map((m) => [m.mechanism, m]));
    const gridOnly = byName.get('grid-only')!;
    assert.deepEqual(
      [gridOnly.tradedWh, gridOnly.gridImportWh, gridOnly.gridExportWh, gridOnly.savingsMicro],
      [0, 1500, 2000, '0'],
    );
    // The configured mechanism with the schedule's parameters gives what the chain cleared.
    const onChain = readSlot(chain.state, 0)!;
    const uniform = byName.get('uniform-auction')!;
    assert.equal(uniform.tradedWh, 1500);
    assert.equal(uniform.clearingPriceMicroPerKwh, onChain.result!.clearingPriceMicroPerKwh?.toString() ?? null);
    assert.deepEqual([uniform.gridImportWh, uniform.gridExportWh], [onChain.result!.gridImportWh, 500]);
    const savings = onChain.settlements.reduce((sum, s) => sum + s.gridOnlyPaymentMicro - s.netPaymentMicro, 0n);
    assert.equal(uniform.savingsMicro, savings.toString());
    assert.ok(savings > 0n);
    for (const row of body.mechanisms) {
      if (row.error === undefined) assert.match(row.savingsMicro, /^-?\d+$/, row.mechanism);
    }
  });

  it('a slot ahead in an open-ended schedule compares an empty book; a bad slot is 400', async () => {
    const ahead = await app.inject({ method: 'GET', url: '/v1/market/slots/4294967295/compare' });
    // The schedule is open-ended: every later slot is in it (open, no orders) …
    assert.equal(ahead.statusCode, 200);
    assert.equal(ahead.json().orders, 0);
    const bad = await app.inject({ method: 'GET', url: '/v1/market/slots/-1/compare' });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().code, 'INVALID_ARGUMENT');
  });

  it('404 NOT_FOUND when no market is open', async () => {
    const { chain: bare } = await openTestChain({ contract: createMarketContract() });
    const bareApp = await appWith({ chain: bare });
    try {
      const response = await bareApp.inject({ method: 'GET', url: '/v1/market/slots/0/compare' });
      assert.equal(response.statusCode, 404);
      assert.equal(response.json().code, 'NOT_FOUND');
      assert.equal(response.json().details.field, 'slot');
    } finally {
      await bareApp.close();
      await bare.close();
    }
  });
});
