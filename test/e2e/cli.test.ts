/**
 * End-to-end tests of the `gridpeer` command line as a user runs it: `node bin/gridpeer.js …` (the compiled CLI in
 * dist/, rebuilt here when older than src/) in a temporary working directory. Exit codes: 0 ok, 1 the command ran
 * and found a problem, 2 bad input (src/cli/output.ts).
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { freePortRange } from '../helpers/processNodes.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const binPath = join(repoRoot, 'bin', 'gridpeer.js');
const builtEntry = join(repoRoot, 'dist', 'cli', 'main.js');

interface CliRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

let workDir = '';

function cli(...args: string[]): CliRun {
  const env: NodeJS.ProcessEnv = { ...process.env };
  // The data directory must come from the flags under test, never from the developer's environment.
  delete env['GRIDPEER_DATA_DIR'];
  const run = spawnSync(process.execPath, [binPath, ...args], { cwd: workDir, env, encoding: 'utf8', timeout: 30_000 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** Like {@link cli}, without blocking the event loop (for commands that take seconds). */
function cliAsync(...args: string[]): Promise<CliRun> {
  return cliAsyncWithin(60_000, ...args);
}

/** {@link cliAsync} with its own time limit (a whole `start` run takes a minute and a half). */
function cliAsyncWithin(timeoutMs: number, ...args: string[]): Promise<CliRun> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env['GRIDPEER_DATA_DIR'];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [binPath, ...args], { cwd: workDir, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

function describeRun(run: CliRun): string {
  return `exit ${run.status}\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`;
}

function expectExit(run: CliRun, code: number): void {
  assert.equal(run.status, code, describeRun(run));
}

function newestMtimeMs(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const stat = statSync(path);
    newest = Math.max(newest, stat.isDirectory() ? newestMtimeMs(path) : stat.mtimeMs);
  }
  return newest;
}

/** Builds dist/ with the project's compiler when it is missing or older than any source file. */
function ensureBuilt(): void {
  if (existsSync(builtEntry) && statSync(builtEntry).mtimeMs >= newestMtimeMs(join(repoRoot, 'src'))) return;
  const build = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  assert.ok(existsSync(builtEntry), `tsc did not produce dist/cli/main.js:\n${build.stdout}${build.stderr}`);
}

function readJson(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(workDir, name), 'utf8')) as Record<string, unknown>;
}

/** The parts of an exported chain file the tampering tests edit. */
interface ChainFileJson {
  headHash: string;
  blocks: Array<{
    hash: string;
    header: { timestampMs: number; nonce?: string };
    txs: Array<{ amountMicro: string }>;
  }>;
}

/** Writes a copy of the exported chain `c.json` after `edit` changed it. */
function tamperedCopy(name: string, edit: (chain: ChainFileJson) => void): string {
  const chain = readJson('c.json') as unknown as ChainFileJson;
  edit(chain);
  writeFileSync(join(workDir, name), JSON.stringify(chain));
  return name;
}

before(() => {
  ensureBuilt();
  workDir = mkdtempSync(join(tmpdir(), 'gridpeer-cli-'));
});

