/**
 * `gridpeer simulate` (MISSION E1–E7): replays a scenario of `scenarios/` — the energy models give each home's load
 * and PV, agents place orders, the market clears, trades settle on a ledger — and writes the report (tables,
 * charts, a summary beside the seed's published numbers) to `results/<scenario>/`.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { genesisConfigToJSON } from '../../chain/genesis.js';
import { GridPeerError } from '../../errors/index.js';
import { mechanismNames } from '../../market/registry.js';
import { resolveCommunity } from '../../sim/community.js';
import { type LedgerMode, runCommunity, simulationGenesis } from '../../sim/engine.js';
import { writeReport } from '../../sim/reports/index.js';
import { listScenarios, loadScenario } from '../../sim/scenario.js';
import type { Community, RunResult, Scenario } from '../../sim/types.js';
import { formatMicroAsCoins } from '../../units/index.js';
import { DEFAULT_NODE_URL } from '../client.js';
import { parseIntFlag, print, printError, runCommand } from '../output.js';

export const DEFAULT_RESULTS_DIR = 'results';

interface SimulateFlags {
  scenario?: string;
  mechanism?: string;
  ledger: string;
  node: string;
  networkSlotMs: string;
  out?: string;
  compareMechanisms: boolean;
  genesisOut?: string;
  progress: boolean;
  list: boolean;
  json: boolean;
}

function ledgerMode(value: string): LedgerMode {
  if (value === 'inprocess' || value === 'network' || value === 'none') return value;
  throw new GridPeerError('INVALID_ARGUMENT', '--ledger must be inprocess, network or none', {
    field: '--ledger',
    value,
  });
}

/** Totals of a run for the console: energy traded, grid exchange, community bill against grid only. */
export function runTotals(run: RunResult) {
  let tradedWh = 0;
  let loadWh = 0;
  let gridImportWh = 0;
  let gridExportWh = 0;
  let paymentMicro = 0n;
  let gridOnlyMicro = 0n;
  for (const slots of run.homeSlots) {
    for (const s of slots) {
      tradedWh += s.peerImportWh;
      loadWh += s.loadWh;
      gridImportWh += s.gridImportWh;
      gridExportWh += s.gridExportWh;
      paymentMicro += s.paymentMicro;
      gridOnlyMicro += s.gridOnlyPaymentMicro;
    }
  }
  return {
    tradedWh,
    loadWh,
    gridImportWh,
    gridExportWh,
    selfSufficiency: loadWh === 0 ? 0 : 1 - gridImportWh / loadWh,
    paymentMicro,
    gridOnlyMicro,
    savingsMicro: gridOnlyMicro - paymentMicro,
  };
}

/** A progress bar on stderr while a long run goes (only on a terminal, and not with --no-progress). */
function progressBar(
  enabled: boolean,
  label: string,
): { update: (done: number, total: number) => void; stop: () => void } {
  if (!enabled || !process.stderr.isTTY) return { update: () => undefined, stop: () => undefined };
  const bar = new SingleBar({
    format: `${label} [{bar}] {percentage}% | slot {value}/{total} | {eta_formatted} left`,
    stream: process.stderr,
    hideCursor: true,
  });
  let started = false;
  return {
    update(done, total) {
      if (!started) {
        bar.start(total, 0);
        started = true;
      }
      bar.update(done);
    },
    stop: () => bar.stop(),
  };
}

async function runOne(
  community: Community,
  flags: SimulateFlags,
  mechanism: string | undefined,
  label: string,
  demandResponse: 'incentives' | 'no-incentives' = 'incentives',
): Promise<RunResult> {
  const bar = progressBar(flags.progress, label);
  try {
    return await runCommunity(community, {
      demandResponse,
      ledger: ledgerMode(flags.ledger),
      ...(mechanism === undefined ? {} : { mechanism }),
      nodeUrl: flags.node,
      networkSlotMs: parseIntFlag(flags.networkSlotMs, '--network-slot-ms', 500, 600_000),
      onProgress: bar.update,
    });
  } finally {
    bar.stop();
  }
}

function printRun(run: RunResult, currency: string): void {
  const totals = runTotals(run);
  const money = (micro: bigint) => `${formatMicroAsCoins(micro)} ${currency}`;
  print(
    `scenario ${run.scenario.name}: ${run.homeIds.length} homes × ${run.importPriceMicroPerKwh.length} slots, ${run.mechanism}, ledger ${run.ledger}`,
  );
  print(
    `P2P ${(totals.tradedWh / 1000).toFixed(3)} kWh, grid in ${(totals.gridImportWh / 1000).toFixed(3)} kWh / out ` +
      `${(totals.gridExportWh / 1000).toFixed(3)} kWh, self-sufficiency ${totals.selfSufficiency.toFixed(3)}`,
  );
  print(
    `community bill ${money(totals.paymentMicro)} vs grid only ${money(totals.gridOnlyMicro)} (saves ${money(totals.savingsMicro)})`,
  );
  print(
    `${run.trades.length} trades, ${run.blocks} blocks, state root ${run.stateRoot || '—'}, run hash ${run.runHash}, ${run.elapsedMs} ms`,
  );
}

