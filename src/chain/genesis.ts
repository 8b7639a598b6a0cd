/**
 * @module chain/genesis
 * The genesis configuration (one JSON file every node of a network shares) and the genesis block made from it.
 * Seed 000 §2.2: the genesis block has no predecessor, so its previous hash is all zeros and it needs no PoW.
 * Its `extra` field holds SHA-256 of the canonical configuration, so two networks whose parameters differ in any
 * way have different genesis hashes and never mistake each other's blocks.
 */

import type { Consensus } from '../consensus/index.js';
import { type Address, addressFromBytes, sha256, ZERO_HASH } from '../crypto/index.js';
import { GridPeerError } from '../errors/index.js';
import { BLOCK_VERSION, type Block, computeTxRoot } from '../ledger/block.js';
import { type ChainParams, DEFAULT_CHAIN_PARAMS, parseChainParams } from '../ledger/params.js';
import { type Allocation, genesisState, type LedgerState } from '../ledger/state.js';
import { coinsToMicro, MAX_MONEY_MICRO, parseMicro, parseUint } from '../units/index.js';
import { DEV_ADMIN_NAME, devKeyPair } from './devAccounts.js';

export const GENESIS_FORMAT = 'gridpeer-genesis/1';
/** The miner field of the genesis block: nobody mined it. */
export const GENESIS_MINER: Address = addressFromBytes(new Uint8Array(20));

export interface GenesisConfig {
  readonly format: typeof GENESIS_FORMAT;
  readonly name: string;
  readonly timestampMs: number;
  readonly params: ChainParams;
  /** Engine section, read by `consensus/create` (`engine` plus its parameters). */
  readonly consensus: Readonly<Record<string, unknown>>;
  readonly alloc: readonly Allocation[];
  /** The network administrator of the market (seed 004 §IV: approves households, opens markets); null = no market. */
  readonly marketAdmin: Address | null;
  /** SHA-256 of the canonical JSON of the configuration. */
  readonly configHash: Uint8Array;
}

/** JSON with sorted keys and no whitespace: one text per value, so its hash is stable. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  if (typeof value === 'bigint') return JSON.stringify(value.toString());
  return JSON.stringify(value);
}

function asObject(value: unknown, field: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new GridPeerError('INVALID_CONFIG', `${field} must be a JSON object`, { field });
  }
  return value as Record<string, unknown>;
}

/**
 * Validates a genesis configuration (parsed JSON) and fills defaults.
 * @throws GridPeerError INVALID_CONFIG naming the field and the rule.
 */
export function parseGenesisConfig(value: unknown): GenesisConfig {
  const json = asObject(value, 'genesis');
  if (json['format'] !== GENESIS_FORMAT) {
    throw new GridPeerError('INVALID_CONFIG', `format must be "${GENESIS_FORMAT}"`, { field: 'format' });
  }
  const name = json['name'] ?? 'gridpeer';
  if (typeof name !== 'string' || name.length === 0 || name.length > 64) {
    throw new GridPeerError('INVALID_CONFIG', 'name must be a string of 1–64 characters', { field: 'name' });
  }
  const consensus = asObject(json['consensus'] ?? { engine: 'pow' }, 'consensus');
  const allocJson = json['alloc'] ?? [];
  if (!Array.isArray(allocJson))
    throw new GridPeerError('INVALID_CONFIG', 'alloc must be an array', { field: 'alloc' });
  let timestampMs: number;
  let alloc: Allocation[];
  let allocatedMicro = 0n;
  try {
    timestampMs = parseUint(json['timestampMs'], 'timestampMs');
    alloc = allocJson.map((entry, i) => {
      const item = asObject(entry, `alloc[${i}]`);
      const address = item['address'];
      if (typeof address !== 'string' || !/^gp[0-9a-f]{40}$/.test(address)) {
        throw new GridPeerError('INVALID_CONFIG', `alloc[${i}].address must be "gp" + 40 lowercase hex digits`, {
          field: `alloc[${i}].address`,
        });
      }
      const balanceMicro = parseMicro(item['balanceMicro'], `alloc[${i}].balanceMicro`);
      // The allocations make up the genesis supply, which must fit the money range like every balance.
      allocatedMicro += balanceMicro;
      if (allocatedMicro > MAX_MONEY_MICRO) {
        throw new GridPeerError('INVALID_CONFIG', `alloc[${i}].balanceMicro takes the total allocation beyond 2^64-1`, {
          field: `alloc[${i}].balanceMicro`,
        });
      }
      return { address, balanceMicro };
    });
  } catch (error) {
    if (error instanceof GridPeerError && error.code !== 'INVALID_CONFIG') {
      throw new GridPeerError('INVALID_CONFIG', error.message, error.details, { cause: error });
    }
    throw error;
  }
  const params = parseChainParams(json);
  let marketAdmin: Address | null = null;
  if (json['market'] !== undefined) {
    const market = asObject(json['market'], 'market');
    const admin = market['admin'];
    if (typeof admin !== 'string' || !/^gp[0-9a-f]{40}$/.test(admin)) {
      throw new GridPeerError('INVALID_CONFIG', 'market.admin must be "gp" + 40 lowercase hex digits', {
        field: 'market.admin',
      });
    }
    marketAdmin = admin;
  }
  const normalized = {
    format: GENESIS_FORMAT,
    name,
    timestampMs,
    chainId: params.chainId,
    blockRewardMicro: params.blockRewardMicro.toString(),
    limits: {
      maxBlockBytes: params.maxBlockBytes,
      maxBlockTxs: params.maxBlockTxs,
      maxFutureDriftMs: params.maxFutureDriftMs,
      medianTimeSpan: params.medianTimeSpan,
    },
    consensus,
    alloc: alloc.map((a) => ({ address: a.address, balanceMicro: a.balanceMicro.toString() })),
    // Absent rather than null without a market, so configurations written before the market keep their hash.
    ...(marketAdmin === null ? {} : { market: { admin: marketAdmin } }),
  };
  return Object.freeze({
    format: GENESIS_FORMAT,
    name,
    timestampMs,
    params,
    consensus,
    alloc: Object.freeze(alloc),
    marketAdmin,
    configHash: sha256(Buffer.from(canonicalJson(normalized), 'utf8')),
  });
}

