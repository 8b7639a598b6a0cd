/**
 * The `gridpeer` command line (MISSION U3). Every command reports errors as `error CODE: message` and exits
 * 0 (ok), 1 (ran and found a problem), 2 (bad input) or 3 (unexpected).
 */
import { Command } from 'commander';
import { registerChainCommands } from './commands/chain.js';
import { registerKeysCommands } from './commands/keys.js';
import { registerMarketCommands } from './commands/market.js';
import { registerNetworkCommands } from './commands/network.js';
import { registerNodeCommand } from './commands/node.js';
import { registerSimulateCommand } from './commands/simulate.js';
import { registerStartCommand } from './commands/start.js';
import { registerTradingCommands } from './commands/trading.js';
import { EXIT_BAD_INPUT } from './output.js';

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('gridpeer')
    .description(
      'GridPeer: peer-to-peer energy trading in residential microgrids on a blockchain no single party controls',
    )
    .version('0.1.0')
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });
  registerKeysCommands(program);
  registerChainCommands(program);
  registerNodeCommand(program);
  registerNetworkCommands(program);
  registerTradingCommands(program, registerMarketCommands(program));
  registerSimulateCommand(program);
  registerStartCommand(program);
  return program;
}

export async function main(argv: readonly string[]): Promise<void> {
  // `gridpeer chain status | head -2`: the reader went away; stop quietly instead of an EPIPE stack trace.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw error;
    });
  }
  try {
    await buildProgram().parseAsync([...argv]);
  } catch (error) {
    const code = (error as { exitCode?: number; code?: string }).code;
    // commander signals help and version as exits with code 0; usage errors (unknown flag, missing value) as 1.
    if (code === 'commander.helpDisplayed' || code === 'commander.version' || code === 'commander.help') return;
    process.exitCode = EXIT_BAD_INPUT;
  }
}
