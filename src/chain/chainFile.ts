/**
 * @module chain/chainFile
 * The exported chain: a JSON document with the genesis configuration and every canonical block in its JSON
 * view (`gridpeer chain export`, `gridpeer chain verify`, and the seeds' `get_chain` payload). Blocks are
 * rebuilt from their fields, never from a stored hash, so an edited field always changes what is verified; the
 * `hash` each block records is compared with the recomputed one to name the edited block.
 */
import type { Consensus } from '../consensus/index.js';
import { GridPeerError } from '../errors/index.js';
import {
  type Block,
  type BlockJson,
  blockFromJSON,
  blockHashHex,
  blockToJSON,
  headerFromJSON,
} from '../ledger/block.js';
import type { StateContract } from '../ledger/contract.js';
import { txFromJSON } from '../ledger/tx.js';
import { type GenesisConfig, genesisConfigToJSON, parseGenesisConfig } from './genesis.js';
import { type VerifyChainResult, verifyChain } from './verifyChain.js';

export const CHAIN_FILE_FORMAT = 'gridpeer-chain/1';

export interface ChainFile {
  format: typeof CHAIN_FILE_FORMAT;
  genesis: Record<string, unknown>;
  height: number;
  headHash: string;
  blocks: BlockJson[];
}

export function chainToFile(config: GenesisConfig, blocks: readonly Block[]): ChainFile {
  const last = blocks[blocks.length - 1];
  return {
    format: CHAIN_FILE_FORMAT,
    genesis: genesisConfigToJSON(config),
    height: blocks.length - 1,
    headHash: last ? blockHashHex(last) : '',
    blocks: blocks.map(blockToJSON),
  };
}

export interface ParsedChainFile {
  readonly config: GenesisConfig;
  readonly blocks: Block[];
  /** The `hash` each block records in the file (undefined where it records none: then only the rules apply). */
  readonly recordedHashes: Array<string | undefined>;
}

/**
 * Reads a chain file's structure (not its validity).
 * @throws GridPeerError INVALID_CHAIN_FILE naming the field (for example `blocks[3].txs[1].amountMicro`).
 */
export function parseChainFile(value: unknown): ParsedChainFile {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new GridPeerError('INVALID_CHAIN_FILE', 'a chain file is a JSON object', { field: '' });
  }
  const json = value as Record<string, unknown>;
  if (json['format'] !== CHAIN_FILE_FORMAT) {
    throw new GridPeerError('INVALID_CHAIN_FILE', `format must be "${CHAIN_FILE_FORMAT}"`, { field: 'format' });
  }
  const config = rethrowAt('genesis', () => parseGenesisConfig(json['genesis']));
  const blocksJson = json['blocks'];
  if (!Array.isArray(blocksJson))
    throw new GridPeerError('INVALID_CHAIN_FILE', 'blocks must be an array', { field: 'blocks' });
  const blocks = blocksJson.map((blockJson, i) => parseBlockAt(blockJson, `blocks[${i}]`));
  const recordedHashes = blocksJson.map((blockJson, i) => {
    const hash = (blockJson as Record<string, unknown> | null)?.['hash'];
    if (hash === undefined) return undefined;
    if (typeof hash !== 'string') {
      throw new GridPeerError('INVALID_CHAIN_FILE', `blocks[${i}].hash must be a hex string`, {
        field: `blocks[${i}].hash`,
      });
    }
    return hash;
  });
  return { config, blocks, recordedHashes };
}

/**
 * {@link blockFromJSON}, with each transaction's errors located by its index: `txFromJSON` names only the
 * field (`amountMicro`), so the prefix must carry `txs[j]`.
 */
function parseBlockAt(value: unknown, at: string): Block {
  const txs = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)['txs'] : undefined;
  // Not an object, or no txs array: blockFromJSON throws the error that names it.
  if (!Array.isArray(txs)) return rethrowAt(at, () => blockFromJSON(value));
  const header = rethrowAt(at, () => headerFromJSON((value as Record<string, unknown>)['header']));
  return Object.freeze({
    header,
    txs: Object.freeze(txs.map((tx, j) => rethrowAt(`${at}.txs[${j}]`, () => txFromJSON(tx)))),
  });
}

function rethrowAt<T>(prefix: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof GridPeerError) {
      const field = typeof error.details['field'] === 'string' ? `${prefix}.${error.details['field']}` : prefix;
      throw new GridPeerError(
        'INVALID_CHAIN_FILE',
        `${field}: ${error.message}`,
        { ...error.details, field },
        { cause: error },
      );
    }
    throw error;
  }
}

/** Verifies a parsed chain file: every rule, block by block, plus the hash each block records. */
export function verifyChainFile(
  parsed: ParsedChainFile,
  consensus: Consensus,
  options: { nowMs: number; expectedHeadHash?: string; contract?: StateContract },
): VerifyChainResult {
  return verifyChain(parsed.config, consensus, parsed.blocks, { ...options, recordedHashes: parsed.recordedHashes });
}
