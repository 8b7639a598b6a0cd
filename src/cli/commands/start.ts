import type { Command } from 'commander';
import { GridPeerError } from '../../errors/index.js';
import { startLocalNetwork } from '../../node/localNetwork.js';
import { parseIntFlag, print, runCommand } from '../output.js';
import { DEFAULT_NETWORK_ROOT, networkNodeArgs, printNetwork, runUntilStopped } from './network.js';

/** Seed 000 Fig. A11: consumers paying Prosumer1 for energy (amounts in coins, as printed there). */
const DEMO_PAYMENTS = [
  { sender: 'Consumer1', receiver: 'Prosumer1', amount: 0.701, energyWh: 3505 },
  { sender: 'Consumer2', receiver: 'Prosumer1', amount: 1.33, energyWh: 6650 },
  { sender: 'Consumer3', receiver: 'Prosumer1', amount: 5.47, energyWh: 27_350 },
  { sender: 'Consumer2', receiver: 'Prosumer2', amount: 1.27, energyWh: 6350 },
  { sender: 'Consumer3', receiver: 'Prosumer2', amount: 3.09, energyWh: 15_450 },
];

async function call(url: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(30_000),
  });
  const json = (await response.json()) as Record<string, unknown>;
  if (!response.ok) {
    throw new GridPeerError(
      'NODE_START_FAILED',
      `${path} on ${url} answered ${response.status}: ${String(json['message'])}`,
    );
  }
  return json;
}

export function registerStartCommand(program: Command): void {
  program
    .command('start')
    .description(
      'the main job on embedded defaults: a 5-node dev network (ports 5001–5005), households paying each other, ' +
        'a block mined and seen by every node; stays up until Ctrl-C',
    )
    .option('--nodes <n>', 'how many nodes', '5')
    .option('--base-port <port>', 'port of the first node', '5001')
    .option('--data-root <dir>', 'where node data directories and logs go', DEFAULT_NETWORK_ROOT)
    .option('--exit', 'stop the network after the demonstration instead of staying up', false)
    .action((flags: { nodes: string; basePort: string; dataRoot: string; exit: boolean }) =>
      runCommand(async () => {
        const count = parseIntFlag(flags.nodes, '--nodes', 2, 64);
        const basePort = parseIntFlag(flags.basePort, '--base-port', 1, 65_535 - count);
        print(`starting ${count} nodes…`);
        const network = await startLocalNetwork({
          nodes: count,
          basePort,
          dataRoot: flags.dataRoot,
          nodeArgs: networkNodeArgs({ dev: true }),
        });
        try {
          printNetwork(network);
          const [first, second] = [network.nodes[0]!.url, network.nodes[1]!.url];
          for (const payment of DEMO_PAYMENTS) {
            const added = await call(first, '/add_transaction', payment);
            print(`${payment.sender} pays ${payment.receiver} ${payment.amount} coins: ${String(added['message'])}`);
          }
          // Gossip is asynchronous: let the payments reach the node that will mine them.
          const gossipDeadline = Date.now() + 10_000;
          while (
            Number((await call(second, '/v1/mempool'))['size']) < DEMO_PAYMENTS.length &&
            Date.now() < gossipDeadline
          ) {
            await new Promise((resolve) => setTimeout(resolve, 50));
          }
          const mined = await call(second, '/mine_block');
          const minedHash = String(mined['hash']);
          print(
            `${second} mined block ${String(mined['index'])} (${minedHash.slice(0, 16)}…) with ` +
              `${(mined['transactions'] as unknown[]).length} transactions (the reward first)`,
          );
          // Every node must hold the block: gossip is asynchronous, so poll briefly.
          const deadline = Date.now() + 15_000;
          for (const node of network.nodes) {
            while ((await call(node.url, '/v1/status'))['headHash'] !== minedHash) {
              if (Date.now() > deadline)
                throw new GridPeerError('NODE_START_FAILED', `${node.url} did not receive the block`);
              await new Promise((resolve) => setTimeout(resolve, 100));
            }
          }
          const valid = await call(network.nodes[count - 1]!.url, '/is_valid');
          print(`every node has the block; ${network.nodes[count - 1]!.url}/is_valid: ${String(valid['message'])}`);
          print('');
          print('Where to look:');
          print(`  ${first}/docs               REST API (OpenAPI) — try it in the browser`);
          print(`  ${first}/get_chain          the chain as seed 000 showed it (Appendix A)`);
          print(`  ${first}/v1/status          head, peers, mempool`);
          print(`  npx gridpeer network status --base-port ${basePort} --nodes ${count}`);
          print("  npx newman run postman/gridpeer.postman_collection.json   seed 000's Postman flow");
          if (flags.exit) return 0;
          print('Ctrl-C stops every node.');
          return await runUntilStopped(network);
        } finally {
          await network.stop();
        }
      }),
    );
}