/** The configuration as JSON (what `chain init` writes and what peers compare). */
export function genesisConfigToJSON(config: GenesisConfig): Record<string, unknown> {
  return {
    format: config.format,
    name: config.name,
    chainId: config.params.chainId,
    timestampMs: config.timestampMs,
    blockRewardMicro: config.params.blockRewardMicro.toString(),
    limits: {
      maxBlockBytes: config.params.maxBlockBytes,
      maxBlockTxs: config.params.maxBlockTxs,
      maxFutureDriftMs: config.params.maxFutureDriftMs,
      medianTimeSpan: config.params.medianTimeSpan,
    },
    consensus: config.consensus,
    alloc: config.alloc.map((a) => ({ address: a.address, balanceMicro: a.balanceMicro.toString() })),
    ...(config.marketAdmin === null ? {} : { market: { admin: config.marketAdmin } }),
  };
}

/**
 * The embedded development network: what `npm start` and `gridpeer chain init` use without a genesis file.
 * Seed 000 pays 1 coin per block and its code asked for four leading hex zeros (16 bits).
 */
export function devGenesisJson(
  alloc: readonly Allocation[] = [],
  marketAdmin: Address = devKeyPair(DEV_ADMIN_NAME).address,
): Record<string, unknown> {
  return {
    format: GENESIS_FORMAT,
    name: 'gridpeer-devnet',
    chainId: DEFAULT_CHAIN_PARAMS.chainId,
    // 2026-01-01T00:00:00Z: fixed, so every devnet node derives the same genesis hash.
    timestampMs: 1_767_225_600_000,
    blockRewardMicro: coinsToMicro(1).toString(),
    consensus: {
      engine: 'pow',
      initialDifficultyBits: 16,
      minDifficultyBits: 8,
      targetBlockIntervalMs: 5_000,
      retargetEveryBlocks: 10,
      maxAdjustFactor: 4,
    },
    alloc: alloc.map((a) => ({ address: a.address, balanceMicro: a.balanceMicro.toString() })),
    market: { admin: marketAdmin },
  };
}

export interface Genesis {
  readonly block: Block;
  readonly state: LedgerState;
}

export function createGenesis(config: GenesisConfig, consensus: Consensus): Genesis {
  const state = genesisState(config.alloc, config.marketAdmin);
  const block: Block = Object.freeze({
    header: Object.freeze({
      version: BLOCK_VERSION,
      height: 0,
      prevHash: ZERO_HASH,
      txRoot: computeTxRoot([]),
      stateRoot: state.root(),
      timestampMs: config.timestampMs,
      bits: consensus.genesisBits(),
      miner: GENESIS_MINER,
      nonce: 0n,
      extra: config.configHash,
    }),
    txs: Object.freeze([]),
  });
  return { block, state };
}
