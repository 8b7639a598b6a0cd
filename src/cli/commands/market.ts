import type { Command } from 'commander';
import { jsonSafe } from '../../errors/index.js';
import { marketMetrics } from '../../market/metrics.js';
import { parseOrderFile } from '../../market/orderFile.js';
import { getMechanism, MECHANISMS, mechanismNames } from '../../market/registry.js';
import type { ClearingResult, SlotInput } from '../../market/types.js';
import { slotWelfareOptimum } from '../../market/welfare.js';
import { formatMicroAsCoins } from '../../units/index.js';
import { readJsonFile } from '../files.js';
import { print, runCommand } from '../output.js';

function readOrders(path: string) {
  return parseOrderFile(readJsonFile(path, 'order file'));
}

const coins = (micro: bigint) => formatMicroAsCoins(micro);
const price = (micro: bigint | undefined) => (micro === undefined ? '—' : coins(micro));
const ratio = (value: number | null | undefined, digits = 3) =>
  value === null || value === undefined ? '—' : value.toFixed(digits);

async function analyse(input: SlotInput, result: ClearingResult) {
  const optimum = await slotWelfareOptimum(input);
  return { optimum, metrics: marketMetrics(input, result, optimum) };
}

function printClearing(input: SlotInput, result: ClearingResult, metrics: ReturnType<typeof marketMetrics>): void {
  const { prices } = result;
  print(`mechanism ${result.mechanism}`);
  print(
    `prices (coins/kWh): clearing ${price(prices.clearingPriceMicroPerKwh)}, buy ${price(prices.buyPriceMicroPerKwh)}, ` +
      `sell ${price(prices.sellPriceMicroPerKwh)}; grid ${coins(input.gridImportPriceMicroPerKwh)} in / ` +
      `${coins(input.gridExportPriceMicroPerKwh)} out`,
  );
  if (result.trades.length > 0) {
    print('trades:');
    for (const t of result.trades) {
      print(
        `  ${t.sellerId} → ${t.buyerId}  ${t.energyWh} Wh @ ${coins(t.priceMicroPerKwh)} = ${coins(t.amountMicro)}` +
          (t.sellerAmountMicro === t.amountMicro ? '' : ` (seller gets ${coins(t.sellerAmountMicro)})`),
      );
    }
  }
  print('settlements (coins; pays > 0, receives < 0):');
  print('  participant      in Wh   out Wh  peer in  peer out        pays   grid-only      saves');
  for (const s of result.settlements) {
    print(
      `  ${s.participant.padEnd(12)} ${String(s.importWh).padStart(8)} ${String(s.exportWh).padStart(8)} ` +
        `${String(s.peerImportWh).padStart(8)} ${String(s.peerExportWh).padStart(9)} ${coins(s.netPaymentMicro).padStart(11)} ` +
        `${coins(s.gridOnlyPaymentMicro).padStart(11)} ${coins(s.gridOnlyPaymentMicro - s.netPaymentMicro).padStart(10)}`,
    );
  }
  print(
    `grid: import ${result.gridImportWh} Wh (${coins(result.gridImportCostMicro)}), export ${result.gridExportWh} Wh ` +
      `(${coins(result.gridExportRevenueMicro)}); operator ${coins(result.operatorMicro)}; curtailed ${result.curtailedWh} Wh`,
  );
  print(
    `metrics: P2P ${metrics.p2pTradedWh} Wh, self-sufficiency ${ratio(metrics.selfSufficiency)}, savings ` +
      `${coins(metrics.totalSavingsMicro)}, Jain ${ratio(metrics.jainFairnessIndex)}, welfare ` +
      `${(metrics.welfare.welfareMicro / 1e6).toFixed(6)} of optimum ${((metrics.optimumWelfareMicro ?? 0) / 1e6).toFixed(6)} ` +
      `(efficiency ${ratio(metrics.efficiency)})`,
  );
}

export function registerMarketCommands(program: Command): Command {
  const market = program
    .command('market')
    .description('clear one slot of orders with any mechanism, or compare them all');

  market
    .command('clear')
    .description(`clear an order book file; mechanisms: ${mechanismNames().join(', ')}`)
    .requiredOption('--mechanism <name>', 'clearing mechanism')
    .requiredOption('--input <file>', 'order book JSON (format gridpeer-orders/1, see README)')
    .option('--json', 'print the result, metrics and optimum as JSON', false)
    .action((flags: { mechanism: string; input: string; json: boolean }) =>
      runCommand(async () => {
        const mechanism = getMechanism(flags.mechanism, '--mechanism');
        const { input, params } = readOrders(flags.input);
        const result = mechanism.clear(input, params[mechanism.name]);
        const { optimum, metrics } = await analyse(input, result);
        if (flags.json) print(JSON.stringify(jsonSafe({ result, metrics, optimum }), null, 2));
        else printClearing(input, result, metrics);
        return 0;
      }),
    );

  market
    .command('compare')
    .description('clear the same order book with every mechanism and print them side by side')
    .requiredOption('--input <file>', 'order book JSON (format gridpeer-orders/1, see README)')
    .option('--json', 'print every result and metric as JSON', false)
    .action((flags: { input: string; json: boolean }) =>
      runCommand(async () => {
        const { input, params } = readOrders(flags.input);
        const optimum = await slotWelfareOptimum(input);
        const rows = MECHANISMS.map((mechanism) => {
          const result = mechanism.clear(input, params[mechanism.name]);
          return { result, metrics: marketMetrics(input, result, optimum) };
        });
        if (flags.json) {
          print(JSON.stringify(jsonSafe({ optimum, mechanisms: rows }), null, 2));
          return 0;
        }
        print(`optimum welfare W* ${(optimum.welfareMicro / 1e6).toFixed(6)} coins (LP, reference §7.1)`);
        print('mechanism             P2P Wh  grid in  grid out  buy price  sell price    savings   Jain  efficiency');
        for (const { result, metrics } of rows) {
          const { prices } = result;
          print(
            `${result.mechanism.padEnd(20)} ${String(metrics.p2pTradedWh).padStart(7)} ${String(result.gridImportWh).padStart(8)} ` +
              `${String(result.gridExportWh).padStart(9)} ${price(prices.buyPriceMicroPerKwh ?? prices.clearingPriceMicroPerKwh).padStart(10)} ` +
              `${price(prices.sellPriceMicroPerKwh ?? prices.clearingPriceMicroPerKwh).padStart(11)} ${coins(metrics.totalSavingsMicro).padStart(10)} ` +
              `${ratio(metrics.jainFairnessIndex, 2).padStart(6)} ${ratio(metrics.efficiency).padStart(11)}`,
          );
        }
        return 0;
      }),
    );
  return market;
}
