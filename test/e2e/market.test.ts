/**
 * The market on the ledger with real processes (issue "the market on the ledger"; seed 000 §5 guidelines 1–4):
 * three node processes; two households register through the CLI, the administrator approves them and opens the
 * market, they trade through a slot, and every node shows the same trades, settlements and balances. The
 * administrator's key is refused to nobody else, an unapproved household cannot trade, a bid beyond the balance
 * and a replayed order are refused with their codes, a delivery shortfall reported by the meter is penalized, and
 * a trade's receipt fetched from one node verifies offline — and fails once edited.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Chain } from '../../src/chain/chain.js';
import { devKeyPair } from '../../src/chain/devAccounts.js';
import { createConsensus } from '../../src/consensus/create.js';
import { verifyReceipt } from '../../src/contract/receipt.js';
import type { KeyPair } from '../../src/crypto/index.js';
import { decodeBlock, encodeBlock } from '../../src/ledger/block.js';
import type { StateContract } from '../../src/ledger/contract.js';
import { createMarketTx, encodeTx, type MarketPayloads, type MarketTxKind } from '../../src/ledger/tx.js';
import { devNetworkGenesis } from '../../src/node/node.js';
import { MemoryChainStore } from '../../src/store/memory.js';
import { alteredPriceContract } from '../helpers/forgery.js';
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

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'gridpeer.js');

const admin = devKeyPair('Admin');
const seller = devKeyPair('Prosumer2');
const buyer = devKeyPair('Consumer1');
const outsider = devKeyPair('Consumer2');
const sellerMeter = devKeyPair('Prosumer2 meter');

interface Trade {
  id: string;
  seller: string;
  buyer: string;
  energyWh: number;
  priceMicroPerKwh: string;
  amountMicro: string;
}

/** Runs the CLI; resolves with its exit code and output (never rejects). */
function cli(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

async function cliOk(...args: string[]): Promise<Record<string, unknown>> {
  const run = await cli(...args);
  assert.equal(run.code, 0, `gridpeer ${args.join(' ')}: ${run.stderr}${run.stdout}`);
  return run.stdout.trim().startsWith('{') ? (JSON.parse(run.stdout) as Record<string, unknown>) : {};
}

/** Signs here and posts the transaction's bytes to `node`; returns the HTTP status and body. */
async function submit<K extends MarketTxKind>(
  node: SpawnedNode,
  kind: K,
  payload: MarketPayloads[K],
  signer: KeyPair,
  nonce?: number,
): Promise<{ status: number; body: Record<string, unknown>; hex: string }> {
  const account = await api<{ nextNonce: number }>(node.url, `/v1/accounts/${signer.address}`);
  const tx = createMarketTx(
    kind,
    payload,
    { chainId: 1337, nonce: nonce ?? account.body.nextNonce, timestampMs: Date.now() },
    signer,
  );
  const hex = Buffer.from(encodeTx(tx)).toString('hex');
  const { status, body } = await api<Record<string, unknown>>(node.url, '/v1/txs', { body: { hex } });
  return { status, body, hex };
}

/**
 * Replays `node`'s chain in this process with `contract` and seals the next block on it: what a node running a
 * dishonest market contract would mine and push to its peers.
 */
async function forgeClearingBlock(node: SpawnedNode, contract: StateContract): Promise<string> {
  const chain = await Chain.open({
    store: new MemoryChainStore(),
    genesis: devNetworkGenesis(),
    createConsensus: (section) => createConsensus(section, { pow: { workers: 0 } }),
    contract,
  });
  const status = await api<{ height: number }>(node.url, '/v1/status');
  const page = await api<{ blocks: string[] }>(node.url, `/v1/p2p/blocks?from=1&count=${status.body.height}`);
  for (const hex of page.body.blocks) {
    const result = await chain.importBlock(decodeBlock(Buffer.from(hex, 'hex')));
    assert.equal(result.status, 'head', `replaying ${node.url}: ${result.failure?.code}`);
  }
  const template = chain.buildTemplate(outsider.address);
  const header = await chain.consensus.seal(template.header);
  assert.ok(header, 'sealed');
  await chain.close();
  return Buffer.from(encodeBlock({ header, txs: template.txs })).toString('hex');
}

describe('market on the ledger: three node processes', { timeout: 120_000 }, () => {
  const nodes: SpawnedNode[] = [];
  const dirs: string[] = [];

  /** Mines one block on node 0 and waits until every node has it as head. */
  async function mineEverywhere(): Promise<number> {
    const mined = await api<{ hash: string; height: number }>(nodes[0]!.url, '/mine_block');
    assert.equal(mined.status, 200, JSON.stringify(mined.body));
    await waitFor(`block ${mined.body.height} on every node`, async () => {
      for (const node of nodes) {
        const status = await api<{ headHash: string }>(node.url, '/v1/status');
        if (status.body.headHash !== mined.body.hash) return false;
      }
      return true;
    });
    return mined.body.height;
  }

  /** Waits until every node's mempool holds `count` transactions (gossip reached them). */
  async function pendingEverywhere(count: number): Promise<void> {
    await waitFor(`${count} pending transactions on every node`, async () => {
      for (const node of nodes) {
        const { body } = await api<{ size: number }>(node.url, '/v1/mempool');
        if (body.size !== count) return false;
      }
      return true;
    });
  }

  before(async () => {
    ensureBuilt();
    const ports = await freePorts(3);
    for (const port of ports) {
      const dir = tempDir('gridpeer-market-');
      dirs.push(dir);
      nodes.push(await spawnNode({ port, dataDir: dir, args: ['--peers', nodes.map((n) => n.url).join(',')] }));
    }
    await waitFor('a full mesh', async () => {
      for (const node of nodes) {
        const { body } = await api<{ peers: unknown[] }>(node.url, '/v1/peers');
        if (body.peers.length < 2) return false;
      }
      return true;
    });
  });

  after(async () => {
    await Promise.all(nodes.map((node) => node.kill()));
    for (const dir of dirs) removeDir(dir);
  });

  it('registers, approves, trades through a slot, meters, and agrees on every node', async () => {
    const [a, b, c] = [nodes[0]!, nodes[1]!, nodes[2]!];
    // Households register through node B with the CLI, signing with their own (dev) keys.
    await cliOk(
      'participant',
      'register',
      '--node',
      b.url,
      '--as',
      'Prosumer2',
      '--role',
      'prosumer',
      '--pv-kw',
      '5',
      '--wait',
      '0',
    );
    await cliOk('participant', 'register', '--node', b.url, '--as', 'Consumer1', '--role', 'consumer', '--wait', '0');
    await pendingEverywhere(2);
    await mineEverywhere();

    // Approval by someone who is not the administrator: refused with the rule, nothing pending.
    const forged = await submit(c, 'approve', { participant: seller.address }, outsider);
    assert.equal(forged.status, 403, JSON.stringify(forged.body));
    assert.equal(forged.body['code'], 'NOT_ADMIN');

    await cliOk('participant', 'approve', 'Prosumer2', '--node', a.url, '--as', 'Admin', '--wait', '0');
    await cliOk('participant', 'approve', 'Consumer1', '--node', a.url, '--as', 'Admin', '--wait', '0');
    // Slot 0 starts in 14 s (slots of a minute); gates close 4 s before a slot starts: slot 0's in 10 s.
    const startMs = Date.now() + 14_000;
    await cliOk(
      'market',
      'open',
      '--node',
      a.url,
      '--as',
      'Admin',
      '--wait',
      '0',
      '--start',
      String(startMs),
      '--slot-minutes',
      '1',
      '--gate-seconds',
      '4',
      '--mechanism',
      'uniform-auction',
      '--params',
      '{"k":0.5}',
      '--import-price',
      '0.30',
      '--export-price',
      '0.10',
      '--penalty',
      '0.05',
    );
    await pendingEverywhere(3);
    await mineEverywhere();
    const market = await api<{ admin: string; config: { mechanism: string } }>(c.url, '/v1/market');
    assert.equal(market.body.admin, admin.address);
    assert.equal(market.body.config.mechanism, 'uniform-auction');

    // An outsider (never registered) cannot trade; a bid beyond the balance is refused.
    const outsiderBid = await submit(b, 'bid', { slot: 0, energyWh: 100 }, outsider);
    assert.equal(outsiderBid.body['code'], 'PARTICIPANT_NOT_APPROVED', JSON.stringify(outsiderBid.body));
    const tooBig = await submit(b, 'bid', { slot: 0, energyWh: 100_000_000, limitPriceMicroPerKwh: 300_000n }, buyer);
    assert.equal(tooBig.status, 422);
    assert.equal(tooBig.body['code'], 'MARKET_INSUFFICIENT_BALANCE');

    await cliOk(
      'order',
      'offer',
      '--node',
      b.url,
      '--as',
      'Prosumer2',
      '--slot',
      '0',
      '--wh',
      '2000',
      '--price',
      '0.12',
      '--wait',
      '0',
    );
    const bid = await submit(c, 'bid', { slot: 0, energyWh: 1500, limitPriceMicroPerKwh: 250_000n }, buyer);
    assert.equal(bid.status, 202, JSON.stringify(bid.body));
    await pendingEverywhere(2);
    await mineEverywhere();
    // The same signed bid again: a replay.
    const replay = await api<Record<string, unknown>>(a.url, '/v1/txs', { body: { hex: bid.hex } });
    assert.equal(replay.status, 422);
    assert.equal((replay.body['details'] as { rule?: string }).rule ?? replay.body['code'], 'TX_NONCE_TOO_LOW');
    const book = await api<{ status: string; orders: unknown[] }>(a.url, '/v1/market/slots/0');
    assert.equal(book.body.status, 'open');
    assert.equal(book.body.orders.length, 2);

    // Past slot 0's gate closure, the next block clears it on every node.
    const gateMs = startMs - 4_000;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, gateMs - Date.now() + 500)));
    // First a miner who clears the slot at a price one µcoin higher: node B refuses the block, keeps its head.
    const headBefore = await api<{ headHash: string; height: number }>(b.url, '/v1/status');
    const forgedHex = await forgeClearingBlock(a, alteredPriceContract());
    const pushed = await api<{ results: Array<{ status: string; failure?: { code: string } }> }>(
      b.url,
      '/v1/p2p/blocks',
      {
        body: { blocks: [forgedHex] },
        headers: { 'x-gridpeer-peer': 'http://127.0.0.1:9' },
      },
    );
    assert.equal(pushed.body.results[0]?.status, 'invalid', JSON.stringify(pushed.body));
    assert.equal(pushed.body.results[0]?.failure?.code, 'BLOCK_BAD_STATE_ROOT');
    assert.equal((await api<{ headHash: string }>(b.url, '/v1/status')).body.headHash, headBefore.body.headHash);
    await mineEverywhere();
    const views = await Promise.all(
      nodes.map((node) => api<{ trades: Trade[] }>(node.url, '/v1/trades?slot=0').then((r) => r.body.trades)),
    );
    assert.equal(views[0]!.length, 1);
    const trade = views[0]![0]!;
    assert.equal(trade.seller, seller.address);
    assert.equal(trade.buyer, buyer.address);
    assert.equal(trade.energyWh, 1500);
    // Uniform price: seller 0.12, buyer 0.25, partial offer sets p* = 0.12 (reference §5.1 step 5).
    assert.equal(trade.priceMicroPerKwh, '120000');
    for (const view of views) assert.deepEqual(view, views[0]);
    const balances = await Promise.all(
      nodes.map(async (node) =>
        Promise.all(
          [seller, buyer].map(
            async (k) => (await api<{ balanceMicro: string }>(node.url, `/v1/accounts/${k.address}`)).body.balanceMicro,
          ),
        ),
      ),
    );
    for (const view of balances) assert.deepEqual(view, balances[0]);

    // The seller's meter reports 1,000 Wh delivered of the 1,500 Wh sold: the 500 Wh shortfall is paid at the grid
    // price plus the penalty (0.30 + 0.05 coin/kWh = 175,000 µcoin).
    const before = BigInt(balances[0]![0]!);
    const reading = await submit(
      b,
      'meter',
      { participant: seller.address, slot: 0, deliveredWh: 1000, consumedWh: 0 },
      sellerMeter,
    );
    assert.equal(reading.status, 202, JSON.stringify(reading.body));
    await pendingEverywhere(1);
    await mineEverywhere();
    for (const node of nodes) {
      const account = await api<{ balanceMicro: string }>(node.url, `/v1/accounts/${seller.address}`);
      assert.equal(BigInt(account.body.balanceMicro), before - 175_000n);
      const participant = await api<{ history: { shortfallWh: number } }>(
        node.url,
        `/v1/participants/${seller.address}`,
      );
      assert.equal(participant.body.history.shortfallWh, 500);
    }

    // The receipt of the trade, fetched from node C, verifies offline; an edited copy does not.
    const receiptFile = join(dirs[2]!, 'receipt.json');
    await cliOk('receipt', 'get', trade.id, '--node', c.url, '--out', receiptFile);
    const verified = await cli('receipt', 'verify', receiptFile);
    assert.equal(verified.code, 0, verified.stdout + verified.stderr);
    assert.match(verified.stdout, /^valid: trade 0-0 \(1500 Wh/);
    const receipt = JSON.parse(readFileSync(receiptFile, 'utf8'));
    assert.equal(verifyReceipt(receipt).ok, true);
    const edited = { ...receipt, stateValue: receipt.stateValue.replace(/..$/, '00') };
    assert.equal(verifyReceipt(edited).ok, false);
  });
});
