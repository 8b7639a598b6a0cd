import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  canonicalJson,
  createGenesis,
  devGenesisJson,
  GENESIS_FORMAT,
  GENESIS_MINER,
  type GenesisConfig,
  genesisConfigToJSON,
  parseGenesisConfig,
} from '../../../src/chain/genesis.js';
import { createConsensus } from '../../../src/consensus/create.js';
import { sha256, toHex, ZERO_HASH } from '../../../src/crypto/index.js';
import { computeTxRoot, headerHash } from '../../../src/ledger/block.js';
import { DEFAULT_CHAIN_PARAMS } from '../../../src/ledger/params.js';
import { genesisState } from '../../../src/ledger/state.js';
import { assertThrowsCoded } from '../../helpers/assertions.js';
import { alice, bob, TEST_ALLOC, testGenesisJson } from '../../helpers/chainFixtures.js';

function consensusOf(config: GenesisConfig) {
  return createConsensus(config.consensus as Record<string, unknown>, { pow: { workers: 0 } });
}

function genesisHashOf(json: unknown): string {
  const config = parseGenesisConfig(json);
  return toHex(headerHash(createGenesis(config, consensusOf(config)).block.header));
}

/** The test genesis JSON, typed for editing. */
interface GenesisJson {
  [key: string]: unknown;
  timestampMs: number;
  consensus: Record<string, unknown>;
  alloc: Array<Record<string, unknown>>;
}

/** A deep copy with `edit` applied. */
function edited(edit: (json: GenesisJson) => void): Record<string, unknown> {
  const json = structuredClone(testGenesisJson()) as GenesisJson;
  edit(json);
  return json;
}

describe('parseGenesisConfig names the field that breaks a rule', () => {
  const cases: Array<[string, (json: GenesisJson) => void, string]> = [
    ['a wrong format', (j) => (j['format'] = 'gridpeer-genesis/2'), 'format'],
    ['a missing format', (j) => delete j['format'], 'format'],
    ['an empty name', (j) => (j['name'] = ''), 'name'],
    ['a name that is not a string', (j) => (j['name'] = 7), 'name'],
    ['a missing timestampMs', (j) => Reflect.deleteProperty(j, 'timestampMs'), 'timestampMs'],
    ['a negative timestampMs', (j) => (j['timestampMs'] = -1), 'timestampMs'],
    ['a fractional timestampMs', (j) => (j['timestampMs'] = 1.5), 'timestampMs'],
    ['alloc that is not an array', (j) => Object.assign(j, { alloc: {} }), 'alloc'],
    ['an alloc entry that is not an object', (j) => ((j.alloc as unknown[])[1] = 'gp00'), 'alloc[1]'],
    ['a malformed alloc address', (j) => (j.alloc[0]!['address'] = 'gpXYZ'), 'alloc[0].address'],
    [
      'an upper-case alloc address',
      (j) => (j.alloc[0]!['address'] = String(j.alloc[0]!['address']).toUpperCase()),
      'alloc[0].address',
    ],
    ['a negative alloc balance', (j) => (j.alloc[0]!['balanceMicro'] = '-5'), 'alloc[0].balanceMicro'],
    ['an alloc balance in coins', (j) => (j.alloc[2]!['balanceMicro'] = '1.5'), 'alloc[2].balanceMicro'],
    [
      'an alloc balance beyond u64',
      (j) => (j.alloc[0]!['balanceMicro'] = (2n ** 64n).toString()),
      'alloc[0].balanceMicro',
    ],
    [
      'allocations that together exceed u64 (the genesis supply)',
      (j) => (j.alloc[0]!['balanceMicro'] = (2n ** 64n - 1n - 55_000_000n).toString()),
      'alloc[2].balanceMicro',
    ],
    ['a chainId beyond u32', (j) => (j['chainId'] = 2 ** 32), 'chainId'],
    ['a negative blockRewardMicro', (j) => (j['blockRewardMicro'] = '-1'), 'blockRewardMicro'],
    ['consensus that is not an object', (j) => Object.assign(j, { consensus: 'pow' }), 'consensus'],
    [
      'limits.maxBlockTxs of 0 (no room for the reward)',
      (j) => (j['limits'] = { maxBlockTxs: 0 }),
      'limits.maxBlockTxs',
    ],
    ['limits.maxBlockTxs that is not a number', (j) => (j['limits'] = { maxBlockTxs: 'many' }), 'limits.maxBlockTxs'],
    ['limits.maxBlockTxs above its ceiling', (j) => (j['limits'] = { maxBlockTxs: 100_001 }), 'limits.maxBlockTxs'],
    ['limits.medianTimeSpan of 0', (j) => (j['limits'] = { medianTimeSpan: 0 }), 'limits.medianTimeSpan'],
    ['a negative limits.maxBlockBytes', (j) => (j['limits'] = { maxBlockBytes: -1 }), 'limits.maxBlockBytes'],
    ['limits that is not an object', (j) => (j['limits'] = 5), 'limits'],
  ];
  for (const [what, edit, field] of cases) {
    it(`${what} → INVALID_CONFIG at ${field}`, () => {
      assertThrowsCoded(() => parseGenesisConfig(edited(edit)), 'INVALID_CONFIG', field);
    });
  }

  it('a value that is not an object → INVALID_CONFIG at genesis', () => {
    assertThrowsCoded(() => parseGenesisConfig(null), 'INVALID_CONFIG', 'genesis');
    assertThrowsCoded(() => parseGenesisConfig([]), 'INVALID_CONFIG', 'genesis');
  });

  it('the valid test configuration parses with its values', () => {
    const config = parseGenesisConfig(testGenesisJson({ limits: { maxBlockTxs: 50 } }));
    assert.equal(config.format, GENESIS_FORMAT);
    assert.equal(config.name, 'gridpeer-devnet');
    assert.equal(config.params.maxBlockTxs, 50);
    assert.equal(config.params.maxBlockBytes, DEFAULT_CHAIN_PARAMS.maxBlockBytes);
    assert.deepEqual(config.alloc, TEST_ALLOC);
    assert.equal(config.consensus['initialDifficultyBits'], 5);
  });
});

