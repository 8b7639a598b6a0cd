/**
 * `gridpeer start` (`npm start`): the main job on embedded defaults (issue "community simulator", item 7). It brings
 * up the 5-node dev network on ports 5001–5005, runs seed 000's case study (`scenarios/saini2023.json`) through it —
 * households register, the administrator approves them and opens the market, every order is a transaction mined
 * by the nodes and every slot cleared by all of them — writes the report to `results/saini2023/`, says where
 * everything is, and keeps the network up (for the API, the dashboard, more trading) until Ctrl-C.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { DEV_ACCOUNT_NAMES, devKeyPair } from '../../chain/devAccounts.js';
import { genesisConfigToJSON } from '../../chain/genesis.js';
import { startLocalNetwork } from '../../node/localNetwork.js';
import { DEV_ACCOUNT_COINS } from '../../node/node.js';
import { resolveCommunity } from '../../sim/community.js';
import { runCommunity, simulationGenesis } from '../../sim/engine.js';
import { writeReport } from '../../sim/reports/index.js';
import { loadScenario } from '../../sim/scenario.js';
import { coinsToMicro, formatMicroAsCoins } from '../../units/index.js';
import { parseIntFlag, print, runCommand } from '../output.js';
import { DEFAULT_NETWORK_ROOT, networkNodeArgs, printNetwork, runUntilStopped } from './network.js';
import { DEFAULT_RESULTS_DIR, runTotals } from './simulate.js';

const MAIN_SCENARIO = 'saini2023';

interface StartFlags {
  nodes: string;
  basePort: string;
  dataRoot: string;
  exit: boolean;
  scenario: string;
  slotMs: string;
  out?: string;
}

export function registerStartCommand(program: Command): void {
  program
    .command('start')
    .description(
      "the main job on embedded defaults: a 5-node dev network (ports 5001–5005) runs seed 000's case study " +
        '(saini2023) through its market and ledger, writes the report to results/, and stays up until Ctrl-C',
    )
    .option('--nodes <n>', 'how many nodes', '5')
    .option('--base-port <port>', 'port of the first node', '5001')
    .option('--data-root <dir>', 'where node data directories and logs go (emptied first)', DEFAULT_NETWORK_ROOT)
    .option('--scenario <name|file>', 'the scenario to run through the network', MAIN_SCENARIO)
    .option('--slot-ms <ms>', 'wall-clock length of a market slot on the network (room for a busy machine)', '3000')
    .option('--out <dir>', `where the report goes (default ${DEFAULT_RESULTS_DIR}/<scenario>)`)
    .option('--exit', 'stop the network after the run instead of staying up', false)
    .action((flags: StartFlags) =>
      runCommand(async () => {
        const count = parseIntFlag(flags.nodes, '--nodes', 2, 64);
        const basePort = parseIntFlag(flags.basePort, '--base-port', 1, 65_535 - count);
        const slotMs = parseIntFlag(flags.slotMs, '--slot-ms', 500, 600_000);
        const scenario = loadScenario(flags.scenario);
        const community = resolveCommunity(scenario);
        // A fresh network every time: the market's slots start at 0 on a new chain.
        for (let i = 0; i < count; i++) {
          rmSync(join(flags.dataRoot, `node-${basePort + i}`), { recursive: true, force: true });
          rmSync(join(flags.dataRoot, `node-${basePort + i}.log`), { force: true });
        }
        mkdirSync(flags.dataRoot, { recursive: true });
        // The scenario's households and seed 000's named dev accounts (Postman flows keep working) are funded.
        const genesis = genesisConfigToJSON(simulationGenesis(community));
        const alloc = genesis['alloc'] as Array<{ address: string; balanceMicro: string }>;
        for (const name of DEV_ACCOUNT_NAMES) {
          alloc.push({ address: devKeyPair(name).address, balanceMicro: coinsToMicro(DEV_ACCOUNT_COINS).toString() });
        }
        const genesisFile = join(flags.dataRoot, 'genesis.json');
        writeFileSync(genesisFile, `${JSON.stringify(genesis, null, 2)}\n`);
        const outDir = flags.out ?? join(DEFAULT_RESULTS_DIR, scenario.name);
        print(`starting ${count} nodes…`);
        // The nodes serve the report folder's parent, so the dashboard shows the run this command is about to make.
        const network = await startLocalNetwork({
          nodes: count,
          basePort,
          dataRoot: flags.dataRoot,
          nodeArgs: networkNodeArgs({ dev: true, genesis: genesisFile, results: resolve(dirname(outDir)) }),
        });
        try {
          printNetwork(network);
          const first = network.nodes[0]!.url;
          print(
            `running ${scenario.name} through the network: ${community.homes.length} households, ` +
              `${community.importPriceMicroPerKwh.length} slots of ${slotMs} ms (${scenario.mechanism})…`,
          );
          const run = await runCommunity(community, {
            ledger: 'network',
            nodeUrl: first,
            networkSlotMs: slotMs,
            onProgress: (done, total) => {
              if (done === total || done % 6 === 0) print(`  slot ${done}/${total} cleared`);
            },
          });
          const files = await writeReport(run, outDir);
          const t = runTotals(run);
          print(
            `${run.trades.length} trades, ${(t.tradedWh / 1000).toFixed(3)} kWh between peers; community bill ` +
              `${formatMicroAsCoins(t.paymentMicro)} ${scenario.currency} against ${formatMicroAsCoins(t.gridOnlyMicro)} ` +
              `grid only; ${run.blocks} blocks, run hash ${run.runHash.slice(0, 16)}…`,
          );
          const valid = (await (await fetch(`${network.nodes[count - 1]!.url}/is_valid`)).json()) as {
            message?: string;
          };
          print(`${network.nodes[count - 1]!.url}/is_valid: ${String(valid.message)}`);
          print('');
          print('Where to look:');
          print(`  ${first}/                   the dashboard: network, chain, market, this run's households, actions`);
          print(
            `  ${outDir}/README.md   the report: tables, charts, the run beside seed 000's Tables 5–7 (${files.files.length} files)`,
          );
          print(`  ${first}/v1/trades          the trades every node cleared   ${first}/v1/market   the market`);
          print(`  ${first}/docs               REST API (OpenAPI) — try it in the browser`);
          print(`  ${first}/get_chain          the chain as seed 000 showed it (Appendix A)`);
          print(`  npx gridpeer network status --base-port ${basePort} --nodes ${count}`);
          if (flags.exit) return 0;
          print('Ctrl-C stops every node.');
          return await runUntilStopped(network);
        } finally {
          await network.stop();
        }
      }),
    );
}
