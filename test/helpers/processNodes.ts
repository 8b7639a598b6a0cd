/**
 * Real node processes on loopback for end-to-end tests: each `spawnNode` runs `node bin/gridpeer.js node …` (the
 * compiled CLI, as a user would) with its own port and data directory.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = new URL('../../', import.meta.url).pathname;
const BIN = join(ROOT, 'bin', 'gridpeer.js');

/** Newest modification time of any `.ts` file under `dir`. */
function newestMtimeMs(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtimeMs(path));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** Builds dist/ once if it is missing or older than any source file under src/. */
export function ensureBuilt(): void {
  const dist = join(ROOT, 'dist', 'cli', 'main.js');
  const newestSource = newestMtimeMs(join(ROOT, 'src'));
  if (existsSync(dist) && statSync(dist).mtimeMs >= newestSource) return;
  const result = spawnSync(
    process.execPath,
    [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json')],
    {
      stdio: 'inherit',
    },
  );
  if (result.status !== 0) throw new Error('build failed');
}

/** A free TCP port on 127.0.0.1 (the OS picks; released before the node binds it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Whether `port` on 127.0.0.1 can be bound right now. */
function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** `count` distinct free ports. */
export async function freePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

/**
 * Two free ports exactly `gap` apart (`[p, p + gap]`), for seed 000 §3's latency by port distance
 * (`--delay-per-port-ms`).
 */
export async function freePortPair(gap: number): Promise<[number, number]> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const low = await freePort();
    if (low + gap <= 65_535 && (await canBind(low + gap))) return [low, low + gap];
  }
  throw new Error(`no two free ports ${gap} apart`);
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export interface SpawnedNode {
  readonly port: number;
  readonly url: string;
  readonly dataDir: string;
  readonly process: ChildProcess;
  /** Everything the process wrote (JSON log lines on stdout, messages on stderr). */
  output(): string;
  /** SIGTERM and wait for exit (graceful). */
  stop(): Promise<number | null>;
  /** SIGKILL and wait for exit. */
  kill(): Promise<void>;
}

export interface SpawnNodeOptions {
  readonly port: number;
  readonly dataDir: string;
  readonly args?: readonly string[];
  /** Default true. */
  readonly dev?: boolean;
  readonly timeoutMs?: number;
}

/** Starts a node process and waits until `GET /v1/status` answers. */
export async function spawnNode(options: SpawnNodeOptions): Promise<SpawnedNode> {
  const url = `http://127.0.0.1:${options.port}`;
  const args = [BIN, 'node', '--port', String(options.port), '--data', options.dataDir, '--log-level', 'warn'];
  if (options.dev ?? true) args.push('--dev');
  args.push(...(options.args ?? []));
  // The developer's own settings must not leak into the nodes under test.
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env['GRIDPEER_ADMIN_TOKEN'];
  delete env['GRIDPEER_DATA_DIR'];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`node on ${options.port} exited ${child.exitCode}: ${output}`);
    try {
      const response = await fetch(`${url}/v1/status`, { signal: AbortSignal.timeout(1_000) });
      if (response.ok) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`node on ${options.port} did not start: ${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    port: options.port,
    url,
    dataDir: options.dataDir,
    process: child,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
    kill: async () => {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** JSON request to a node; returns status and parsed body. */
export async function api<T = Record<string, unknown>>(
  url: string,
  path: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string>; rawBody?: string } = {},
): Promise<{ status: number; body: T }> {
  const hasBody = init.body !== undefined || init.rawBody !== undefined;
  const response = await fetch(`${url}${path}`, {
    method: init.method ?? (hasBody ? 'POST' : 'GET'),
    headers: { ...(hasBody ? { 'content-type': 'application/json' } : {}), ...(init.headers ?? {}) },
    ...(hasBody ? { body: init.rawBody ?? JSON.stringify(init.body) } : {}),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : {}) as T };
}

/** Polls `check` until it returns true or the time is up. */
export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A base port such that `count` consecutive ports from it are free on 127.0.0.1 (checked, then released). */
export async function freePortRange(count: number): Promise<number> {
  const isFree = (port: number) =>
    new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = await freePort();
    if (base + count > 65_535) continue;
    let ok = true;
    for (let i = 1; i < count && ok; i++) ok = await isFree(base + i);
    if (ok) return base;
  }
  throw new Error(`no ${count} consecutive free ports`);
}