describe('createConsensus names the consensus field that breaks a rule', () => {
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['an unknown engine', { engine: 'pos' }, 'consensus.engine'],
    ['initialDifficultyBits of 0', { initialDifficultyBits: 0 }, 'consensus.initialDifficultyBits'],
    ['initialDifficultyBits above 64', { initialDifficultyBits: 65 }, 'consensus.initialDifficultyBits'],
    ['minDifficultyBits above initialDifficultyBits', { minDifficultyBits: 9 }, 'consensus.minDifficultyBits'],
    ['a non-numeric targetBlockIntervalMs', { targetBlockIntervalMs: 'soon' }, 'consensus.targetBlockIntervalMs'],
    ['retargetEveryBlocks of 0', { retargetEveryBlocks: 0 }, 'consensus.retargetEveryBlocks'],
    ['maxAdjustFactor of 0', { maxAdjustFactor: 0 }, 'consensus.maxAdjustFactor'],
  ];
  for (const [what, change, field] of cases) {
    it(`${what} → INVALID_CONFIG at ${field}`, () => {
      const config = parseGenesisConfig(
        edited((j) => {
          j.consensus = { ...j.consensus, initialDifficultyBits: 8, minDifficultyBits: 4, ...change };
        }),
      );
      assertThrowsCoded(() => consensusOf(config), 'INVALID_CONFIG', field);
    });
  }
});

