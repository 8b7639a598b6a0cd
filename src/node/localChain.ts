/**
 * @module node/localChain
 * Composition root for a chain in a data directory: LevelDB store + the configured consensus engine +
 * parallel signature verification + the market contract. The CLI and the network node open chains only through here.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Chain } from '../chain/chain.js';
import type { GenesisConfig } from '../chain/genesis.js';
import type { MempoolOptions } from '../chain/mempool.js';
import { ParallelSignatureVerifier } from '../chain/verifier.js';
import { createConsensus } from '../consensus/create.js';
import { createMarketContract } from '../contract/index.js';
import { GridPeerError } from '../errors/index.js';
import { LevelChainStore } from '../store/level.js';
import type { Clock } from '../units/time.js';

export interface OpenLocalChainOptions {
  readonly dataDir: string;
  /** Needed only to create a new chain; an existing one reads its configuration from the store. */
  readonly genesis?: GenesisConfig;
  /** PoW search threads (default: one per core; 0 = on the main thread). */
  readonly miningThreads?: number;
  /** Signature verification threads for block import (default: one per core). */
  readonly verifyThreads?: number;
  /** fsync every block (default true). */
  readonly sync?: boolean;
  readonly clock?: Clock;
  readonly mempool?: MempoolOptions;
}

/** Path of the chain database inside a node data directory. */
export function chainDbPath(dataDir: string): string {
  return join(dataDir, 'chain');
}

/**
 * @throws GridPeerError CHAIN_NOT_INITIALIZED when there is no chain and no genesis to create one; the data
 * directory is then left untouched (DESIGN.md §6: bad input changes nothing).
 */
export async function openLocalChain(options: OpenLocalChainOptions): Promise<Chain> {
  if (!options.genesis && !existsSync(chainDbPath(options.dataDir))) {
    throw new GridPeerError('CHAIN_NOT_INITIALIZED', 'the data directory holds no chain; run `gridpeer chain init`', {
      dataDir: options.dataDir,
    });
  }
  mkdirSync(options.dataDir, { recursive: true });
  const store = await LevelChainStore.open(
    chainDbPath(options.dataDir),
    options.sync === undefined ? {} : { sync: options.sync },
  );
  try {
    return await Chain.open({
      store,
      ...(options.genesis ? { genesis: options.genesis } : {}),
      createConsensus: (section) =>
        createConsensus(
          section,
          options.miningThreads === undefined ? {} : { pow: { workers: options.miningThreads } },
        ),
      verifier: new ParallelSignatureVerifier(options.verifyThreads),
      // Every node runs the same market contract inside the state transition (DESIGN.md §2).
      contract: createMarketContract(),
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.mempool ? { mempool: options.mempool } : {}),
    });
  } catch (error) {
    await store.close();
    throw error;
  }
}
