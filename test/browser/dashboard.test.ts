/**
 * The web dashboard in a real browser (MISSION U1), against the network `npm start` brings up: five node
 * processes that have just run seed 000's community day (saini2023) through their market. Headless Chromium
 * (Debian's `chromium`, driven by playwright-core) opens node 1's `/` and checks every view: the network's five
 * nodes; a household registered, approved by the administrator and trading through the Actions form, its order on
 * every node; an approval by a non-administrator refused with NOT_ADMIN; the community run's household charts;
 * the chain with "verify chain" valid; the nav at phone size; and no console error anywhere. Screenshots of each
 * view go to `test-artifacts/dashboard/` (gitignored).
 *
 * The nodes of `gridpeer start` mine only on request, so the test mines (`POST /v1/mine`, open on a dev network)
 * after each transaction, as a user of the seed's Postman flow would.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Browser, chromium, type Page } from 'playwright-core';
import { devKeyPair } from '../../src/chain/devAccounts.js';
import { MECHANISMS } from '../../src/market/registry.js';
import { ensureBuilt, freePortRange, removeDir, tempDir, waitFor } from '../helpers/processNodes.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const BIN = join(ROOT, 'bin', 'gridpeer.js');
const ARTIFACTS = join(ROOT, 'test-artifacts', 'dashboard');
const NODES = 5;
/** `gridpeer start`'s default: a 2-core machine running the whole suite needs the room. */
const SLOT_MS = 3000;
/** `npm start` takes about 50 s (24 slots of 1.5 s, plus setup); building and launching add some more. */
const SETUP_TIMEOUT_MS = 240_000;
const STEP_TIMEOUT_MS = 60_000;

const consumer3 = devKeyPair('Consumer3').address;

/** `command -v chromium` (or $CHROMIUM_PATH): the browser the tests drive; undefined when none is installed. */
function chromiumPath(): string | undefined {
  const fromEnv = process.env['CHROMIUM_PATH'];
  if (fromEnv && existsSync(fromEnv)) return fromEnv;
  for (const name of ['chromium', 'chromium-browser']) {
    const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
    const path = found.stdout.trim();
    if (found.status === 0 && path !== '') return path;
  }
  return undefined;
}

