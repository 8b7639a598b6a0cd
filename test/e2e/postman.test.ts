/**
 * postman/gridpeer.postman_collection.json (seed 000's Postman flow, Appendix A Figs. A1–A11) run with newman
 * against five real `--dev` node processes that start unconnected: the collection's connect_node requests make
 * the network. Every assertion in the collection must pass.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import newman, { type NewmanRunSummary } from 'newman';
import {
  api,
  ensureBuilt,
  freePort,
  removeDir,
  type SpawnedNode,
  spawnNode,
  tempDir,
} from '../helpers/processNodes.js';

const COLLECTION_PATH = fileURLToPath(new URL('../../postman/gridpeer.postman_collection.json', import.meta.url));

interface Collection {
  info: { name: string; schema: string };
  item: Array<{ name: string; item: Array<{ name: string; event?: unknown[] }> }>;
  variable: Array<{ key: string; value: string }>;
}

function runCollection(collection: Collection, urls: readonly string[]): Promise<NewmanRunSummary> {
  return new Promise((resolve, reject) => {
    newman.run(
      {
        collection,
        envVar: urls.map((url, i) => ({ key: `node${i + 1}`, value: url })),
        reporters: [],
        timeout: 45_000,
        timeoutRequest: 20_000,
      },
      (error, summary) => (error ? reject(error) : resolve(summary)),
    );
  });
}

describe('Postman collection (seed 000 flow) on five node processes', { timeout: 58_000 }, () => {
  const collection = JSON.parse(readFileSync(COLLECTION_PATH, 'utf8')) as Collection;
  const nodes: SpawnedNode[] = [];
  const dirs: string[] = [];

  before(async () => {
    ensureBuilt();
    const ports = new Set<number>();
    while (ports.size < 5) ports.add(await freePort());
    await Promise.all(
      [...ports].map(async (port) => {
        const dataDir = tempDir('gridpeer-postman-');
        dirs.push(dataDir);
        nodes.push(await spawnNode({ port, dataDir }));
      }),
    );
    nodes.sort((a, b) => a.port - b.port);
  });

  after(async () => {
    await Promise.all(nodes.map((node) => node.stop()));
    for (const dir of dirs) removeDir(dir);
  });

  it('is a Postman v2.1 collection whose default variables are the nodes of `gridpeer node --port 5001..5005`', () => {
    assert.equal(collection.info.schema, 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json');
    const defaults = Object.fromEntries(collection.variable.map((v) => [v.key, v.value]));
    for (let i = 1; i <= 5; i++) assert.equal(defaults[`node${i}`], `http://127.0.0.1:500${i}`);
    const requests = collection.item.flatMap((folder) => folder.item);
    assert.ok(requests.length >= 20);
    for (const request of requests) {
      assert.ok(JSON.stringify(request.event ?? []).includes('pm.test('), `${request.name} has no test script`);
    }
  });

  it('runs with newman: every assertion passes, and the network ends on one chain', async () => {
    for (const node of nodes) assert.equal((await api(node.url, '/v1/status')).body['peers'], 0, 'start unconnected');
    const summary = await runCollection(
      collection,
      nodes.map((node) => node.url),
    );
    const failures = summary.run.failures.map(
      (failure) => `${failure.source?.name ?? '?'}: ${failure.error.test ?? ''} ${failure.error.message}`,
    );
    assert.deepEqual(failures, []);
    assert.equal(summary.run.error ?? null, null);
    const { assertions, requests } = summary.run.stats;
    assert.equal(assertions.failed, 0);
    assert.ok(assertions.total > 20, `only ${assertions.total} assertions ran`);
    assert.equal(requests.failed, 0);
    assert.equal(requests.total, collection.item.flatMap((folder) => folder.item).length);
    for (const execution of summary.run.executions) {
      assert.ok(execution.response, `${execution.item.name}: ${execution.requestError?.message ?? 'no response'}`);
    }

    // Checked outside the collection too: five connected nodes on the same head, one block above genesis.
    const statuses = await Promise.all(nodes.map(async (node) => (await api(node.url, '/v1/status')).body));
    assert.deepEqual(
      statuses.map((status) => status['peers']),
      [4, 4, 4, 4, 4],
    );
    assert.equal(new Set(statuses.map((status) => status['headHash'])).size, 1);
    assert.equal(statuses[0]!['height'], 1);
  });
});
