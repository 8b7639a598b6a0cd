import { resolve } from 'node:path';
import type { Command } from 'commander';
import { GridPeerError } from '../../errors/index.js';
import { normalizePeerUrl } from '../../network/peerBook.js';
import { type LocalNetwork, networkStatus, startLocalNetwork } from '../../node/localNetwork.js';
import { EXIT_FAILED, parseIntFlag, print, printError, runCommand } from '../output.js';
import { untilSignal } from './node.js';

export const DEFAULT_NETWORK_ROOT = '.gridpeer/network';

interface UpFlags {
  nodes: string;
  basePort: string;
  dataRoot: string;
  dev: boolean;
  mine?: string;
  delayPerPortMs?: string;
  adminToken?: string;
  genesis?: string;
  results?: string;
}

export function nodeUrls(basePort: number, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `http://127.0.0.1:${basePort + i}`);
}

/** Flags passed to every node of `network up` / `start`. */
export function networkNodeArgs(flags: Omit<UpFlags, 'nodes' | 'basePort' | 'dataRoot'>): string[] {
  const args = ['--log-level', 'info'];
  if (flags.dev) args.push('--dev');
  if (flags.mine) args.push('--mine', flags.mine);
  if (flags.delayPerPortMs)
    args.push('--delay-per-port-ms', String(parseIntFlag(flags.delayPerPortMs, '--delay-per-port-ms', 0, 10_000)));
  if (flags.adminToken) args.push('--admin-token', flags.adminToken);
  if (flags.genesis) args.push('--genesis', flags.genesis);
  if (flags.results) args.push('--results', resolve(flags.results));
  if (!flags.dev && !flags.genesis) {
    throw new GridPeerError(
      'INVALID_ARGUMENT',
      'a network without --dev needs --genesis (see `gridpeer chain genesis`)',
      {
        field: '--genesis',
      },
    );
  }
  return args;
}

export function printNetwork(network: LocalNetwork): void {
  for (const node of network.nodes) print(`  ${node.url}   data ${node.dataDir}   log ${node.logFile}`);
}

/** Keeps the network up until Ctrl-C/SIGTERM or a node exits by itself; stops every node either way. */
export async function runUntilStopped(network: LocalNetwork): Promise<number> {
  const outcome = await Promise.race([
    untilSignal().then((signal) => ({ signal })),
    network.firstExit.then((exit) => ({ exit })),
  ]);
  if ('exit' in outcome)
    printError(`node ${outcome.exit.node.url} exited (${outcome.exit.code}); stopping the network`);
  print('stopping the network…');
  await network.stop();
  print('all nodes stopped');
  return 'exit' in outcome ? EXIT_FAILED : 0;
}

export function registerNetworkCommands(program: Command): void {
  const network = program.command('network').description('a network of node processes on this machine');

  network
    .command('up')
    .description('start N node processes on consecutive ports, connect them, wait until healthy; Ctrl-C stops them all')
    .option('--nodes <n>', 'how many nodes (seed 000: 5)', '5')
    .option('--base-port <port>', 'port of the first node (seed 000: 5001)', '5001')
    .option('--data-root <dir>', 'where node data directories and logs go', DEFAULT_NETWORK_ROOT)
    .option('--no-dev', 'not a dev network (then --genesis is required)')
    .option('--mine <mode>', 'every node mines: "always" or "pending" (default: only on request, /mine_block)')
    .option('--delay-per-port-ms <ms>', 'simulated latency per port of distance (seed 000 §3)')
    .option('--admin-token <token>', 'admin bearer token for every node')
    .option('--genesis <file>', 'genesis configuration for new data directories')
    .option('--results <dir>', 'simulator reports every node serves to the dashboard (/v1/sim/runs)')
    .action((flags: UpFlags) =>
      runCommand(async () => {
        const count = parseIntFlag(flags.nodes, '--nodes', 1, 64);
        const basePort = parseIntFlag(flags.basePort, '--base-port', 1, 65_535 - count);
        const up = await startLocalNetwork({
          nodes: count,
          basePort,
          dataRoot: flags.dataRoot,
          nodeArgs: networkNodeArgs(flags),
        });
        print(`${count} nodes up and connected:`);
        printNetwork(up);
        print(
          `dashboard: ${up.nodes[0]!.url}/    API docs: ${up.nodes[0]!.url}/docs    status: npx gridpeer network status --base-port ${basePort} --nodes ${count}`,
        );
        print('Ctrl-C stops every node.');
        return runUntilStopped(up);
      }),
    );

  network
    .command('status')
    .description('height, head, peers and mempool of each node')
    .option('--nodes <n>', 'how many nodes', '5')
    .option('--base-port <port>', 'port of the first node', '5001')
    .option('--urls <urls>', 'comma-separated node URLs instead of --base-port/--nodes')
    .action((flags: { nodes: string; basePort: string; urls?: string }) =>
      runCommand(async () => {
        const urls = flags.urls
          ? flags.urls.split(',').map((url, i) => normalizePeerUrl(url, `--urls[${i}]`))
          : nodeUrls(
              parseIntFlag(flags.basePort, '--base-port', 1, 65_535),
              parseIntFlag(flags.nodes, '--nodes', 1, 64),
            );
        const rows = await networkStatus(urls);
        print('node                     height  head              peers  mempool  mining');
        for (const row of rows) {
          print(
            row.up
              ? `${row.url.padEnd(24)} ${String(row.height).padStart(6)}  ${(row.headHash ?? '').slice(0, 16)}  ${String(row.peers).padStart(5)}  ${String(row.mempoolSize).padStart(7)}  ${row.mining}`
              : `${row.url.padEnd(24)}   down`,
          );
        }
        const heads = new Set(rows.filter((row) => row.up).map((row) => row.headHash));
        print(
          heads.size <= 1
            ? 'all nodes that answered share one head'
            : `${heads.size} different heads (still converging?)`,
        );
        return rows.every((row) => row.up) ? 0 : EXIT_FAILED;
      }),
    );
}
