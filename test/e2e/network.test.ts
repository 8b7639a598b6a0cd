/**
 * The node network with real processes on loopback (MISSION L6; seed 000 §3): gossip of transactions and blocks
 * across five nodes, a node killed with SIGKILL that catches up on restart, a partition whose lighter side's
 * transactions return to the mempools when it heals, a peer that pushes a tampered block and is scored down and
 * dropped, and seed 000's latency by port distance. Every node is `node bin/gridpeer.js node --dev …`, started
 * and killed by the test; nothing runs in-process.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Block, decodeBlock, encodeBlock } from '../../src/ledger/block.js';
import type { RewardTx } from '../../src/ledger/tx.js';
import {
  api,
  ensureBuilt,
  freePortPair,
  freePorts,
  removeDir,
  type SpawnedNode,
  spawnNode,
  tempDir,
  waitFor,
} from '../helpers/processNodes.js';

interface Status {
  height: number;
  headHash: string;
  totalWork: string;
  mempoolSize: number;
  peers: number;
}

interface PeerView {
  url: string;
  score: number;
  /** No request to it before this time (ms since the epoch): its back-off after failures. */
  retryAtMs: number;
}

interface TxLookup {
  status: 'pending' | 'confirmed';
  blockHash?: string;
  blockHeight?: number;
  code?: string;
}

interface SeedChain {
  chain: Array<{ hash: string; height: number; transactions: Array<{ hash: string }> }>;
  length: number;
}

/** Every cluster not cleaned up yet: the `after` hook and the exit handler catch those a timeout left behind. */
const liveClusters = new Set<Cluster>();

/** Nodes and data directories of one test; {@link cleanup} kills and removes them all, whatever happened. */
class Cluster {
  private readonly nodes = new Set<SpawnedNode>();
  private readonly dirs = new Set<string>();

  constructor() {
    liveClusters.add(this);
  }

  dir(): string {
    const dir = tempDir('gridpeer-net-');
    this.dirs.add(dir);
    return dir;
  }

  async start(port: number, dataDir: string, args: readonly string[] = []): Promise<SpawnedNode> {
    const node = await spawnNode({ port, dataDir, args });
    this.nodes.add(node);
    return node;
  }

  /** SIGKILL: the process gets no chance to flush or close anything. */
  async kill(node: SpawnedNode): Promise<void> {
    await node.kill();
    this.nodes.delete(node);
  }

  async cleanup(): Promise<void> {
    await Promise.allSettled([...this.nodes].map((node) => node.kill()));
    this.nodes.clear();
    for (const dir of this.dirs) removeDir(dir);
    this.dirs.clear();
    liveClusters.delete(this);
  }

  /** Synchronous last resort when the test process exits. */
  killNow(): void {
    for (const node of this.nodes) if (node.process.exitCode === null) node.process.kill('SIGKILL');
  }
}

after(async () => {
  for (const cluster of [...liveClusters]) await cluster.cleanup();
});
process.once('exit', () => {
  for (const cluster of liveClusters) cluster.killNow();
});

const status = async (node: SpawnedNode): Promise<Status> => (await api<Status>(node.url, '/v1/status')).body;

async function peersOf(node: SpawnedNode): Promise<PeerView[]> {
  return (await api<{ peers: PeerView[] }>(node.url, '/v1/peers')).body.peers;
}

async function mempoolHashes(node: SpawnedNode): Promise<string[]> {
  const { body } = await api<{ txs: Array<{ hash: string }> }>(node.url, '/v1/mempool?limit=1000');
  return body.txs.map((tx) => tx.hash);
}

async function lookupTx(node: SpawnedNode, hash: string): Promise<{ status: number; body: TxLookup }> {
  return api<TxLookup>(node.url, `/v1/txs/${hash}`);
}

/** Seed 000 Fig. A7: an unsigned transfer between named dev accounts, signed by the node. @returns its hash */
async function transfer(node: SpawnedNode, sender: string, receiver: string, amount: number): Promise<string> {
  const { status: code, body } = await api<{ hash: string }>(node.url, '/add_transaction', {
    body: { sender, receiver, amount },
  });
  assert.equal(code, 201, `add_transaction on ${node.url}: ${JSON.stringify(body)}`);
  return body.hash;
}

/** Seed 000 Fig. A6: mines one block now. @returns its hash and height */
async function mine(node: SpawnedNode): Promise<{ hash: string; height: number }> {
  const { status: code, body } = await api<{ hash: string; height: number }>(node.url, '/mine_block');
  assert.equal(code, 200, `mine_block on ${node.url}: ${JSON.stringify(body)}`);
  return { hash: body.hash, height: body.height };
}

