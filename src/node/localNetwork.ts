/**
 * @module node/localNetwork
 * A network of node processes on this machine (seed 000 §3: "each node is its own process… ports as
 * stand-ins for their physical locations", ports 5001–5005): `gridpeer network up` and `npm start`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GridPeerError } from '../errors/index.js';

const CLI = fileURLToPath(new URL('../../bin/gridpeer.js', import.meta.url));

export interface LocalNetworkOptions {
  readonly nodes: number;
  readonly basePort: number;
  /** Parent of the nodes' data directories (`node-<port>`) and logs (`node-<port>.log`). */
  readonly dataRoot: string;
  /** Extra flags for every node (e.g. `--dev`, `--mine pending`). */
  readonly nodeArgs: readonly string[];
  readonly startTimeoutMs?: number;
}

export interface LocalNode {
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  readonly logFile: string;
  readonly process: ChildProcess;
}

export interface LocalNetwork {
  readonly nodes: readonly LocalNode[];
  /** Resolves with the first node that exits by itself (a crash, a port in use). */
  readonly firstExit: Promise<{ node: LocalNode; code: number | null }>;
  /** SIGTERM to every node, then waits for them (SIGKILL after `graceMs`). */
  stop(graceMs?: number): Promise<void>;
}

async function waitHealthy(node: LocalNode, deadlineMs: number): Promise<void> {
  for (;;) {
    if (node.process.exitCode !== null) {
      throw new GridPeerError(
        'NODE_START_FAILED',
        `node ${node.url} exited with ${node.process.exitCode}; see ${node.logFile}`,
        {
          port: node.port,
        },
      );
    }
    try {
      const response = await fetch(`${node.url}/v1/status`, { signal: AbortSignal.timeout(1_000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadlineMs) {
      throw new GridPeerError('NODE_START_FAILED', `node ${node.url} did not answer in time; see ${node.logFile}`, {
        port: node.port,
      });
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Starts the nodes one after another, each with `--peers` naming those already up (the hello makes every link
 * two-way, so the result is a full mesh), and waits until every one answers.
 * @throws GridPeerError NODE_START_FAILED naming the node and its log file; nodes already started are stopped.
 */
export async function startLocalNetwork(options: LocalNetworkOptions): Promise<LocalNetwork> {
  mkdirSync(options.dataRoot, { recursive: true });
  const nodes: LocalNode[] = [];
  const exits: Array<Promise<{ node: LocalNode; code: number | null }>> = [];
  const stop = async (graceMs = 10_000) => {
    const running = nodes.filter((node) => node.process.exitCode === null && node.process.signalCode === null);
    const exited = running.map((node) => new Promise<void>((resolve) => node.process.once('exit', () => resolve())));
    for (const node of running) node.process.kill('SIGTERM');
    const timer = setTimeout(() => {
      for (const node of running) if (node.process.exitCode === null) node.process.kill('SIGKILL');
    }, graceMs);
    await Promise.all(exited);
    clearTimeout(timer);
  };
  try {
    for (let i = 0; i < options.nodes; i++) {
      const port = options.basePort + i;
      const url = `http://127.0.0.1:${port}`;
      const dataDir = join(options.dataRoot, `node-${port}`);
      const logFile = join(options.dataRoot, `node-${port}.log`);
      const args = [CLI, 'node', '--port', String(port), '--data', dataDir, ...options.nodeArgs];
      if (nodes.length > 0) args.push('--peers', nodes.map((node) => node.url).join(','));
      const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      const log = createWriteStream(logFile, { flags: 'a' });
      child.stdout?.pipe(log);
      child.stderr?.pipe(log);
      const node: LocalNode = { url, port, dataDir, logFile, process: child };
      nodes.push(node);
      exits.push(new Promise((resolve) => child.once('exit', (code) => resolve({ node, code }))));
      await waitHealthy(node, Date.now() + (options.startTimeoutMs ?? 20_000));
    }
  } catch (error) {
    await stop(2_000);
    throw error;
  }
  return { nodes, firstExit: Promise.race(exits), stop };
}

export interface NodeStatusRow {
  readonly url: string;
  readonly up: boolean;
  readonly height?: number;
  readonly headHash?: string;
  readonly peers?: number;
  readonly mempoolSize?: number;
  readonly mining?: string;
}

/** `GET /v1/status` of each URL; a node that does not answer is reported down. */
export async function networkStatus(urls: readonly string[]): Promise<NodeStatusRow[]> {
  return Promise.all(
    urls.map(async (url): Promise<NodeStatusRow> => {
      try {
        const response = await fetch(`${url}/v1/status`, { signal: AbortSignal.timeout(3_000) });
        const status = (await response.json()) as Record<string, unknown>;
        return {
          url,
          up: response.ok,
          height: status['height'] as number,
          headHash: status['headHash'] as string,
          peers: status['peers'] as number,
          mempoolSize: status['mempoolSize'] as number,
          mining: status['mining'] as string,
        };
      } catch {
        return { url, up: false };
      }
    }),
  );
}
