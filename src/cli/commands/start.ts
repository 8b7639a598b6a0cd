import { join } from 'node:path';
import type { Command } from 'commander';
import type { Chain } from '../../chain/chain.js';
import { chainToFile, parseChainFile, verifyChainFile } from '../../chain/chainFile.js';
import { devGenesisJson, parseGenesisConfig } from '../../chain/genesis.js';
import { Miner } from '../../chain/miner.js';
import { createConsensus } from '../../consensus/create.js';
import { keyPairFromPrivateKey, sha256 } from '../../crypto/index.js';
import { createTransfer } from '../../ledger/tx.js';
import { openLocalChain } from '../../node/localChain.js';
import { coinsToMicro, formatMicroAsCoins } from '../../units/index.js';
import { EXIT_FAILED, parseIntFlag, print, runCommand } from '../output.js';
import { DEFAULT_DATA_DIR } from './chain.js';

/**
 * Demo households of the devnet, with keys derived from their names: fine for a local demonstration, never for
 * real value (anyone can derive them). Seed 000 §4: prosumers P1 (5 kW PV) and P2 (2 kW PV), consumers C1–C3.
 */
const HOUSEHOLDS = ['P1', 'P2', 'C1', 'C2', 'C3'].map((name) => ({
  name,
  keys: keyPairFromPrivateKey(sha256(Buffer.from(`gridpeer devnet demo household ${name}`, 'utf8'))),
}));

export function registerStartCommand(program: Command): void {
  program
    .command('start')
    .description(
      'the main job on embedded defaults: a devnet chain on disk where households pay each other, mined and verified',
    )
    .option('--data-dir <dir>', 'node data directory (default $GRIDPEER_DATA_DIR or .gridpeer)')
    .option('--blocks <n>', 'blocks to mine in this run', '10')
    .action((options: { dataDir?: string; blocks: string }) =>
      runCommand(async () => {
        const blocks = parseIntFlag(options.blocks, '--blocks', 1, 100_000);
        const dataDir = join(options.dataDir ?? process.env['GRIDPEER_DATA_DIR'] ?? DEFAULT_DATA_DIR, 'devnet');
        const genesis = parseGenesisConfig(
          devGenesisJson(HOUSEHOLDS.map((h) => ({ address: h.keys.address, balanceMicro: coinsToMicro(100) }))),
        );
        const chain = await openLocalChain({ dataDir, genesis });
        try {
          print(`GridPeer devnet in ${dataDir}: genesis ${chain.genesisHash}, height ${chain.height}`);
          const miner = new Miner(chain, HOUSEHOLDS[0]!.keys.address);
          for (let i = 0; i < blocks; i++) {
            submitDemoPayments(chain, i);
            const mined = await miner.mineBlock();
            if (mined) {
              print(
                `block ${mined.height} ${mined.hash.slice(0, 16)}…  ${mined.txCount} txs  ${mined.elapsedMs.toFixed(0)} ms`,
              );
            }
          }
          const file = chainToFile(chain.genesis, await chain.getCanonicalBlocks());
          const consensus = createConsensus(genesis.consensus as Record<string, unknown>, { pow: { workers: 0 } });
          const verdict = verifyChainFile(parseChainFile(JSON.parse(JSON.stringify(file))), consensus, {
            nowMs: Date.now(),
            expectedHeadHash: chain.head.hash,
          });
          await consensus.close();
          print(
            verdict.ok
              ? `verified ${verdict.height + 1} blocks from genesis: valid`
              : `INVALID: ${verdict.code} ${verdict.reason}`,
          );
          for (const { name, keys } of HOUSEHOLDS) {
            print(
              `  ${name} ${keys.address}  ${formatMicroAsCoins(chain.state.account(keys.address).balanceMicro)} coins`,
            );
          }
          return verdict.ok ? 0 : EXIT_FAILED;
        } finally {
          await chain.close();
        }
      }),
    );
}

/** Consumers pay prosumers for energy (seed 000 Fig. A11 shows such payments, e.g. 0.701 from Consumer1). */
function submitDemoPayments(chain: Chain, round: number): void {
  const prosumers = HOUSEHOLDS.slice(0, 2);
  for (const [i, consumer] of HOUSEHOLDS.slice(2).entries()) {
    const seller = prosumers[(round + i) % prosumers.length]!;
    const energyWh = 500 + ((round * 7 + i * 311) % 1500);
    chain.addTransaction(
      createTransfer(
        {
          chainId: chain.params.chainId,
          to: seller.keys.address,
          // 0.2 coin per kWh: whole micro-coins only.
          amountMicro: (BigInt(energyWh) * 200_000n) / 1000n,
          energyWh,
          feeMicro: 1_000n,
          nonce: chain.mempool.nextNonce(consumer.keys.address, chain.state),
          timestampMs: Date.now(),
        },
        consumer.keys,
      ),
    );
  }
}
