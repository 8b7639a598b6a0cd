/**
 * The simulator's two ledgers give the same trades (issue "community simulator", engine item 4): a short scenario
 * runs in-process and then through three real node processes started with the scenario's genesis, the nodes
 * mining and clearing on a compressed clock; the trades are identical, and every node holds them.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { genesisConfigToJSON } from '../../src/chain/genesis.js';
import { runCommunity, simulationGenesis } from '../../src/sim/engine.js';
import type { Community, HomeSpec } from '../../src/sim/types.js';
import {
  api,
  ensureBuilt,
  freePorts,
  removeDir,
  type SpawnedNode,
  spawnNode,
  tempDir,
  waitFor,
} from '../helpers/processNodes.js';

const HOUR_MS = 3_600_000;
const START_MS = Date.UTC(2017, 4, 11, 10, 0, 0);
const SLOTS = 3;

function community(): Community {
  const spec = (id: string, role: HomeSpec['role']): HomeSpec => ({
    id,
    role,
    load: { kind: 'values', kwhPerSlot: [] },
  });
  const homes = [
    { spec: spec('P1', 'prosumer'), loadWh: Int32Array.of(400, 500, 450), pvWh: Int32Array.of(3200, 3600, 2900) },
    { spec: spec('P2', 'prosumer'), loadWh: Int32Array.of(600, 700, 650), pvWh: Int32Array.of(1500, 1700, 1400) },
    { spec: spec('C1', 'consumer'), loadWh: Int32Array.of(900, 800, 1000), pvWh: new Int32Array(SLOTS) },
    { spec: spec('C2', 'consumer'), loadWh: Int32Array.of(1800, 2100, 1600), pvWh: new Int32Array(SLOTS) },
  ];
  return {
    scenario: {
      format: 'gridpeer-scenario/1',
      name: 'network-equivalence',
      description: 'four homes, three midday hours',
      currency: 'Rs',
      start: new Date(START_MS).toISOString(),
      slotMinutes: 60,
      slots: SLOTS,
      seed: 11,
      mechanism: 'uniform-auction',
      strategy: 'zi-c',
      tariff: { kind: 'flat', importPerKwh: 2.5, exportPerKwh: 1 },
      homes: homes.map((h) => h.spec),
    },
    slotMs: HOUR_MS,
    startMs: START_MS,
    importPriceMicroPerKwh: [2_500_000n, 2_600_000n, 2_400_000n],
    exportPriceMicroPerKwh: [1_000_000n, 1_000_000n, 1_000_000n],
    homes,
  };
}

describe('simulator: in-process and networked ledgers', { timeout: 120_000 }, () => {
  const nodes: SpawnedNode[] = [];
  const dirs: string[] = [];

  before(async () => {
    ensureBuilt();
    const dir = tempDir('gridpeer-sim-');
    dirs.push(dir);
    const genesisFile = join(dir, 'genesis.json');
    writeFileSync(genesisFile, JSON.stringify(genesisConfigToJSON(simulationGenesis(community()))));
    for (const port of await freePorts(3)) {
      const data = tempDir('gridpeer-sim-node-');
      dirs.push(data);
      nodes.push(
        await spawnNode({
          port,
          dataDir: data,
          args: ['--genesis', genesisFile, '--peers', nodes.map((n) => n.url).join(',')],
        }),
      );
    }
    await waitFor('a full mesh', async () => {
      for (const node of nodes)
        if ((await api<{ peers: unknown[] }>(node.url, '/v1/peers')).body.peers.length < 2) return false;
      return true;
    });
  });

  after(async () => {
    await Promise.all(nodes.map((node) => node.kill()));
    for (const dir of dirs) removeDir(dir);
  });

  it('gives the same trades, and every node holds them', async () => {
    const inProcess = await runCommunity(community(), { ledger: 'inprocess' });
    const networked = await runCommunity(community(), {
      ledger: 'network',
      nodeUrl: nodes[0]!.url,
      networkSlotMs: 3000,
    });
    assert.ok(inProcess.trades.length > 0, 'the scenario trades');
    assert.deepEqual(networked.trades, inProcess.trades);
    assert.deepEqual(
      networked.homeSlots.map((slots) => slots.map((s) => s.paymentMicro)),
      inProcess.homeSlots.map((slots) => slots.map((s) => s.paymentMicro)),
    );
    const status = await api<{ headHash: string }>(nodes[0]!.url, '/v1/status');
    await waitFor('every node at the same head', async () => {
      for (const node of nodes)
        if ((await api<{ headHash: string }>(node.url, '/v1/status')).body.headHash !== status.body.headHash)
          return false;
      return true;
    });
    for (const node of nodes) {
      const { body } = await api<{ trades: unknown[] }>(node.url, '/v1/trades?limit=1000');
      assert.equal(body.trades.length, inProcess.trades.length, node.url);
    }
  });
});
