/**
 * Crash durability with real processes (DESIGN.md §4: "kill -9 at any instant loses nothing committed"). A child
 * process mines on a LevelDB data directory and acknowledges each block after its import resolved; the test
 * kills it with SIGKILL at seeded-random moments (after some acknowledgements, after a delay, or during start-up),
 * reopens the directory and checks that every acknowledged block is canonical, the head is valid, the height
 * index matches, and the whole chain verifies from genesis. Then it restarts the child on the same directory.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { verifyChain } from '../../src/chain/verifyChain.js';
import { toHex } from '../../src/crypto/index.js';
import { chainDbPath, openLocalChain } from '../../src/node/localChain.js';
import { LevelChainStore } from '../../src/store/level.js';
import { seededRandom } from '../../src/units/random.js';
import { crashGenesis } from './fixtures/crashGenesis.js';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CHILD_SCRIPT = fileURLToPath(new URL('./fixtures/crashMiner.ts', import.meta.url));
const KILL_CYCLES = 18;
const SEED = 0x5eed_c0de;

type KillPlan =
  | { readonly kind: 'acks'; readonly count: number; readonly extraDelayMs: number }
  | { readonly kind: 'delay-after-ready'; readonly delayMs: number }
  | { readonly kind: 'delay-after-spawn'; readonly delayMs: number };

function planKill(random: () => number): KillPlan {
  const roll = random();
  if (roll < 0.5) return { kind: 'acks', count: 1 + Math.floor(random() * 12), extraDelayMs: Math.floor(random() * 4) };
  if (roll < 0.8) return { kind: 'delay-after-ready', delayMs: Math.floor(random() * 60) };
  return { kind: 'delay-after-spawn', delayMs: Math.floor(random() * 700) };
}

interface ChildRun {
  readonly acks: Array<{ height: number; hash: string }>;
  readonly ready: boolean;
  readonly stderr: string;
  readonly signal: NodeJS.Signals | null;
  readonly exitCode: number | null;
}

/** Runs the child until the plan says kill, kills it with SIGKILL, and returns everything it printed. */
function runAndKill(dataDir: string, plan: KillPlan): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', CHILD_SCRIPT, dataDir], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const acks: Array<{ height: number; hash: string }> = [];
    let ready = false;
    let stdoutBuffer = '';
    let stderr = '';
    let killed = false;
    const timers: NodeJS.Timeout[] = [];
    const kill = () => {
      if (killed) return;
      killed = true;
      child.kill('SIGKILL');
    };
    const later = (ms: number, fn: () => void) => timers.push(setTimeout(fn, ms));
    // A child that never gets going must not hang the test.
    later(20_000, kill);
    if (plan.kind === 'delay-after-spawn') later(plan.delayMs, kill);
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      stdoutBuffer += chunk;
      let newline = stdoutBuffer.indexOf('\n');
      while (newline >= 0) {
        const line = stdoutBuffer.slice(0, newline);
        stdoutBuffer = stdoutBuffer.slice(newline + 1);
        newline = stdoutBuffer.indexOf('\n');
        const [word, height, hash] = line.split(' ');
        if (word === 'READY') {
          ready = true;
          if (plan.kind === 'delay-after-ready') later(plan.delayMs, kill);
        } else if (word === 'ACK' && height !== undefined && hash !== undefined) {
          acks.push({ height: Number(height), hash });
          if (plan.kind === 'acks' && acks.length === plan.count) {
            if (plan.extraDelayMs === 0) kill();
            else later(plan.extraDelayMs, kill);
          }
        }
      }
    });
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    // 'close' comes after the pipes are drained: every line the child wrote before dying has been read.
    child.on('close', (exitCode, signal) => {
      for (const timer of timers) clearTimeout(timer);
      resolve({ acks, ready, stderr, signal, exitCode });
    });
  });
}

const dataDir = mkdtempSync(join(tmpdir(), 'gridpeer-crash-test-'));

after(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

describe('crash durability (SIGKILL while mining on LevelDB)', () => {
  it(`loses no acknowledged block over ${KILL_CYCLES} kill cycles`, { timeout: 120_000 }, async () => {
    const random = seededRandom(SEED);
    const genesis = crashGenesis();
    const acknowledged = new Map<number, string>();
    let totalAcks = 0;
    let cyclesWithAcks = 0;
    let heightBefore = 0;
    for (let cycle = 1; cycle <= KILL_CYCLES; cycle++) {
      const plan = planKill(random);
      const run = await runAndKill(dataDir, plan);
      const where = `cycle ${cycle} (${JSON.stringify(plan)})`;
      assert.equal(run.signal, 'SIGKILL', `${where}: the child ended on its own (exit ${run.exitCode}): ${run.stderr}`);
      for (const { height, hash } of run.acks) {
        const earlier = acknowledged.get(height);
        assert.ok(earlier === undefined || earlier === hash, `${where}: height ${height} acknowledged twice`);
        acknowledged.set(height, hash);
      }
      totalAcks += run.acks.length;
      if (run.acks.length > 0) cyclesWithAcks++;
      const maxAcked = Math.max(0, ...acknowledged.keys());

      const chain = await openLocalChain({ dataDir, genesis, miningThreads: 0, verifyThreads: 1 });
      let canonical: string[];
      try {
        for (const [height, hash] of acknowledged) {
          assert.equal(chain.getCanonicalEntry(height)?.hash, hash, `${where}: acknowledged block ${height} lost`);
        }
        assert.equal(chain.head.status, 'valid', where);
        // At most one block was committed in this cycle after its last acknowledgement (killed between import and
        // print); unacknowledged blocks of earlier cycles are in `heightBefore`.
        assert.ok(
          chain.height >= Math.max(maxAcked, heightBefore) && chain.height <= Math.max(maxAcked, heightBefore) + 1,
          `${where}: height ${chain.height}, last acknowledged ${maxAcked}, height before the cycle ${heightBefore}`,
        );
        heightBefore = chain.height;
        const blocks = await chain.getCanonicalBlocks();
        const verified = verifyChain(chain.genesis, chain.consensus, blocks, {
          nowMs: Date.now(),
          expectedHeadHash: chain.head.hash,
        });
        assert.equal(verified.ok, true, verified.ok ? '' : `${where}: ${verified.code} at ${verified.blockHeight}`);
        if (verified.ok) assert.equal(toHex(verified.state.root()), toHex(chain.state.root()), where);
        canonical = blocks.map((_, h) => chain.getCanonicalEntry(h)!.hash);
      } finally {
        await chain.close();
      }
      // The on-disk height index agrees with the chain walked back from the head.
      const store = await LevelChainStore.open(chainDbPath(dataDir));
      try {
        for (let h = 0; h < canonical.length; h++) assert.equal(await store.getCanonicalHash(h), canonical[h], where);
        assert.equal(await store.getCanonicalHash(canonical.length), undefined, where);
      } finally {
        await store.close();
      }
    }
    // The schedule must have exercised kills while blocks were being acknowledged.
    assert.ok(cyclesWithAcks >= 5, `only ${cyclesWithAcks} cycles acknowledged blocks`);
    assert.ok(totalAcks >= 20, `only ${totalAcks} blocks acknowledged`);
  });
});
