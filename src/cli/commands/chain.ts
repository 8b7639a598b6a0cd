import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import type { Chain } from '../../chain/chain.js';
import { chainToFile, parseChainFile, verifyChainFile } from '../../chain/chainFile.js';
import { devGenesisJson, type GenesisConfig, genesisConfigToJSON, parseGenesisConfig } from '../../chain/genesis.js';
import { Miner } from '../../chain/miner.js';
import { buildTxProof, verifyTxProof } from '../../chain/txProof.js';
import { type VerifyChainResult, verifyChain } from '../../chain/verifyChain.js';
import { createConsensus } from '../../consensus/create.js';
import { createMarketContract } from '../../contract/index.js';
import { type Address, addressToBytes, fromHex, toHex } from '../../crypto/index.js';
import { GridPeerError } from '../../errors/index.js';
import type { Allocation } from '../../ledger/state.js';
import { readKeyFile } from '../../node/keyFile.js';
import { openLocalChain } from '../../node/localChain.js';
import { formatMicroAsCoins, parseCoinsToMicro } from '../../units/index.js';
import { readJsonFile } from '../files.js';
import { EXIT_FAILED, parseIntFlag, print, printError, runCommand } from '../output.js';

export const DEFAULT_DATA_DIR = '.gridpeer';

function dataDirOf(options: { dataDir?: string }): string {
  return options.dataDir ?? process.env['GRIDPEER_DATA_DIR'] ?? DEFAULT_DATA_DIR;
}