describe('genesis block and hash', () => {
  it('builds the genesis block from the configuration (seed 000 §2.2: zero previous hash, no PoW)', () => {
    const config = parseGenesisConfig(testGenesisJson());
    const consensus = consensusOf(config);
    const { block, state } = createGenesis(config, consensus);
    assert.equal(block.header.height, 0);
    assert.deepEqual(block.header.prevHash, ZERO_HASH);
    assert.equal(block.txs.length, 0);
    assert.deepEqual(block.header.txRoot, computeTxRoot([]));
    assert.equal(block.header.timestampMs, config.timestampMs);
    assert.equal(block.header.bits, consensus.genesisBits());
    assert.equal(block.header.miner, GENESIS_MINER);
    assert.equal(block.header.nonce, 0n);
    assert.deepEqual(block.header.extra, config.configHash);
    assert.equal(toHex(block.header.stateRoot), toHex(genesisState(TEST_ALLOC, config.marketAdmin).root()));
    assert.equal(toHex(state.root()), toHex(block.header.stateRoot));
    assert.equal(state.account(alice.address).balanceMicro, 100_000_000n);
    assert.equal(state.supplyMicro(), 170_000_000n);
  });

  it('the configuration hash is SHA-256 of its canonical JSON with defaults filled', () => {
    const json = testGenesisJson();
    const config = parseGenesisConfig(json);
    const text = canonicalJson(genesisConfigToJSON(config));
    assert.equal(toHex(config.configHash), toHex(sha256(Buffer.from(text, 'utf8'))));
  });

  it('the same configuration gives the same genesis hash, whatever the key order or omitted defaults', () => {
    const json = testGenesisJson();
    const reference = genesisHashOf(json);
    assert.equal(genesisHashOf(structuredClone(json)), reference);
    const reversed = Object.fromEntries(Object.entries(json).reverse());
    assert.equal(genesisHashOf(reversed), reference);
    const explicitDefaults = { ...json, limits: { ...DEFAULT_CHAIN_PARAMS } };
    delete (explicitDefaults.limits as Record<string, unknown>)['chainId'];
    delete (explicitDefaults.limits as Record<string, unknown>)['blockRewardMicro'];
    assert.equal(genesisHashOf(explicitDefaults), reference);
    // The JSON written by `chain init` reads back to the same network.
    assert.equal(genesisHashOf(JSON.parse(JSON.stringify(genesisConfigToJSON(parseGenesisConfig(json))))), reference);
  });

  it('any parameter change gives a different genesis hash', () => {
    const mutations: Array<[string, (json: GenesisJson) => void]> = [
      ['name', (j) => (j['name'] = 'other-net')],
      ['chainId', (j) => (j['chainId'] = 1338)],
      ['timestampMs', (j) => (j['timestampMs'] = j.timestampMs + 1)],
      ['blockRewardMicro', (j) => (j['blockRewardMicro'] = '1000001')],
      ['limits.maxBlockBytes', (j) => (j['limits'] = { maxBlockBytes: 1_000_000 })],
      ['limits.maxBlockTxs', (j) => (j['limits'] = { maxBlockTxs: 9_999 })],
      ['limits.maxFutureDriftMs', (j) => (j['limits'] = { maxFutureDriftMs: 60_000 })],
      ['limits.medianTimeSpan', (j) => (j['limits'] = { medianTimeSpan: 5 })],
      ['consensus.initialDifficultyBits', (j) => (j.consensus['initialDifficultyBits'] = 6)],
      ['consensus.minDifficultyBits', (j) => (j.consensus['minDifficultyBits'] = 3)],
      ['consensus.targetBlockIntervalMs', (j) => (j.consensus['targetBlockIntervalMs'] = 9_999)],
      ['consensus.retargetEveryBlocks', (j) => (j.consensus['retargetEveryBlocks'] = 999)],
      ['consensus.maxAdjustFactor', (j) => (j.consensus['maxAdjustFactor'] = 3)],
      ['alloc balance', (j) => (j.alloc[0]!['balanceMicro'] = '100000001')],
      ['alloc address', (j) => (j.alloc[3]!['address'] = bob.address.replace(/.$/, '0'))],
      ['alloc removed', (j) => j.alloc.pop()],
      ['alloc order', (j) => j.alloc.reverse()],
    ];
    const reference = genesisHashOf(testGenesisJson());
    const seen = new Set([reference]);
    for (const [what, mutate] of mutations) {
      const hash = genesisHashOf(edited(mutate));
      assert.notEqual(hash, reference, `${what} must change the genesis hash`);
      assert.ok(!seen.has(hash), `${what} collides with another mutation`);
      seen.add(hash);
    }
  });

  it('the embedded devnet parses and needs 16 leading zero bits (seed 000)', () => {
    const config = parseGenesisConfig(devGenesisJson());
    assert.equal(config.consensus['initialDifficultyBits'], 16);
    assert.equal(config.params.chainId, DEFAULT_CHAIN_PARAMS.chainId);
    assert.equal(config.params.blockRewardMicro, 1_000_000n);
    assert.deepEqual(config.alloc, []);
    assert.equal(createGenesis(config, consensusOf(config)).state.supplyMicro(), 0n);
  });
});