async function waitForPeers(nodes: readonly SpawnedNode[], expected: (node: SpawnedNode) => string[]): Promise<void> {
  for (const node of nodes) {
    const want = expected(node).sort();
    await waitFor(`${node.url} peers ${want.join(',')}`, async () => {
      const have = (await peersOf(node)).map((peer) => peer.url).sort();
      return JSON.stringify(have) === JSON.stringify(want);
    });
  }
}

/** Every node other than itself is a peer. */
const fullMesh = (nodes: readonly SpawnedNode[]) => (node: SpawnedNode) =>
  nodes.filter((other) => other !== node).map((other) => other.url);

async function waitForHead(nodes: readonly SpawnedNode[], hash: string, height: number): Promise<void> {
  for (const node of nodes) {
    await waitFor(`${node.url} at head ${height} ${hash.slice(0, 12)}`, async () => {
      const s = await status(node);
      return s.headHash === hash && s.height === height;
    });
  }
}

async function waitForPending(nodes: readonly SpawnedNode[], hashes: readonly string[]): Promise<void> {
  for (const node of nodes) {
    await waitFor(`${hashes.length} transactions pending on ${node.url}`, async () => {
      const pool = new Set(await mempoolHashes(node));
      return hashes.every((hash) => pool.has(hash));
    });
  }
}

async function assertConfirmed(node: SpawnedNode, hash: string, blockHash?: string): Promise<void> {
  const { status: code, body } = await lookupTx(node, hash);
  assert.equal(code, 200, `tx ${hash} on ${node.url}: ${JSON.stringify(body)}`);
  assert.equal(body.status, 'confirmed', `tx ${hash} on ${node.url}`);
  if (blockHash) assert.equal(body.blockHash, blockHash, `tx ${hash} on ${node.url} is in the mined block`);
}

before(() => ensureBuilt());