after(() => {
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe('gridpeer keys', () => {
  it('keys new --out writes a 0600 key file whose address keys show prints', () => {
    const created = cli('keys', 'new', '--out', 'k.json');
    expectExit(created, 0);
    const address = created.stdout.trim();
    assert.match(address, /^gp[0-9a-f]{40}$/);
    assert.equal(statSync(join(workDir, 'k.json')).mode & 0o777, 0o600);
    const shown = cli('keys', 'show', 'k.json');
    expectExit(shown, 0);
    assert.equal((JSON.parse(shown.stdout) as { address: string }).address, address);
  });

  it('keys new refuses to overwrite an existing key file without --force (exit 2, FILE_EXISTS)', () => {
    const before = readFileSync(join(workDir, 'k.json'), 'utf8');
    const again = cli('keys', 'new', '--out', 'k.json');
    expectExit(again, 2);
    assert.match(again.stderr, /FILE_EXISTS/);
    assert.equal(readFileSync(join(workDir, 'k.json'), 'utf8'), before, 'the existing key must be untouched');
  });
});

describe('gridpeer chain: init, mine, status, export, verify', () => {
  let address = '';
  let headHash = '';

  it('chain init creates a devnet chain with an allocation', () => {
    address = (readJson('k.json') as { address: string }).address;
    const init = cli('chain', 'init', '--data-dir', 'D', '--difficulty', '8', '--alloc', `${address}=10`);
    expectExit(init, 0);
    assert.match(init.stdout, /height 0, head [0-9a-f]{64}/);
  });

  it('chain mine --blocks 3 mines three blocks and reports each', () => {
    const mine = cli('chain', 'mine', '--data-dir', 'D', '--blocks', '3', '--key', 'k.json', '--threads', '1');
    expectExit(mine, 0);
    const progressLines = mine.stdout.split('\n').filter((line) => /^\[\d+\/3\] block \d+ [0-9a-f]{64}/.test(line));
    assert.equal(progressLines.length, 3, describeRun(mine));
    assert.match(mine.stdout, /height 3, head [0-9a-f]{64}/);
  });

  it('chain status shows the head and the miner account', () => {
    const status = cli('chain', 'status', '--data-dir', 'D');
    expectExit(status, 0);
    const head = /height 3, head ([0-9a-f]{64})/.exec(status.stdout);
    assert.ok(head, describeRun(status));
    headHash = head[1]!;
    // 10 coins allocated + 3 block rewards of 1 coin.
    assert.match(status.stdout, new RegExp(`${address}\\s+13 coins`));
  });

  it('chain export writes the canonical chain, and chain verify accepts it', () => {
    const exported = cli('chain', 'export', '--data-dir', 'D', '--out', 'c.json');
    expectExit(exported, 0);
    const file = readJson('c.json') as unknown as ChainFileJson;
    assert.equal(file.blocks.length, 4);
    assert.equal(file.headHash, headHash);
    const verified = cli('chain', 'verify', 'c.json');
    expectExit(verified, 0);
    assert.match(verified.stdout, /valid/);
    expectExit(cli('chain', 'verify', 'c.json', '--head', headHash), 0);
  });

  it('chain verify names block 2 and BLOCK_BAD_TX_ROOT when a transaction amount was edited', () => {
    const name = tamperedCopy('tx-edited.json', (chain) => {
      const tx = chain.blocks[2]!.txs[0]!;
      tx.amountMicro = (BigInt(tx.amountMicro) + 1n).toString();
    });
    const run = cli('chain', 'verify', name);
    expectExit(run, 1);
    assert.match(run.stderr, /block 2\b/);
    assert.match(run.stderr, /BLOCK_BAD_TX_ROOT/);
  });

  it('chain verify names the block and BLOCK_HASH_MISMATCH when a header timestamp was edited', () => {
    const name = tamperedCopy('time-edited.json', (chain) => {
      chain.blocks[2]!.header.timestampMs += 1;
    });
    const run = cli('chain', 'verify', name);
    expectExit(run, 1);
    assert.match(run.stderr, /block 2\b/);
    assert.match(run.stderr, /BLOCK_HASH_MISMATCH/);
  });

  it('chain verify --head with another hash fails with CHAIN_HEAD_MISMATCH', () => {
    const other = (readJson('c.json') as unknown as ChainFileJson).blocks[1]!.hash;
    const run = cli('chain', 'verify', 'c.json', '--head', other);
    expectExit(run, 1);
    assert.match(run.stderr, /CHAIN_HEAD_MISMATCH/);
  });

  it('chain verify rejects a malformed file as bad input naming the missing field', () => {
    const name = tamperedCopy('malformed.json', (chain) => {
      delete chain.blocks[1]!.header.nonce;
    });
    const run = cli('chain', 'verify', name);
    expectExit(run, 2);
    assert.match(run.stderr, /blocks\[1\]\.header\.nonce/);
  });
});

describe('gridpeer: bad input exits 2 naming the field and changes nothing', () => {
  it('chain mine --blocks x names --blocks', () => {
    const run = cli('chain', 'mine', '--data-dir', 'D', '--blocks', 'x', '--key', 'k.json');
    expectExit(run, 2);
    assert.match(run.stderr, /--blocks/);
  });

  it('chain mine without --miner or --key', () => {
    const run = cli('chain', 'mine', '--data-dir', 'D', '--blocks', '1');
    expectExit(run, 2);
    assert.match(run.stderr, /--miner/);
    assert.match(cli('chain', 'status', '--data-dir', 'D').stdout, /height 3,/, 'nothing was mined');
  });

  it('chain init --alloc nonsense=1 names the field and creates no chain', () => {
    const run = cli('chain', 'init', '--data-dir', 'E', '--alloc', 'nonsense=1');
    expectExit(run, 2);
    assert.match(run.stderr, /--alloc/);
    assert.equal(existsSync(join(workDir, 'E')), false);
  });

  it('chain status on an empty directory is CHAIN_NOT_INITIALIZED and leaves it empty', () => {
    mkdirSync(join(workDir, 'empty'));
    const run = cli('chain', 'status', '--data-dir', 'empty');
    expectExit(run, 2);
    assert.match(run.stderr, /CHAIN_NOT_INITIALIZED/);
    assert.deepEqual(readdirSync(join(workDir, 'empty')), []);
  });
});

describe('gridpeer simulate', () => {
  it('runs saini2023 on the in-process ledger, writes the report, and replays with the same run hash', async () => {
    const first = await cliAsync('simulate', '--scenario', 'saini2023', '--out', 'sim-a', '--json');
    expectExit(first, 0);
    const a = JSON.parse(first.stdout) as { runHash: string; trades: number; files: string[]; ledger: string };
    assert.equal(a.ledger, 'inprocess');
    assert.ok(a.trades > 0);
    for (const file of [
      'README.md',
      'trades.csv',
      'pairs.csv',
      'costs.csv',
      'slots.csv',
      'summary.json',
      'prices.png',
    ]) {
      assert.ok(existsSync(join(workDir, 'sim-a', file)), file);
    }
    const second = await cliAsync('simulate', '--scenario', 'saini2023', '--out', 'sim-b', '--json');
    expectExit(second, 0);
    assert.equal((JSON.parse(second.stdout) as { runHash: string }).runHash, a.runHash);
    // Byte for byte: every file of the report, charts included.
    const files = readdirSync(join(workDir, 'sim-a')).sort();
    assert.deepEqual(readdirSync(join(workDir, 'sim-b')).sort(), files);
    for (const file of files) {
      assert.ok(readFileSync(join(workDir, 'sim-a', file)).equals(readFileSync(join(workDir, 'sim-b', file))), file);
    }
  });

  it('compares every mechanism on one scenario in one table', async () => {
    const run = await cliAsync(
      'simulate',
      '--scenario',
      'saini2023',
      '--compare-mechanisms',
      '--ledger',
      'none',
      '--out',
      'cmp',
    );
    expectExit(run, 0);
    for (const name of ['fixed-price', 'sdr', 'uniform-auction', 'continuous-auction'])
      assert.match(run.stdout, new RegExp(`^${name} `, 'm'));
    assert.ok(existsSync(join(workDir, 'cmp', 'compare.csv')));
  });

  it('refuses a scenario with a bad field, naming it, and writes nothing', async () => {
    writeFileSync(
      join(workDir, 'bad-scenario.json'),
      JSON.stringify({
        ...JSON.parse(readFileSync(join(repoRoot, 'scenarios', 'saini2023.json'), 'utf8')),
        slotMinutes: 7,
      }),
    );
    const run = await cliAsync('simulate', '--scenario', 'bad-scenario.json', '--out', 'bad-out');
    expectExit(run, 2);
    assert.match(run.stderr, /INVALID_CONFIG: .*slotMinutes/);
    assert.equal(existsSync(join(workDir, 'bad-out')), false);
  });
});

describe('gridpeer start', () => {
  it('start --exit runs saini2023 through a 5-node dev network, writes the report, and the chain is valid', async () => {
    const basePort = await freePortRange(5);
    const run = await cliAsyncWithin(
      300_000,
      'start',
      '--exit',
      '--base-port',
      String(basePort),
      '--data-root',
      'net',
      '--out',
      'report',
    );
    expectExit(run, 0);
    assert.match(run.stdout, /running saini2023 through the network: 5 households, 24 slots/);
    assert.match(run.stdout, /slot 24\/24 cleared/);
    assert.match(run.stdout, /\d+ trades, [\d.]+ kWh between peers; community bill/);
    assert.match(run.stdout, /is_valid: All good\. The Blockchain is valid\./);
    for (let i = 0; i < 5; i++) assert.ok(existsSync(join(workDir, 'net', `node-${basePort + i}`, 'chain')));
    for (const file of ['README.md', 'trades.csv', 'costs.csv', 'pv-load.svg', 'pv-load.png']) {
      assert.ok(existsSync(join(workDir, 'report', file)), file);
    }
  });
});

describe('gridpeer network up / status', () => {
  it('starts two connected nodes, reports them, and stops them all on SIGINT', async () => {
    const basePort = await freePortRange(2);
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env['GRIDPEER_ADMIN_TOKEN'];
    const up = spawn(
      process.execPath,
      [binPath, 'network', 'up', '--nodes', '2', '--base-port', String(basePort), '--data-root', 'up'],
      {
        cwd: workDir,
        env,
      },
    );
    let stdout = '';
    up.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => up.on('close', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 30_000;
      while (!stdout.includes('Ctrl-C stops every node')) {
        assert.ok(Date.now() < deadline, `network up did not come up: ${stdout}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      assert.match(stdout, /2 nodes up and connected/);
      const status = await cliAsync('network', 'status', '--base-port', String(basePort), '--nodes', '2');
      expectExit(status, 0);
      assert.match(status.stdout, /all nodes that answered share one head/);
      // Each node has the other as its peer (the hello made the link two-way).
      assert.equal((status.stdout.match(/ {5}1 /g) ?? []).length, 2, status.stdout);
      up.kill('SIGINT');
      assert.equal(await exited, 0);
      assert.match(stdout, /all nodes stopped/);
      const after = await cliAsync('network', 'status', '--base-port', String(basePort), '--nodes', '2');
      expectExit(after, 1);
      assert.match(after.stdout, /down/);
    } finally {
      if (up.exitCode === null) up.kill('SIGKILL');
    }
  });

  it('network status names a bad --urls entry', async () => {
    const run = await cliAsync('network', 'status', '--urls', 'http://127.0.0.1:1,nonsense');
    expectExit(run, 2);
    assert.match(run.stderr, /--urls\[1\]/);
  });
});

describe('gridpeer market', () => {
  const example = join(repoRoot, 'examples', 'orders-case-a.json');

  it('market clear with the uniform auction prints the reference case A outcome', async () => {
    const run = await cliAsync('market', 'clear', '--mechanism', 'uniform-auction', '--input', example);
    expectExit(run, 0);
    assert.match(run.stdout, /clearing 0\.185/);
    assert.match(run.stdout, /S1 → B1 {2}2000 Wh @ 0\.185 = 0\.37/);
    assert.match(run.stdout, /efficiency 1\.000/);
  });

  it('market clear --json gives the result, metrics and optimum as JSON', async () => {
    const run = await cliAsync('market', 'clear', '--mechanism', 'sdr', '--input', example, '--json');
    expectExit(run, 0);
    const json = JSON.parse(run.stdout) as {
      result: { prices: Record<string, string>; gridImportWh: number };
      optimum: { welfareMicro: number };
    };
    assert.deepEqual(json.result.prices, { buyPriceMicroPerKwh: '165000', sellPriceMicroPerKwh: '120000' });
    assert.equal(json.result.gridImportWh, 2000);
    assert.equal(Math.round(json.optimum.welfareMicro), 590_000);
  });

  it('market compare lists every mechanism against the LP optimum', async () => {
    const run = await cliAsync('market', 'compare', '--input', example);
    expectExit(run, 0);
    assert.match(run.stdout, /optimum welfare W\* 0\.590000/);
    for (const name of [
      'grid-only',
      'fixed-price',
      'sdr',
      'mmr',
      'bill-sharing',
      'dual-level',
      'uniform-auction',
      'pay-as-bid',
      'mcafee',
      'continuous-auction',
      'bilateral',
    ]) {
      assert.match(run.stdout, new RegExp(`^${name} `, 'm'), name);
    }
  });

  it('an unknown mechanism and a bad order field are exit 2 naming the flag or field', async () => {
    const unknown = await cliAsync('market', 'clear', '--mechanism', 'lottery', '--input', example);
    expectExit(unknown, 2);
    assert.match(unknown.stderr, /--mechanism must be one of: grid-only, fixed-price/);
    const file = JSON.parse(readFileSync(example, 'utf8')) as { orders: Array<Record<string, unknown>> };
    file.orders[2]!['energyWh'] = -5;
    writeFileSync(join(workDir, 'bad-orders.json'), JSON.stringify(file));
    const bad = await cliAsync('market', 'compare', '--input', 'bad-orders.json');
    expectExit(bad, 2);
    assert.match(bad.stderr, /orders\[2\]\.energyWh/);
  });
});

describe('files named on the command line', () => {
  it('a file that is not JSON is exit 2 INVALID_JSON for every command that reads one', async () => {
    writeFileSync(join(workDir, 'broken.json'), '{ "format": ');
    const port = String(await freePortRange(1));
    for (const args of [
      ['chain', 'verify', 'broken.json'],
      ['market', 'compare', '--input', 'broken.json'],
      ['node', '--port', port, '--data', 'nodedata', '--genesis', 'broken.json'],
    ]) {
      const run = await cliAsync(...args);
      expectExit(run, 2);
      assert.match(run.stderr, /error INVALID_JSON: .*broken\.json is not valid JSON/, args.join(' '));
    }
    const missing = await cliAsync('market', 'compare', '--input', 'nowhere.json');
    expectExit(missing, 2);
    assert.match(missing.stderr, /error FILE_NOT_FOUND/);
  });
});
