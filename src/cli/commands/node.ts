import { resolve as resolvePath } from 'node:path';
import type { Command } from 'commander';
import { parseGenesisConfig } from '../../chain/genesis.js';
import { addressToBytes } from '../../crypto/index.js';
import { GridPeerError } from '../../errors/index.js';
import { GridPeerNode, type MiningMode } from '../../node/node.js';
import { readJsonFile } from '../files.js';
import { parseIntFlag, printError, runCommand } from '../output.js';

export interface NodeFlags {
  port: string;
  data: string;
  peers?: string;
  mine?: boolean | string;
  miner?: string;
  dev: boolean;
  adminToken?: string;
  genesis?: string;
  delayPerPortMs?: string;
  threads?: string;
  host: string;
  cors?: string;
  logLevel: string;
  syncIntervalMs?: string;
  results?: string;
}

function parseMining(value: boolean | string | undefined): MiningMode {
  if (value === undefined || value === false) return 'off';
  if (value === true || value === 'always') return 'always';
  if (value === 'pending') return 'pending';
  throw new GridPeerError('INVALID_ARGUMENT', '--mine takes no value, "always" or "pending"', {
    field: '--mine',
    value,
  });
}

/** Resolves when the process is asked to stop (Ctrl-C or SIGTERM). */
export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

export function registerNodeCommand(program: Command): void {
  program
    .command('node')
    .description(
      'run one node: chain in --data, HTTP API on --port, gossip with --peers (structured JSON logs on stdout)',
    )
    .requiredOption('--port <port>', 'HTTP port (seed 000 used 5001–5005)')
    .requiredOption('--data <dir>', 'data directory of this node')
    .option('--peers <urls>', 'comma-separated peer URLs, e.g. http://127.0.0.1:5002,http://127.0.0.1:5003')
    .option('--mine [mode]', 'mine: "always" (default when given) or "pending" (only while transactions wait)')
    .option('--miner <address>', 'reward address (default on --dev: the dev account Prosumer1)')
    .option('--dev', 'dev network: funded named accounts the node signs for, admin routes open', false)
    .option('--admin-token <token>', 'bearer token for admin routes (or $GRIDPEER_ADMIN_TOKEN)')
    .option('--genesis <file>', 'genesis configuration for a new data directory')
    .option('--delay-per-port-ms <ms>', 'simulated latency per port of distance to a peer (seed 000 §3)')
    .option('--threads <n>', 'PoW threads (default 1)')
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--cors <origins>', 'allow browser calls: "*" or comma-separated origins')
    .option('--sync-interval-ms <ms>', 'how often to ask peers whether they are ahead (default 3000)')
    .option('--results <dir>', 'simulator reports to serve to the dashboard (/v1/sim/runs), e.g. results')
    .option('--log-level <level>', 'pino level: trace, debug, info, warn, error, silent', 'info')
    .action((flags: NodeFlags) =>
      runCommand(async () => {
        const port = parseIntFlag(flags.port, '--port', 1, 65_535);
        const genesis = flags.genesis ? parseGenesisConfig(readJsonFile(flags.genesis, 'genesis file')) : undefined;
        if (flags.miner) addressToBytes(flags.miner, '--miner');
        const adminToken = flags.adminToken ?? process.env['GRIDPEER_ADMIN_TOKEN'];
        const node = await GridPeerNode.start({
          port,
          host: flags.host,
          dataDir: flags.data,
          peers: flags.peers ? flags.peers.split(',').filter(Boolean) : [],
          mining: parseMining(flags.mine),
          dev: flags.dev,
          logLevel: flags.logLevel,
          ...(flags.miner ? { minerAddress: flags.miner } : {}),
          ...(adminToken ? { adminToken } : {}),
          ...(genesis ? { genesis } : {}),
          ...(flags.delayPerPortMs
            ? { delayPerPortMs: parseIntFlag(flags.delayPerPortMs, '--delay-per-port-ms', 0, 10_000) }
            : {}),
          ...(flags.threads ? { miningThreads: parseIntFlag(flags.threads, '--threads', 0, 64) } : {}),
          ...(flags.syncIntervalMs
            ? { syncIntervalMs: parseIntFlag(flags.syncIntervalMs, '--sync-interval-ms', 0, 3_600_000) }
            : {}),
          ...(flags.results ? { resultsDir: resolvePath(flags.results) } : {}),
          ...(flags.cors ? { cors: flags.cors === '*' ? true : flags.cors.split(',') } : {}),
        });
        node.app.log.info(
          {
            url: node.url,
            height: node.chain.height,
            head: node.chain.head.hash,
            peers: node.network.peers.size,
            mining: node.mining,
            dashboard: `${node.url}/`,
            ...(flags.results ? { results: resolvePath(flags.results) } : {}),
          },
          'node started',
        );
        const signal = await untilSignal();
        node.app.log.info({ signal }, 'stopping');
        await node.stop();
        printError(`node ${node.url} stopped (${signal})`);
        return 0;
      }),
    );
}