describe('node network (real processes on loopback)', { timeout: 180_000 }, () => {
  it('five nodes: a transfer reaches every mempool, a block mined on node 3 reaches every node', {
    timeout: 40_000,
  }, async () => {
    const cluster = new Cluster();
    try {
      const ports = await freePorts(5);
      const nodes: SpawnedNode[] = [];
      for (const port of ports) {
        nodes.push(await cluster.start(port, cluster.dir(), ['--peers', nodes.map((node) => node.url).join(',')]));
      }
      // Each node said hello to the ones before it, and they added it back: a full mesh.
      await waitForPeers(nodes, fullMesh(nodes));

      const txHash = await transfer(nodes[0]!, 'Consumer1', 'Prosumer1', 0.5);
      await waitForPending(nodes, [txHash]);
      for (const node of nodes) assert.equal((await lookupTx(node, txHash)).body.status, 'pending');

      const mined = await mine(nodes[2]!);
      assert.equal(mined.height, 1);
      await waitForHead(nodes, mined.hash, 1);
      for (const node of nodes) {
        await assertConfirmed(node, txHash, mined.hash);
        await waitFor(`empty mempool on ${node.url}`, async () => (await status(node)).mempoolSize === 0);
        assert.deepEqual(await mempoolHashes(node), []);
      }
    } finally {
      await cluster.cleanup();
    }
  });

  it('a node killed with SIGKILL restarts on its data directory and catches up from its peers', {
    timeout: 40_000,
  }, async () => {
    const cluster = new Cluster();
    try {
      const ports = await freePorts(3);
      const dirs = ports.map(() => cluster.dir());
      const n1 = await cluster.start(ports[0]!, dirs[0]!);
      const n2 = await cluster.start(ports[1]!, dirs[1]!, ['--peers', n1.url]);
      let n3 = await cluster.start(ports[2]!, dirs[2]!, ['--peers', `${n1.url},${n2.url}`]);
      await waitForPeers([n1, n2, n3], fullMesh([n1, n2, n3]));

      // Three blocks with a transfer each, mined in turn by every node; all three follow.
      const txs: string[] = [];
      const senders = ['Consumer1', 'Consumer2', 'Consumer3'];
      for (const [i, node] of [n1, n2, n3].entries()) {
        txs.push(await transfer(node, senders[i]!, 'Prosumer2', 0.25 + i));
        const mined = await mine(node);
        await waitForHead([n1, n2, n3], mined.hash, i + 1);
      }
      // What node 3 acknowledged before the kill: its canonical chain.
      const acknowledged = (await api<{ hashes: string[] }>(n3.url, '/v1/p2p/hashes?from=0&to=3')).body.hashes;
      assert.equal(acknowledged.length, 4);

      await cluster.kill(n3);
      // The network goes on without it.
      let head = { hash: '', height: 0 };
      for (let i = 0; i < 3; i++) {
        txs.push(await transfer(n1, 'Consumer1', 'Prosumer1', 0.5));
        head = await mine(n1);
        await waitForHead([n2], head.hash, head.height);
      }
      assert.equal(head.height, 6);
      // Its peers keep failing to reach it, so they back off from it (for 8 s after six failures in a row).
      const n3Url = n3.url;
      let backoffEndsMs = 0;
      await waitFor(
        'nodes 1 and 2 backing off from node 3 for at least 5 s more',
        async () => {
          const retryAt = await Promise.all(
            [n1, n2].map(async (node) => (await peersOf(node)).find((p) => p.url === n3Url)?.retryAtMs ?? 0),
          );
          backoffEndsMs = Math.min(...retryAt);
          return backoffEndsMs - Date.now() >= 5_000;
        },
        25_000,
      );

      // Same port, same data directory. The periodic sync is pushed out of the test's time frame, so the
      // catch-up can only come from the hello at start (the peer reports more work → sync).
      n3 = await cluster.start(ports[2]!, dirs[2]!, ['--peers', `${n1.url},${n2.url}`, '--sync-interval-ms', '600000']);
      assert.ok((await status(n3)).height >= 3, 'the restarted node reopened with the blocks it acknowledged');
      await waitForHead([n3], head.hash, head.height);

      const afterRestart = (await api<{ hashes: string[] }>(n3.url, '/v1/p2p/hashes?from=0&to=6')).body.hashes;
      assert.deepEqual(
        afterRestart.slice(0, 4),
        acknowledged,
        'every block acknowledged before the kill is still canonical',
      );
      assert.deepEqual(
        afterRestart,
        (await api<{ hashes: string[] }>(n1.url, '/v1/p2p/hashes?from=0&to=6')).body.hashes,
      );
      for (const hash of txs) await assertConfirmed(n3, hash);
      const valid = await api<{ valid: boolean; height: number }>(n3.url, '/is_valid');
      assert.equal(valid.body.valid, true, JSON.stringify(valid.body));
      assert.equal(valid.body.height, 6);

      // It is back in the gossip at once: its hello ended the back-off, so a transfer sent to node 2 and the next
      // block mined on node 1 reach it (its own periodic sync is off) before that back-off would have run out.
      const tx = await transfer(n2, 'Consumer2', 'Prosumer1', 1);
      await waitForPending([n3], [tx]);
      const next = await mine(n1);
      await waitForHead([n1, n2, n3], next.hash, 7);
      assert.ok(
        Date.now() < backoffEndsMs,
        `gossip reached node 3 ${Date.now() - backoffEndsMs} ms after the back-off`,
      );
      await assertConfirmed(n3, tx, next.hash);
    } finally {
      await cluster.cleanup();
    }
  });

  it('a partition heals: the heavier side wins, the lighter side’s transactions are pending again, then confirmed once', {
    timeout: 40_000,
  }, async () => {
    const cluster = new Cluster();
    try {
      const ports = await freePorts(4);
      const nodes: SpawnedNode[] = [];
      for (const port of ports) {
        nodes.push(await cluster.start(port, cluster.dir(), ['--peers', nodes.map((node) => node.url).join(',')]));
      }
      const [a, b, c, d] = nodes as [SpawnedNode, SpawnedNode, SpawnedNode, SpawnedNode];
      await waitForPeers(nodes, fullMesh(nodes));
      // Shared history: one block everyone has.
      const shared = [await transfer(a, 'Consumer3', 'Prosumer1', 0.1)];
      const common = await mine(d);
      await waitForHead(nodes, common.hash, 1);

      // Partition: cut every link between (A, B) and (C, D), on both ends.
      for (const [x, y] of [
        [a, c],
        [a, d],
        [b, c],
        [b, d],
      ] as const) {
        for (const [from, to] of [
          [x, y],
          [y, x],
        ] as const) {
          const removed = await api(from.url, '/v1/peers', { method: 'DELETE', body: { url: to.url } });
          assert.equal(removed.status, 200, JSON.stringify(removed.body));
        }
      }
      await waitForPeers(nodes, (node) => [
        { [a.url]: b.url, [b.url]: a.url, [c.url]: d.url, [d.url]: c.url }[node.url]!,
      ]);

      // Side 1 (A, B): Consumer1 pays twice, one block.
      const side1 = [
        await transfer(a, 'Consumer1', 'Prosumer1', 0.5),
        await transfer(a, 'Consumer1', 'Prosumer2', 0.75),
      ];
      await waitForPending([b], side1);
      const side1Head = await mine(b);
      await waitForHead([a, b], side1Head.hash, 2);
      // Side 2 (C, D): Consumer2 pays three times, two blocks: more work.
      const side2 = [
        await transfer(c, 'Consumer2', 'Prosumer1', 0.2),
        await transfer(c, 'Consumer2', 'Prosumer2', 0.3),
      ];
      await waitForPending([d], side2);
      const c2 = await mine(c);
      await waitForHead([c, d], c2.hash, 2);
      side2.push(await transfer(d, 'Consumer2', 'Prosumer1', 0.4));
      await waitForPending([c], side2.slice(2));
      const side2Head = await mine(d);
      await waitForHead([c, d], side2Head.hash, 3);

      // The two sides never saw each other's blocks or transactions.
      for (const node of [a, b]) assert.equal((await status(node)).headHash, side1Head.hash);
      for (const hash of side1) for (const node of [c, d]) assert.equal((await lookupTx(node, hash)).status, 404);
      for (const hash of side2) for (const node of [a, b]) assert.equal((await lookupTx(node, hash)).status, 404);
      const work1 = BigInt((await status(a)).totalWork);
      const work2 = BigInt((await status(c)).totalWork);
      assert.ok(work2 > work1, `side 2 is heavier (${work2} > ${work1})`);

      // Heal.
      for (const [x, y] of [
        [a, c],
        [a, d],
        [b, c],
        [b, d],
      ] as const) {
        const added = await api(x.url, '/v1/peers', { body: { url: y.url } });
        assert.equal(added.status, 200, JSON.stringify(added.body));
      }
      await waitForPeers(nodes, fullMesh(nodes));
      await waitForHead(nodes, side2Head.hash, 3);

      // Seed 000 §3: the merge put side 1's transactions back in the pending list.
      for (const node of [a, b]) {
        for (const hash of side1) {
          await waitFor(`${hash.slice(0, 12)} pending again on ${node.url}`, async () => {
            return (await lookupTx(node, hash)).body.status === 'pending';
          });
        }
      }
      // …and the nodes that merged pass them on, so any miner can include them.
      await waitForPending([c, d], side1);

      const final = await mine(c);
      assert.equal(final.height, 4);
      await waitForHead(nodes, final.hash, 4);
      const chains: string[][] = [];
      for (const node of nodes) {
        for (const hash of side1) await assertConfirmed(node, hash, final.hash);
        for (const hash of [...shared, ...side2]) await assertConfirmed(node, hash);
        const { body } = await api<SeedChain>(node.url, '/get_chain');
        assert.equal(body.length, 5);
        chains.push(body.chain.map((block) => block.hash));
        const count = new Map<string, number>();
        for (const block of body.chain)
          for (const tx of block.transactions) count.set(tx.hash, (count.get(tx.hash) ?? 0) + 1);
        for (const hash of [...shared, ...side1, ...side2]) {
          assert.equal(count.get(hash), 1, `tx ${hash} appears once in the chain of ${node.url}`);
        }
        for (const [hash, n] of count) assert.equal(n, 1, `tx ${hash} appears ${n} times on ${node.url}`);
        await waitFor(`empty mempool on ${node.url}`, async () => (await status(node)).mempoolSize === 0);
      }
      for (const chain of chains) assert.deepEqual(chain, chains[0]);
    } finally {
      await cluster.cleanup();
    }
  });

  it('a peer pushing a tampered block is refused, loses 50 points, and is dropped at -100', {
    timeout: 40_000,
  }, async () => {
    const cluster = new Cluster();
    try {
      const [targetPort, peerPort, minerPort] = (await freePorts(3)) as [number, number, number];
      const target = await cluster.start(targetPort, cluster.dir());
      const peer = await cluster.start(peerPort, cluster.dir(), ['--peers', target.url]);
      await waitForPeers([target], () => [peer.url]);
      // A valid block from a node on the same network that the target has never heard of.
      const miner = await cluster.start(minerPort, cluster.dir());
      await transfer(miner, 'Consumer1', 'Prosumer1', 0.5);
      const mined = await mine(miner);
      const genuineHex = (await api<{ blocks: string[] }>(miner.url, '/v1/p2p/blocks?from=1&count=1')).body.blocks[0]!;
      const genuine = decodeBlock(Buffer.from(genuineHex, 'hex'));
      assert.equal(genuine.txs.length, 2);

      // One more micro-coin in the reward: the header (hash, proof of work) is untouched, the tx root is not.
      const reward = genuine.txs[0] as RewardTx;
      const tampered: Block = {
        header: genuine.header,
        txs: [{ ...reward, amountMicro: reward.amountMicro + 1n }, genuine.txs[1]!],
      };
      const tamperedHex = Buffer.from(encodeBlock(tampered)).toString('hex');
      assert.notEqual(tamperedHex, genuineHex);

      const before = await status(target);
      const scoreBefore = (await peersOf(target)).find((p) => p.url === peer.url)!.score;
      const push = (hex: string, from?: string) =>
        api<{ results: Array<{ status: string; hash: string; failure?: { code: string } }> }>(
          target.url,
          '/v1/p2p/blocks',
          {
            body: { blocks: [hex] },
            headers: from ? { 'x-gridpeer-peer': from } : {},
          },
        );

      const first = await push(tamperedHex, peer.url);
      assert.equal(first.status, 200, JSON.stringify(first.body));
      assert.equal(first.body.results[0]!.status, 'invalid');
      assert.equal(first.body.results[0]!.failure?.code, 'BLOCK_BAD_TX_ROOT');
      const afterFirst = await status(target);
      assert.equal(afterFirst.headHash, before.headHash, 'the head did not move');
      assert.equal(afterFirst.height, before.height);
      assert.equal((await peersOf(target)).find((p) => p.url === peer.url)?.score, scoreBefore - 50);

      for (let i = 0; i < 2; i++) {
        const again = await push(tamperedHex, peer.url);
        assert.equal(again.body.results[0]!.status, 'invalid');
        assert.ok(again.body.results[0]!.failure?.code, 'names the rule');
      }
      assert.equal((await status(target)).headHash, before.headHash);
      assert.ok(!(await peersOf(target)).some((p) => p.url === peer.url), 'the peer was dropped');
      // …and banned: it cannot say hello again.
      const rejoin = await api<{ code: string }>(peer.url, '/v1/peers', { body: { url: target.url } });
      assert.equal(rejoin.body.code, 'PEER_REJECTED', JSON.stringify(rejoin.body));

      // A forged body must not blacklist the genuine block that carries the same header.
      const honest = await push(genuineHex);
      assert.equal(honest.body.results[0]!.status, 'head', JSON.stringify(honest.body));
      await waitForHead([target], mined.hash, 1);
    } finally {
      await cluster.cleanup();
    }
  });

  it('seed 000 §3: with --delay-per-port-ms 50, nodes two ports apart need at least ~100 ms', {
    timeout: 40_000,
  }, async () => {
    const cluster = new Cluster();
    try {
      const [low, high] = await freePortPair(2);
      const delay = ['--delay-per-port-ms', '50'];
      const n1 = await cluster.start(low, cluster.dir(), delay);
      const n2 = await cluster.start(high, cluster.dir(), [...delay, '--peers', n1.url]);
      await waitForPeers([n1, n2], fullMesh([n1, n2]));

      /** Polls `check` every 2 ms; @returns milliseconds from `startMs` until it held. */
      const timeUntil = async (what: string, startMs: number, check: () => Promise<boolean>) => {
        const deadline = startMs + 10_000;
        while (!(await check())) {
          if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
          await new Promise((resolve) => setTimeout(resolve, 2));
        }
        return performance.now() - startMs;
      };

      // The clock starts when the transfer is submitted to node 1.
      const txStart = performance.now();
      const tx = await transfer(n1, 'Consumer1', 'Prosumer1', 0.5);
      const txMs = await timeUntil('the transfer on node 2', txStart, async () =>
        (await mempoolHashes(n2)).includes(tx),
      );
      assert.ok(txMs >= 90, `transfer propagated in ${txMs.toFixed(1)} ms; 2 ports × 50 ms = 100 ms expected`);

      // A block mined on node 2 takes as long the other way.
      const blockStart = performance.now();
      const block = await mine(n2);
      const blockMs = await timeUntil(
        'the block on node 1',
        blockStart,
        async () => (await status(n1)).headHash === block.hash,
      );
      assert.ok(blockMs >= 90, `block propagated in ${blockMs.toFixed(1)} ms`);
      await assertConfirmed(n1, tx, block.hash);
    } finally {
      await cluster.cleanup();
    }
  });
});