/** Newest modification time of any file under `dir`. */
function newestMtimeMs(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtimeMs(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Builds dist/dashboard once when it is missing or older than dashboard/ (as ensureBuilt does for the CLI). */
function ensureDashboardBuilt(): void {
  const index = join(ROOT, 'dist', 'dashboard', 'index.html');
  if (existsSync(index) && statSync(index).mtimeMs >= newestMtimeMs(join(ROOT, 'dashboard'))) return;
  const result = spawnSync(
    process.execPath,
    [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'dashboard/vite.config.ts'],
    { cwd: ROOT, stdio: 'inherit' },
  );
  if (result.status !== 0 || !existsSync(index)) throw new Error('dashboard build failed');
}

async function getJson(url: string): Promise<Record<string, unknown>> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  return (await response.json()) as Record<string, unknown>;
}

const CHROMIUM = chromiumPath();

describe('the dashboard in Chromium, on the network npm start runs', () => {
  it('finds Debian Chromium (.ci/run installs it with apt: apt-get install -y chromium)', () => {
    assert.ok(CHROMIUM !== undefined, 'no chromium on PATH: run `apt-get update && apt-get install -y chromium`');
  });

  let work = '';
  let start: ChildProcess | undefined;
  let startOutput = '';
  let browser: Browser | undefined;
  let page: Page;
  let urls: string[] = [];
  /** Console errors and uncaught page errors, with the step they happened in. */
  const problems: Array<{ step: string; text: string }> = [];
  let step = 'load';

  const shot = async (view: string) => {
    await page.screenshot({ path: join(ARTIFACTS, `${view}.png`), fullPage: true });
  };
  const mine = async (node = urls[0]!) => {
    const response = await fetch(`${node}/v1/mine`, { method: 'POST', signal: AbortSignal.timeout(30_000) });
    assert.ok(response.ok || response.status === 409, `mine: ${response.status} ${await response.text()}`);
  };
  const result = () => page.getByTestId('action-result');
  /**
   * Waits until the Actions form reports a new outcome (`data-state` ok or error, text changed), and returns its
   * state and text.
   */
  const nextResult = async (before: string): Promise<{ state: string; text: string }> => {
    let text = before;
    let state = '';
    await waitFor(
      'an action result',
      async () => {
        state = (await result().getAttribute('data-state')) ?? '';
        text = (await result().textContent()) ?? '';
        return (state === 'ok' || state === 'error') && text !== before;
      },
      STEP_TIMEOUT_MS,
    );
    return { state, text };
  };
  const selectKey = async (name: string) => {
    await page.getByTestId('key-select').selectOption(name);
  };

  before(
    async () => {
      ensureBuilt();
      ensureDashboardBuilt();
      mkdirSync(ARTIFACTS, { recursive: true });
      work = tempDir('gridpeer-browser-');
      const basePort = await freePortRange(NODES);
      urls = Array.from({ length: NODES }, (_, i) => `http://127.0.0.1:${basePort + i}`);
      const env: NodeJS.ProcessEnv = { ...process.env };
      delete env['GRIDPEER_ADMIN_TOKEN'];
      delete env['GRIDPEER_DATA_DIR'];
      start = spawn(
        process.execPath,
        [
          BIN,
          'start',
          '--base-port',
          String(basePort),
          '--data-root',
          join(work, 'net'),
          '--out',
          join(work, 'results', 'saini2023'),
          '--slot-ms',
          String(SLOT_MS),
        ],
        { cwd: work, env, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      start.stdout?.on('data', (chunk: Buffer) => {
        startOutput += chunk.toString();
      });
      start.stderr?.on('data', (chunk: Buffer) => {
        startOutput += chunk.toString();
      });
      const startedMs = Date.now();
      await waitFor(
        '`gridpeer start` to finish its run',
        async () => {
          if (start?.exitCode !== null) throw new Error(`gridpeer start exited early:\n${startOutput}`);
          return startOutput.includes('Ctrl-C stops every node');
        },
        SETUP_TIMEOUT_MS,
      ).catch((error: unknown) => {
        throw new Error(`${(error as Error).message}\n${startOutput}`);
      });
      process.stderr.write(`# gridpeer start ready in ${((Date.now() - startedMs) / 1000).toFixed(1)} s\n`);
      assert.match(startOutput, new RegExp(`http://127\\.0\\.0\\.1:${basePort}/ +the dashboard`));

      browser = await chromium.launch({
        executablePath: CHROMIUM!,
        args: [
          '--headless=new',
          '--no-sandbox',
          '--disable-gpu',
          '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1',
        ],
      });
      page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      page.setDefaultTimeout(STEP_TIMEOUT_MS);
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push({ step, text: message.text() });
      });
      page.on('pageerror', (error) =>
        problems.push({
          step,
          text: `pageerror: ${error.message}\n${(error.stack ?? '').split('\n').slice(1, 4).join('\n')}`,
        }),
      );
      await page.goto(`${urls[0]}/`);
    },
    { timeout: SETUP_TIMEOUT_MS + 60_000 },
  );

  after(
    async () => {
      await browser?.close();
      if (start && start.exitCode === null) {
        const exited = new Promise<void>((resolve) => start!.once('exit', () => resolve()));
        start.kill('SIGINT');
        const timer = setTimeout(() => start?.kill('SIGKILL'), 20_000);
        await exited;
        clearTimeout(timer);
      }
      if (work !== '') removeDir(work);
    },
    { timeout: 60_000 },
  );

  it('network view: the five nodes', { timeout: STEP_TIMEOUT_MS }, async () => {
    step = 'network';
    await page.getByTestId('nav-network').click();
    await waitFor('five node rows', async () => (await page.getByTestId('node-row').count()) === NODES, 30_000);
    await page.getByTestId('header-height').waitFor();
    await shot('network');
  });

  it('network view: "mine a block now" mines one, and every node reaches it', {
    timeout: STEP_TIMEOUT_MS,
  }, async () => {
    step = 'mine';
    const before = Number((await getJson(`${urls[0]}/v1/status`))['height']);
    await page.getByTestId('mine-block').click();
    await waitFor(
      'the mined block',
      async () => /mined block \d+/.test((await page.getByTestId('mine-result').textContent()) ?? ''),
      30_000,
    );
    for (const url of urls) {
      await waitFor(
        `${url} past height ${before}`,
        async () => Number((await getJson(`${url}/v1/status`))['height']) > before,
        30_000,
      );
    }
  });

  it('actions: a household registers, the administrator approves it, its bid reaches every node', {
    timeout: 120_000,
  }, async () => {
    step = 'actions';
    await page.getByTestId('nav-actions').click();

    // Consumer3 (a funded dev account; saini2023's households are simulated keys) registers as a consumer.
    await selectKey('Consumer3');
    await page.getByTestId('action-register-role').selectOption('consumer');
    let before = (await result().textContent()) ?? '';
    await page.getByTestId('action-register-submit').click();
    let outcome = await nextResult(before);
    assert.equal(outcome.state, 'ok', outcome.text);
    await waitFor(
      'the registration mined',
      async () => {
        await mine();
        const p = await getJson(`${urls[0]}/v1/participants/${consumer3}`);
        return p['status'] === 'pending';
      },
      30_000,
    );

    // The administrator approves it.
    await selectKey('Admin');
    await page.getByTestId('action-approve-address').fill(consumer3);
    before = (await result().textContent()) ?? '';
    await page.getByTestId('action-approve-submit').click();
    outcome = await nextResult(before);
    assert.equal(outcome.state, 'ok', outcome.text);
    await waitFor(
      'the approval mined',
      async () => {
        await mine();
        const p = await getJson(`${urls[0]}/v1/participants/${consumer3}`);
        return p['status'] === 'approved';
      },
      30_000,
    );
    await shot('actions');

    // The market `npm start` opened is still open (its slots run on); Consumer3 bids on a slot whose gate is a few
    // seconds ahead, and the test mines the block before that gate closes. A slow step retries a later slot.
    const market = await getJson(`${urls[0]}/v1/market`);
    const config = market['config'] as {
      startMs: number;
      slotDurationMs: number;
      gateClosureLeadMs: number;
      firstSlot: number;
      lastSlot: number | null;
      maxSlotsAhead: number;
    } | null;
    assert.ok(config !== null && config.lastSlot === null, 'the market of npm start is still open');
    await selectKey('Consumer3');
    let slot = -1;
    for (let attempt = 0; attempt < 3 && slot < 0; attempt++) {
      const sinceFirstGate = Date.now() - (config.startMs - config.gateClosureLeadMs);
      const nextGate = config.firstSlot + Math.max(0, Math.floor(sinceFirstGate / config.slotDurationMs) + 1);
      const target = nextGate + Math.min(3, config.maxSlotsAhead - 1);
      await page.getByTestId('action-order-side').selectOption('bid');
      await page.getByTestId('action-order-slot').fill(String(target));
      await page.getByTestId('action-order-wh').fill('500');
      await page.getByTestId('action-order-price').fill('0.25');
      before = (await result().textContent()) ?? '';
      await page.getByTestId('action-order-submit').click();
      outcome = await nextResult(before);
      await mine();
      const view = await getJson(`${urls[0]}/v1/market/slots/${target}`);
      const orders = (view['orders'] as Array<{ participant: string }> | undefined) ?? [];
      if (orders.some((o) => o.participant === consumer3)) slot = target;
      else process.stderr.write(`# bid on slot ${target} not in a block in time (${outcome.text.trim()}); retrying\n`);
    }
    assert.ok(slot >= 0, `the bid never made it into a block: ${outcome.text}`);
    // Every node has the order (the block propagated).
    await waitFor(
      'the bid on all five nodes',
      async () => {
        const views = await Promise.all(urls.map((url) => getJson(`${url}/v1/market/slots/${slot}`)));
        return views.every((v) =>
          ((v['orders'] as Array<{ participant: string }> | undefined) ?? []).some((o) => o.participant === consumer3),
        );
      },
      30_000,
    );
  });

  it('actions: an approval signed by a non-administrator is refused with NOT_ADMIN', {
    timeout: STEP_TIMEOUT_MS,
  }, async () => {
    step = 'refused';
    await page.getByTestId('nav-actions').click();
    await selectKey('Consumer2');
    await page.getByTestId('action-approve-address').fill(devKeyPair('Consumer1').address);
    const before = (await result().textContent()) ?? '';
    await page.getByTestId('action-approve-submit').click();
    const outcome = await nextResult(before);
    assert.equal(outcome.state, 'error', outcome.text);
    assert.match(outcome.text, /NOT_ADMIN/);
    await shot('actions-refused');
  });

  it('market view: the slots, their orders and the mechanism comparison', { timeout: STEP_TIMEOUT_MS }, async () => {
    step = 'market';
    await page.getByTestId('nav-market').click();
    await page.getByTestId('slot-select').waitFor();
    // The selected slot cleared by every mechanism (/v1/market/slots/:slot/compare): one row each.
    await waitFor(
      'one compare row per mechanism',
      async () => (await page.getByTestId('compare-row').count()) === MECHANISMS.length,
      30_000,
    );
    await shot('market');
  });

  it('community view: the run, a household found by search, its chart and the community chart', {
    timeout: STEP_TIMEOUT_MS,
  }, async () => {
    step = 'community';
    await page.getByTestId('nav-community').click();
    const runSelect = page.getByTestId('run-select');
    await runSelect.waitFor();
    await waitFor(
      'the run listed',
      async () => (await runSelect.locator('option[value="saini2023"]').count()) > 0,
      30_000,
    );
    await runSelect.selectOption('saini2023');
    await page.getByTestId('household-search').fill('C3');
    const row = page.getByTestId('household-row').first();
    await row.waitFor();
    assert.match((await row.textContent()) ?? '', /C3/);
    await row.click();
    await page.locator('[data-testid=household-chart] canvas, [data-testid=household-chart] svg').first().waitFor();
    await page.getByTestId('community-chart').first().waitFor();
    await shot('community');
  });

  it('chain view: blocks listed, and "verify chain" says the chain is valid', {
    timeout: STEP_TIMEOUT_MS,
  }, async () => {
    step = 'chain';
    await page.getByTestId('nav-chain').click();
    await waitFor('block rows', async () => (await page.getByTestId('block-row').count()) > 0, 30_000);
    await page.getByTestId('verify-chain').click();
    const verdict = page.getByTestId('verify-result');
    await waitFor('the verdict', async () => /valid/i.test((await verdict.textContent()) ?? ''), 30_000);
    const text = (await verdict.textContent()) ?? '';
    assert.doesNotMatch(text, /invalid|not valid/i, text);
    await shot('chain');
  });

  it('at phone size (375×812) the nav is visible and works', { timeout: STEP_TIMEOUT_MS }, async () => {
    step = 'phone';
    await page.setViewportSize({ width: 375, height: 812 });
    for (const view of ['network', 'chain', 'market', 'community', 'actions']) {
      const link = page.getByTestId(`nav-${view}`);
      assert.ok(await link.isVisible(), `nav-${view} visible at 375 px`);
    }
    await page.getByTestId('nav-chain').click();
    await page.getByTestId('block-row').first().waitFor();
    await shot('phone-chain');
    await page.getByTestId('nav-network').click();
    await page.getByTestId('node-row').first().waitFor();
    await shot('phone-network');
  });

  it('no console errors and no uncaught page errors in any view', () => {
    // The refused approval is a 403 from POST /v1/txs, which Chromium logs as a failed resource load; that one
    // is expected. Anything else is a bug.
    const unexpected = problems.filter(
      (p) =>
        !(p.step === 'refused' && /Failed to load resource: the server responded with a status of 403/.test(p.text)),
    );
    assert.deepEqual(unexpected, []);
  });
});