export function registerSimulateCommand(program: Command): void {
  program
    .command('simulate')
    .description('replay a community scenario through the market and a ledger; write tables, charts and a summary')
    .option('--scenario <name|file>', 'a name of scenarios/ (see --list) or a scenario file')
    .option('--list', 'list the shipped scenarios', false)
    .option(
      '--mechanism <name>',
      `clear with this mechanism instead of the scenario's (${mechanismNames().join(', ')})`,
    )
    .option(
      '--ledger <mode>',
      'inprocess (the ledger in this process), network (running nodes), none (market only)',
      'inprocess',
    )
    .option('--node <url>', 'network ledger: the node to send transactions to', DEFAULT_NODE_URL)
    .option('--network-slot-ms <ms>', 'network ledger: wall-clock length of a slot', '3000')
    .option('--out <dir>', `where the report goes (default ${DEFAULT_RESULTS_DIR}/<scenario>)`)
    .option('--compare-mechanisms', 'run every mechanism on the scenario and print one table', false)
    .option(
      '--genesis-out <file>',
      "write the genesis that funds the scenario's households (for a network run) and stop",
    )
    .option('--no-progress', 'no progress bar')
    .option('--json', 'print the totals as JSON', false)
    .action((flags: SimulateFlags) =>
      runCommand(async () => {
        if (flags.list) {
          for (const name of listScenarios()) {
            const scenario = loadScenario(name);
            print(
              `${name.padEnd(20)} ${scenario.homes.length} homes, ${scenario.slots} × ${scenario.slotMinutes} min — ${scenario.description.split(/(?<=[.:])\s/)[0] ?? ''}`,
            );
          }
          return 0;
        }
        if (flags.scenario === undefined) {
          throw new GridPeerError('INVALID_ARGUMENT', 'give --scenario <name|file> (or --list)', {
            field: '--scenario',
          });
        }
        const scenario: Scenario = loadScenario(flags.scenario);
        const community = resolveCommunity(scenario);
        if (flags.genesisOut !== undefined) {
          writeFileSync(
            flags.genesisOut,
            `${JSON.stringify(genesisConfigToJSON(simulationGenesis(community)), null, 2)}\n`,
          );
          print(`wrote ${flags.genesisOut}: start the nodes with --genesis ${flags.genesisOut}`);
          return 0;
        }
        const outDir = flags.out ?? join(DEFAULT_RESULTS_DIR, scenario.name);
        if (flags.compareMechanisms) {
          const runs: RunResult[] = [];
          for (const mechanism of mechanismNames()) {
            try {
              runs.push(await runOne(community, flags, mechanism, mechanism));
            } catch (error) {
              printError(`${mechanism}: ${(error as Error).message}`);
            }
          }
          const [first, ...rest] = runs;
          if (first === undefined) return 1;
          const files = await writeReport(first, outDir, { compare: [first, ...rest] });
          print('mechanism             P2P kWh  self-suff.   community bill   grid only        savings');
          for (const run of runs) {
            const t = runTotals(run);
            print(
              `${run.mechanism.padEnd(20)} ${(t.tradedWh / 1000).toFixed(2).padStart(8)} ${t.selfSufficiency.toFixed(3).padStart(11)} ` +
                `${formatMicroAsCoins(t.paymentMicro).padStart(16)} ${formatMicroAsCoins(t.gridOnlyMicro).padStart(11)} ${formatMicroAsCoins(t.savingsMicro).padStart(14)}`,
            );
          }
          print(`report: ${outDir} (${files.files.length} files)`);
          return 0;
        }
        const run = await runOne(community, flags, flags.mechanism, scenario.name);
        // Seed 004 Fig. 7: with incentives the run above; the same community without them for the comparison.
        const incentives = (scenario.demandResponse?.incentivePerKwh ?? 0) > 0;
        const withoutIncentives = incentives
          ? await runOne(
              community,
              { ...flags, ledger: 'none' },
              flags.mechanism,
              'without incentives',
              'no-incentives',
            )
          : undefined;
        const files = await writeReport(run, outDir, withoutIncentives === undefined ? {} : { withoutIncentives });
        if (flags.json) {
          const t = runTotals(run);
          print(
            JSON.stringify(
              {
                scenario: scenario.name,
                mechanism: run.mechanism,
                ledger: run.ledger,
                runHash: run.runHash,
                stateRoot: run.stateRoot,
                blocks: run.blocks,
                trades: run.trades.length,
                tradedWh: t.tradedWh,
                selfSufficiency: t.selfSufficiency,
                paymentMicro: t.paymentMicro.toString(),
                gridOnlyMicro: t.gridOnlyMicro.toString(),
                out: outDir,
                files: files.files,
              },
              null,
              2,
            ),
          );
        } else {
          printRun(run, scenario.currency);
          print(`report: ${outDir}/README.md (${files.files.length} files)`);
        }
        return 0;
      }),
    );
}