/** `--alloc gp…=COINS`, repeatable. */
function parseAlloc(values: readonly string[]): Allocation[] {
  return values.map((value) => {
    const [address, coins] = value.split('=');
    addressToBytes(address, '--alloc address');
    if (coins === undefined) {
      throw new GridPeerError('INVALID_ARGUMENT', '--alloc takes ADDRESS=COINS', { field: '--alloc', value });
    }
    return { address: address as Address, balanceMicro: parseCoinsToMicro(coins, '--alloc coins') };
  });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function genesisFromOptions(options: { genesis?: string; alloc: string[]; difficulty?: string }): GenesisConfig {
  if (options.genesis) {
    if (options.alloc.length > 0 || options.difficulty) {
      throw new GridPeerError(
        'INVALID_ARGUMENT',
        '--alloc and --difficulty apply to the embedded devnet, not to --genesis',
        {
          field: '--genesis',
        },
      );
    }
    return parseGenesisConfig(readJsonFile(options.genesis, 'genesis file'));
  }
  const json = devGenesisJson(parseAlloc(options.alloc));
  if (options.difficulty) {
    const bits = parseIntFlag(options.difficulty, '--difficulty', 1, 64);
    const consensus = json['consensus'] as Record<string, unknown>;
    consensus['initialDifficultyBits'] = bits;
    consensus['minDifficultyBits'] = Math.min(bits, Number(consensus['minDifficultyBits']));
  }
  return parseGenesisConfig(json);
}

async function withChain<T>(
  dataDir: string,
  extra: { miningThreads?: number; genesis?: GenesisConfig },
  body: (chain: Chain) => Promise<T>,
): Promise<T> {
  const chain = await openLocalChain({ dataDir, ...extra });
  try {
    return await body(chain);
  } finally {
    await chain.close();
  }
}

function describeHead(chain: Chain): string {
  return `height ${chain.height}, head ${chain.head.hash}`;
}

export function registerChainCommands(program: Command): void {
  const chain = program.command('chain').description('the ledger in a data directory: create, mine, export, verify');

  chain
    .command('init')
    .description('create a chain in the data directory from --genesis, or from the embedded devnet configuration')
    .option('--data-dir <dir>', 'node data directory (default $GRIDPEER_DATA_DIR or .gridpeer)')
    .option('--genesis <file>', 'genesis configuration JSON (see `chain genesis`)')
    .option('--alloc <address=coins>', 'devnet: starting balance for an address (repeatable)', collect, [])
    .option('--difficulty <bits>', 'devnet: initial PoW difficulty in leading zero bits (default 16)')
    .action((options: { dataDir?: string; genesis?: string; alloc: string[]; difficulty?: string }) =>
      runCommand(async () => {
        const genesis = genesisFromOptions(options);
        const dataDir = dataDirOf(options);
        await withChain(dataDir, { genesis }, async (opened) => {
          print(`chain "${genesis.name}" (chainId ${genesis.params.chainId}) in ${dataDir}`);
          print(`genesis ${opened.genesisHash}`);
          print(describeHead(opened));
        });
        return 0;
      }),
    );

  chain
    .command('genesis')
    .description('write the embedded devnet genesis configuration, to edit and pass to `chain init --genesis`')
    .requiredOption('--out <file>', 'where to write it')
    .option('--alloc <address=coins>', 'starting balance for an address (repeatable)', collect, [])
    .action((options: { out: string; alloc: string[] }) =>
      runCommand(async () => {
        const config = parseGenesisConfig(devGenesisJson(parseAlloc(options.alloc)));
        writeFileSync(options.out, `${JSON.stringify(genesisConfigToJSON(config), null, 2)}\n`);
        print(options.out);
        return 0;
      }),
    );

  chain
    .command('mine')
    .description('mine blocks on the chain in the data directory (transactions come from its mempool)')
    .requiredOption('--blocks <n>', 'how many blocks to mine')
    .option('--data-dir <dir>', 'node data directory')
    .option('--miner <address>', 'address that receives the rewards')
    .option('--key <file>', 'key file whose address receives the rewards')
    .option('--threads <n>', 'PoW threads (default: one per core)')
    .action((options: { blocks: string; dataDir?: string; miner?: string; key?: string; threads?: string }) =>
      runCommand(async () => {
        const count = parseIntFlag(options.blocks, '--blocks', 1, 1_000_000);
        const threads = options.threads ? parseIntFlag(options.threads, '--threads', 0, 256) : availableParallelism();
        if (options.miner && options.key) {
          throw new GridPeerError('INVALID_ARGUMENT', 'give --miner or --key, not both', { field: '--miner' });
        }
        let miner: Address;
        if (options.key) miner = readKeyFile(options.key).address;
        else if (options.miner) {
          addressToBytes(options.miner, '--miner');
          miner = options.miner;
        } else {
          throw new GridPeerError('INVALID_ARGUMENT', 'give --miner ADDRESS or --key FILE for the rewards', {
            field: '--miner',
          });
        }
        await withChain(dataDirOf(options), { miningThreads: threads }, async (opened) => {
          const started = performance.now();
          let done = 0;
          await new Miner(opened, miner).mineBlocks(count, (block) => {
            done++;
            print(
              `[${done}/${count}] block ${block.height} ${block.hash}  txs ${block.txCount}  ${(block.elapsedMs / 1000).toFixed(2)} s`,
            );
          });
          const seconds = (performance.now() - started) / 1000;
          print(`${count} blocks in ${seconds.toFixed(2)} s; ${describeHead(opened)}`);
          print(`miner ${miner} balance ${formatMicroAsCoins(opened.state.account(miner).balanceMicro)} coins`);
        });
        return 0;
      }),
    );

  chain
    .command('status')
    .description('head, height, supply and accounts of the chain in the data directory')
    .option('--data-dir <dir>', 'node data directory')
    .action((options: { dataDir?: string }) =>
      runCommand(async () => {
        await withChain(dataDirOf(options), {}, async (opened) => {
          print(`network ${opened.genesis.name} chainId ${opened.params.chainId} genesis ${opened.genesisHash}`);
          print(describeHead(opened));
          print(`state root ${toHex(opened.state.root())}`);
          print(`supply ${formatMicroAsCoins(opened.state.supplyMicro())} coins`);
          for (const { address, account } of opened.state.accounts()) {
            print(
              `  ${address}  ${formatMicroAsCoins(account.balanceMicro).padStart(14)} coins  nonce ${account.nonce}`,
            );
          }
        });
        return 0;
      }),
    );

  chain
    .command('export')
    .description('write the canonical chain with its genesis configuration as JSON')
    .requiredOption('--out <file>', 'output file')
    .option('--data-dir <dir>', 'node data directory')
    .action((options: { out: string; dataDir?: string }) =>
      runCommand(async () => {
        await withChain(dataDirOf(options), {}, async (opened) => {
          const file = chainToFile(opened.genesis, await opened.getCanonicalBlocks());
          writeFileSync(options.out, `${JSON.stringify(file, null, 1)}\n`);
          print(`wrote ${file.blocks.length} blocks (height ${file.height}, head ${file.headHash}) to ${options.out}`);
        });
        return 0;
      }),
    );

  chain
    .command('proof <txHash>')
    .description('print an inclusion proof (header + Merkle path) for a transaction of the canonical chain')
    .option('--data-dir <dir>', 'node data directory')
    .option('--out <file>', 'write the proof here instead of printing it')
    .action((hash: string, options: { dataDir?: string; out?: string }) =>
      runCommand(async () => {
        fromHex(hash, 'txHash', 32);
        await withChain(dataDirOf(options), {}, async (opened) => {
          const found = await opened.findTransaction(hash.toLowerCase().replace(/^0x/, ''));
          if (!found)
            throw new GridPeerError('TX_NOT_FOUND', `transaction ${hash} is not in the canonical chain`, {
              txHash: hash,
            });
          const proof = buildTxProof(found.block, hash.toLowerCase().replace(/^0x/, ''));
          const text = `${JSON.stringify(proof, null, 2)}\n`;
          if (options.out) writeFileSync(options.out, text);
          else process.stdout.write(text);
        });
        return 0;
      }),
    );

  chain
    .command('check-proof <file>')
    .description('check an inclusion proof: exit 0 when the transaction is in the block the proof names')
    .action((file: string) =>
      runCommand(async () => {
        const verdict = verifyTxProof(readJsonFile(file, 'proof file'));
        if (!verdict.ok) {
          printError(`invalid proof: ${verdict.code}: ${verdict.reason}`);
          return EXIT_FAILED;
        }
        const proof = readJsonFile(file, 'proof file') as {
          txHash: string;
          blockHash: string;
          header: { height: number };
        };
        print(`valid: transaction ${proof.txHash} is in block ${proof.header.height} (${proof.blockHash})`);
        return 0;
      }),
    );

  chain
    .command('check')
    .description('replay the chain stored in the data directory from genesis; exit 0 when every block is valid')
    .option('--data-dir <dir>', 'node data directory')
    .action((options: { dataDir?: string }) =>
      runCommand(async () => {
        return withChain(dataDirOf(options), {}, async (opened) => {
          const consensus = createConsensus(opened.genesis.consensus as Record<string, unknown>, {
            pow: { workers: 0 },
          });
          const result = verifyChain(opened.genesis, consensus, await opened.getCanonicalBlocks(), {
            nowMs: Date.now(),
            expectedHeadHash: opened.head.hash,
            contract: opened.contract,
          });
          await consensus.close();
          return reportVerdict(result);
        });
      }),
    );

  chain
    .command('verify <file>')
    .description('verify an exported chain from genesis; exit 0 when valid, 1 naming the first bad block and rule')
    .option('--head <hash>', 'the head hash you trust; a chain ending elsewhere fails')
    .action((file: string, options: { head?: string }) =>
      runCommand(async () => {
        const parsed = parseChainFile(readJsonFile(file, 'chain file'));
        const consensus = createConsensus(parsed.config.consensus as Record<string, unknown>, { pow: { workers: 0 } });
        const result = verifyChainFile(parsed, consensus, {
          contract: createMarketContract(),
          nowMs: Date.now(),
          ...(options.head ? { expectedHeadHash: options.head } : {}),
        });
        await consensus.close();
        return reportVerdict(result);
      }),
    );
}

function reportVerdict(result: VerifyChainResult): number {
  if (result.ok) {
    print(`valid: ${result.height + 1} blocks, head ${result.headHash}`);
    return 0;
  }
  const tx = result.txIndex === undefined ? '' : `, transaction ${result.txIndex}`;
  printError(`invalid: block ${result.blockHeight} (${result.blockHash})${tx}: ${result.code}: ${result.reason}`);
  printError(`blocks 0..${result.validHeight} are valid`);
  return EXIT_FAILED;
}
