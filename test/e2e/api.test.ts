/**
 * The HTTP API of real node processes (`node bin/gridpeer.js node …`, test/helpers/processNodes.ts):
 *
 * - one `--dev` node: status, blocks, signed transactions (hex and JSON view), pending → confirmed with a Merkle
 *   proof, balances, mempool, the server-sent event stream, and bad input answered with a coded 4xx that changes
 *   nothing (head, mempool size and the sender's nonce are compared before and after every rejection);
 * - one node without `--dev` and with `--admin-token secret`: unsigned transfers refused, admin routes need the
 *   bearer token;
 * - one node with neither: admin routes are disabled;
 * - the OpenAPI document and its UI at /docs.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DEV_ACCOUNT_NAMES, devKeyPair } from '../../src/chain/devAccounts.js';
import { verifyTxProof } from '../../src/chain/txProof.js';
import { toHex } from '../../src/crypto/index.js';
import { createTransfer, encodeTx, type TransferTx, txHashHex, txToJSON } from '../../src/ledger/tx.js';
import {
  api,
  ensureBuilt,
  freePort,
  removeDir,
  type SpawnedNode,
  spawnNode,
  tempDir,
} from '../helpers/processNodes.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const COIN = 1_000_000n;
const DEV_BALANCE_MICRO = 1_000n * COIN;
const BLOCK_REWARD_MICRO = COIN;

type Json = Record<string, unknown>;
interface ErrorAnswer {
  statusCode: number;
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

const address = (name: string) => devKeyPair(name).address;

function hexOf(tx: TransferTx): string {
  return toHex(encodeTx(tx));
}

/** A transfer signed by the dev account `from`, as a wallet would build it. */
function transfer(
  from: string,
  to: string,
  amountMicro: bigint,
  nonce: number,
  options: { chainId?: number; energyWh?: number } = {},
): TransferTx {
  return createTransfer(
    {
      chainId: options.chainId ?? 1337,
      to: address(to),
      amountMicro,
      nonce,
      energyWh: options.energyWh ?? 0,
      timestampMs: Date.now(),
    },
    devKeyPair(from),
  );
}

/** A server-sent event stream read with fetch; events are collected until `close()`. */
class EventStream {
  readonly events: Array<{ event: string; data: Json }> = [];
  private readonly controller = new AbortController();
  private reading: Promise<void> = Promise.resolve();
  contentType = '';

  static async open(url: string): Promise<EventStream> {
    const stream = new EventStream();
    const response = await fetch(url, { signal: stream.controller.signal, headers: { accept: 'text/event-stream' } });
    assert.equal(response.status, 200);
    stream.contentType = response.headers.get('content-type') ?? '';
    stream.reading = stream.read(response.body!.getReader());
    return stream;
  }

  private async read(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let event = 'message';
          let data = '';
          for (const line of block.split('\n')) {
            if (line.startsWith('event: ')) event = line.slice(7);
            else if (line.startsWith('data: ')) data += line.slice(6);
          }
          if (data) this.events.push({ event, data: JSON.parse(data) as Json });
        }
      }
    } catch (error) {
      if ((error as Error).name !== 'AbortError') throw error;
    }
  }

  /** The first event of that type matching `check`, waiting at most `timeoutMs`. */
  async next(event: string, check: (data: Json) => boolean = () => true, timeoutMs = 10_000): Promise<Json> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.find((e) => e.event === event && check(e.data));
      if (found) return found.data;
      if (Date.now() > deadline) {
        throw new Error(`no "${event}" event within ${timeoutMs} ms; got ${JSON.stringify(this.events)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async close(): Promise<void> {
    this.controller.abort();
    await this.reading;
  }
}

describe('HTTP API of a node process', { timeout: 55_000 }, () => {
  const dirs: string[] = [];
  const nodes: SpawnedNode[] = [];
  let dev: SpawnedNode;
  let guarded: SpawnedNode;
  let closed: SpawnedNode;
  let genesisHash = '';
  /** The dev node's transactions, in the order the tests submit them. */
  const sent: { tx1?: TransferTx; tx2?: TransferTx; tx3?: TransferTx } = {};
  let minedHash = '';

  before(async () => {
    ensureBuilt();
    // The admin token must come from the flags under test, never from the developer's environment.
    delete process.env['GRIDPEER_ADMIN_TOKEN'];
    const genesisDir = tempDir('gridpeer-api-genesis-');
    dirs.push(genesisDir);
    const genesisFile = join(genesisDir, 'g.json');
    const written = spawnSync(
      process.execPath,
      [join(ROOT, 'bin', 'gridpeer.js'), 'chain', 'genesis', '--out', genesisFile],
      {
        encoding: 'utf8',
      },
    );
    assert.equal(written.status, 0, written.stderr);
    const start = async (args: readonly string[], isDev: boolean) => {
      const dataDir = tempDir('gridpeer-api-node-');
      dirs.push(dataDir);
      const node = await spawnNode({ port: await freePort(), dataDir, dev: isDev, args });
      nodes.push(node);
      return node;
    };
    [dev, guarded, closed] = await Promise.all([
      start([], true),
      start(['--admin-token', 'secret', '--genesis', genesisFile], false),
      start(['--genesis', genesisFile], false),
    ]);
  });

  after(async () => {
    await Promise.all(nodes.map((node) => node.stop()));
    for (const dir of dirs) removeDir(dir);
  });

  /** What a rejected request must leave unchanged. */
  async function snapshot(sender = 'Consumer1') {
    const status = (await api(dev.url, '/v1/status')).body;
    const account = (await api(dev.url, `/v1/accounts/${address(sender)}`)).body;
    return {
      height: status['height'],
      headHash: status['headHash'],
      mempoolSize: status['mempoolSize'],
      nonce: account['nonce'],
      nextNonce: account['nextNonce'],
      balanceMicro: account['balanceMicro'],
    };
  }

  /** Sends a bad request to the dev node: a coded error of `status`, and nothing changed. */
  async function rejected(
    path: string,
    init: Parameters<typeof api>[2],
    status: number,
    code: string,
  ): Promise<ErrorAnswer> {
    const before = await snapshot();
    const answer = await api<ErrorAnswer>(dev.url, path, init);
    assert.equal(answer.status, status, JSON.stringify(answer.body));
    assert.equal(answer.body.statusCode, status);
    assert.equal(answer.body.code, code, JSON.stringify(answer.body));
    assert.equal(typeof answer.body.message, 'string');
    assert.ok(answer.body.message.length > 0);
    assert.deepEqual(await snapshot(), before, `${path} changed the node`);
    return answer.body;
  }

  async function balanceMicro(name: string): Promise<bigint> {
    const answer = await api(dev.url, `/v1/accounts/${address(name)}`);
    assert.equal(answer.status, 200);
    return BigInt(answer.body['balanceMicro'] as string);
  }

  describe('dev node', () => {
    it('GET /v1/status describes the network, the head and the node', async () => {
      const { status, body } = await api(dev.url, '/v1/status');
      assert.equal(status, 200);
      assert.equal(body['network'], 'gridpeer-devnet');
      assert.equal(body['chainId'], 1337);
      assert.equal(body['consensus'], 'pow');
      assert.equal(body['url'], dev.url);
      assert.equal(body['height'], 0);
      assert.match(body['genesisHash'] as string, /^[0-9a-f]{64}$/);
      assert.equal(body['headHash'], body['genesisHash']);
      assert.match(body['stateRoot'] as string, /^[0-9a-f]{64}$/);
      assert.equal(body['supplyMicro'], (DEV_BALANCE_MICRO * BigInt(DEV_ACCOUNT_NAMES.length)).toString());
      assert.equal(body['mempoolSize'], 0);
      assert.equal(body['peers'], 0);
      assert.equal(body['mining'], 'off');
      assert.equal(body['miner'], address('Prosumer1'));
      assert.equal(body['dev'], true);
      assert.equal(typeof body['version'], 'string');
      genesisHash = body['genesisHash'] as string;
    });

    it('GET /v1/blocks lists the chain; /v1/blocks/:id finds a block by height and by hash', async () => {
      const list = await api<{ height: number; blocks: Json[] }>(dev.url, '/v1/blocks');
      assert.equal(list.status, 200);
      assert.equal(list.body.height, 0);
      assert.equal(list.body.blocks.length, 1);
      assert.equal(list.body.blocks[0]!['hash'], genesisHash);
      const byHeight = await api(dev.url, '/v1/blocks/0');
      assert.equal(byHeight.status, 200);
      assert.equal(byHeight.body['hash'], genesisHash);
      assert.equal(byHeight.body['canonical'], true);
      assert.equal(byHeight.body['confirmations'], 1);
      const byHash = await api(dev.url, `/v1/blocks/${genesisHash.toUpperCase()}`);
      assert.equal(byHash.status, 200);
      assert.deepEqual(byHash.body, byHeight.body);
    });

    it('GET /v1/blocks/:id answers 404 BLOCK_NOT_FOUND for an unknown block, 400 INVALID_ARGUMENT for a bad id', async () => {
      assert.equal((await rejected('/v1/blocks/7', {}, 404, 'BLOCK_NOT_FOUND')).details?.['field'], 'id');
      await rejected(`/v1/blocks/${'ab'.repeat(32)}`, {}, 404, 'BLOCK_NOT_FOUND');
      for (const id of ['xyz', '-1', 'ab'.repeat(31), '0x00']) {
        const body = await rejected(`/v1/blocks/${id}`, {}, 400, 'INVALID_ARGUMENT');
        assert.equal(body.details?.['field'], 'id', id);
      }
      const limit = await rejected('/v1/blocks?limit=0', {}, 400, 'INVALID_ARGUMENT');
      assert.match(String(limit.details?.['field']), /limit$/);
    });

    it('POST /v1/txs accepts a signed transfer as hex: 202 with its hash', async () => {
      const before = await snapshot();
      assert.equal(before.nextNonce, 0);
      // Fig. A11: Consumer1 pays Prosumer1 0.701 coin (3.505 kWh at 0.2 coin/kWh).
      const tx = transfer('Consumer1', 'Prosumer1', 701_000n, before.nextNonce as number, { energyWh: 3505 });
      const { status, body } = await api(dev.url, '/v1/txs', { body: { hex: hexOf(tx) } });
      assert.equal(status, 202, JSON.stringify(body));
      assert.equal(body['hash'], txHashHex(tx));
      assert.equal(body['status'], 'pending');
      assert.equal(body['expectedHeight'], 1);
      assert.equal(body['message'], 'This transaction will be added to Block 1');
      sent.tx1 = tx;
    });

    it('POST /v1/txs accepts the JSON view of a signed transfer: 202', async () => {
      const { body: account } = await api(dev.url, `/v1/accounts/${address('Consumer1')}`);
      assert.equal(account['nextNonce'], 1, 'the pending transaction counts for the next nonce');
      assert.equal(account['nonce'], 0);
      const tx = transfer('Consumer1', 'Prosumer2', 1_330_000n, account['nextNonce'] as number);
      const { status, body } = await api(dev.url, '/v1/txs', { body: { tx: txToJSON(tx) } });
      assert.equal(status, 202, JSON.stringify(body));
      assert.equal(body['hash'], txHashHex(tx));
      sent.tx2 = tx;
    });

    it('GET /v1/txs/:hash shows a pending transaction; /v1/mempool lists both; balances wait for a block', async () => {
      const pending = await api<{ status: string; tx: Json; expectedHeight: number }>(
        dev.url,
        `/v1/txs/${txHashHex(sent.tx1!)}`,
      );
      assert.equal(pending.status, 200);
      assert.equal(pending.body.status, 'pending');
      assert.deepEqual(pending.body.tx, JSON.parse(JSON.stringify(txToJSON(sent.tx1!))));
      assert.equal(pending.body.expectedHeight, 1);
      const mempool = await api<{ size: number; expectedHeight: number; txs: Json[] }>(dev.url, '/v1/mempool');
      assert.equal(mempool.status, 200);
      assert.equal(mempool.body.size, 2);
      assert.equal(mempool.body.expectedHeight, 1);
      assert.deepEqual(mempool.body.txs.map((tx) => tx['hash']).sort(), [sent.tx1!, sent.tx2!].map(txHashHex).sort());
      const limited = await api<{ size: number; txs: Json[] }>(dev.url, '/v1/mempool?limit=1');
      assert.equal(limited.body.size, 2);
      assert.equal(limited.body.txs.length, 1);
      assert.equal(await balanceMicro('Consumer1'), DEV_BALANCE_MICRO);
      assert.equal(await balanceMicro('Prosumer1'), DEV_BALANCE_MICRO);
      const unknown = await rejected(`/v1/txs/${'cd'.repeat(32)}`, {}, 404, 'TX_NOT_FOUND');
      assert.equal(unknown.details?.['field'], 'hash');
      const bad = await rejected('/v1/txs/not-a-hash', {}, 400, 'INVALID_ARGUMENT');
      assert.match(String(bad.details?.['field']), /hash$/);
    });

    it('GET /v1/stream delivers hello, a tx event when a transaction enters the mempool, and head on a new block', async () => {
      const stream = await EventStream.open(`${dev.url}/v1/stream`);
      try {
        assert.match(stream.contentType, /^text\/event-stream/);
        const hello = await stream.next('hello');
        assert.deepEqual(hello, { height: 0, headHash: genesisHash });
        const tx = transfer('Consumer2', 'Prosumer1', 500_000n, 0);
        const submitted = await api(dev.url, '/v1/txs', { body: { hex: hexOf(tx) } });
        assert.equal(submitted.status, 202, JSON.stringify(submitted.body));
        sent.tx3 = tx;
        const txEvent = await stream.next('tx', (data) => data['hash'] === txHashHex(tx));
        assert.equal(txEvent['from'], address('Consumer2'));
        assert.equal(txEvent['amountMicro'], '500000');

        const mined = await api<Json & { transactions: Json[] }>(dev.url, '/mine_block');
        assert.equal(mined.status, 200, JSON.stringify(mined.body));
        assert.equal(mined.body['message'], 'Congratulations, you just mined a block!');
        assert.equal(mined.body['height'], 1);
        assert.equal(mined.body['index'], 2);
        assert.equal(mined.body['previous_hash'], genesisHash);
        minedHash = mined.body['hash'] as string;
        const hashes = mined.body.transactions.map((t) => t['hash']);
        for (const sentTx of [sent.tx1!, sent.tx2!, tx]) assert.ok(hashes.includes(txHashHex(sentTx)));
        assert.equal(mined.body.transactions[0]!['sender'], 'mining reward');

        const head = await stream.next('head', (data) => data['hash'] === minedHash);
        assert.equal(head['height'], 1);
        const block = await stream.next('block', (data) => data['hash'] === minedHash);
        assert.equal(block['height'], 1);
      } finally {
        await stream.close();
      }
    });

    it('GET /v1/txs/:hash shows the mined transaction confirmed, with a Merkle proof that verifies', async () => {
      const hash = txHashHex(sent.tx1!);
      const { status, body } = await api<Json & { proof: Json; tx: Json }>(dev.url, `/v1/txs/${hash}`);
      assert.equal(status, 200);
      assert.equal(body['status'], 'confirmed');
      assert.equal(body['blockHeight'], 1);
      assert.equal(body['blockHash'], minedHash);
      assert.equal(body['confirmations'], 1);
      assert.ok((body['txIndex'] as number) >= 1, 'the reward comes first');
      assert.equal(body.tx['hash'], hash);
      assert.equal(body.tx['energyWh'], 3505);
      assert.equal(body.proof['txHash'], hash);
      assert.equal(body.proof['blockHash'], minedHash);
      assert.deepEqual(verifyTxProof(body.proof), { ok: true });
      // The proof is bound to this transaction: another hash does not fold up to the block's txRoot.
      const forged = verifyTxProof({ ...body.proof, txHash: txHashHex(sent.tx2!) });
      assert.equal(forged.ok, false);
    });

    it('GET /v1/accounts/:address shows the balances and nonces after the block', async () => {
      assert.equal(await balanceMicro('Consumer1'), DEV_BALANCE_MICRO - 701_000n - 1_330_000n);
      assert.equal(await balanceMicro('Consumer2'), DEV_BALANCE_MICRO - 500_000n);
      // Prosumer1 also mined the block (the dev node's miner): reward plus what it was paid.
      assert.equal(await balanceMicro('Prosumer1'), DEV_BALANCE_MICRO + 701_000n + 500_000n + BLOCK_REWARD_MICRO);
      assert.equal(await balanceMicro('Prosumer2'), DEV_BALANCE_MICRO + 1_330_000n);
      const { body } = await api(dev.url, `/v1/accounts/${address('Consumer1')}`);
      assert.equal(body['nonce'], 2);
      assert.equal(body['nextNonce'], 2);
      assert.equal(body['balance'], '997.969');
      const mempool = await api(dev.url, '/v1/mempool');
      assert.equal(mempool.body['size'], 0);
      const bad = await rejected('/v1/accounts/not-an-address', {}, 400, 'INVALID_ADDRESS');
      assert.equal(bad.details?.['field'], 'address');
    });

    it('GET /v1/blocks pages the chain newest first', async () => {
      const list = await api<{ height: number; blocks: Json[] }>(dev.url, '/v1/blocks');
      assert.deepEqual(
        list.body.blocks.map((b) => b['hash']),
        [minedHash, genesisHash],
      );
      assert.equal(list.body.height, 1);
      const top = await api<{ blocks: Json[] }>(dev.url, '/v1/blocks?limit=1');
      assert.deepEqual(
        top.body.blocks.map((b) => b['hash']),
        [minedHash],
      );
      const below = await api<{ blocks: Json[] }>(dev.url, '/v1/blocks?before=1');
      assert.deepEqual(
        below.body.blocks.map((b) => b['hash']),
        [genesisHash],
      );
      const byHash = await api<{ hash: string; header: Json; txs: Json[] }>(dev.url, `/v1/blocks/${minedHash}`);
      assert.equal(byHash.body.hash, minedHash);
      assert.equal(byHash.body.header['height'], 1);
      assert.equal(byHash.body.txs.length, 4);
      assert.deepEqual(byHash.body, (await api(dev.url, '/v1/blocks/1')).body);
      assert.equal((await api(dev.url, '/v1/blocks/0')).body['confirmations'], 2);
    });

    it('malformed JSON → 400 INVALID_JSON', async () => {
      await rejected('/v1/txs', { rawBody: '{"hex": "00' }, 400, 'INVALID_JSON');
      await rejected('/add_transaction', { rawBody: '{sender: Consumer1}' }, 400, 'INVALID_JSON');
    });

    it('wrong types and missing fields → 400 INVALID_ARGUMENT naming the field', async () => {
      const valid = txToJSON(transfer('Consumer1', 'Prosumer1', 1_000n, 2));
      const cases: Array<[string, unknown, string]> = [
        ['/add_transaction', { sender: 'Consumer1', receiver: 'Prosumer1', amount: { coins: 1 } }, 'amount'],
        ['/add_transaction', { sender: 'Consumer1', amount: 1 }, 'receiver'],
        ['/add_transaction', { sender: 'Consumer1', receiver: 'Prosumer1', amount: 1, energyWh: 'lots' }, 'energyWh'],
        ['/v1/txs', { tx: { ...valid, amountMicro: { value: 1 } } }, 'tx.amountMicro'],
        ['/v1/txs', { tx: { ...valid, signature: undefined } }, 'tx.signature'],
        ['/v1/txs', { tx: { ...valid, nonce: -1 } }, 'tx.nonce'],
        ['/v1/txs', {}, 'tx'],
        ['/v1/txs', { hex: 'zz' }, 'hex'],
        ['/v1/txs', { hex: '00' }, 'hex'],
        ['/v1/txs', { hex: hexOf(transfer('Consumer1', 'Prosumer1', 1_000n, 2)), extra: true }, 'extra'],
        ['/v1/peers', {}, 'url'],
      ];
      for (const [path, body, field] of cases) {
        const answer = await rejected(path, { body }, 400, 'INVALID_ARGUMENT');
        assert.equal(answer.details?.['field'], field, `${path} ${JSON.stringify(body)}: ${JSON.stringify(answer)}`);
      }
    });

    it('a body over 256 KiB → 413 BODY_TOO_LARGE', async () => {
      await rejected('/v1/txs', { body: { hex: 'ab'.repeat(140 * 1024) } }, 413, 'BODY_TOO_LARGE');
    });

    it('a tampered signature → 422 TX_INVALID, rule TX_BAD_SIGNATURE', async () => {
      const bytes = encodeTx(transfer('Consumer1', 'Prosumer1', 1_000n, 2));
      bytes[bytes.length - 1]! ^= 0x01;
      const body = await rejected('/v1/txs', { body: { hex: toHex(bytes) } }, 422, 'TX_INVALID');
      assert.equal(body.details?.['rule'], 'TX_BAD_SIGNATURE');
      // The same through the JSON view: an edited amount no longer matches the signature.
      const json = { ...txToJSON(transfer('Consumer1', 'Prosumer1', 1_000n, 2)), amountMicro: '2000' };
      const edited = await rejected('/v1/txs', { body: { tx: json } }, 422, 'TX_INVALID');
      assert.equal(edited.details?.['rule'], 'TX_BAD_SIGNATURE');
    });

    it('a replayed transaction (same signed bytes after it was mined) → 422, rule TX_NONCE_TOO_LOW', async () => {
      const body = await rejected('/v1/txs', { body: { hex: hexOf(sent.tx1!) } }, 422, 'TX_INVALID');
      assert.equal(body.details?.['rule'], 'TX_NONCE_TOO_LOW');
    });

    it('a transaction for another chain id → 422, rule TX_WRONG_CHAIN', async () => {
      const tx = transfer('Consumer1', 'Prosumer1', 1_000n, 2, { chainId: 1338 });
      const body = await rejected('/v1/txs', { body: { hex: hexOf(tx) } }, 422, 'TX_INVALID');
      assert.equal(body.details?.['rule'], 'TX_WRONG_CHAIN');
    });

    it('resubmitting a pending transaction → 409 MEMPOOL_DUPLICATE', async () => {
      const tx = transfer('Consumer1', 'Prosumer1', 1_000n, 2);
      const first = await api(dev.url, '/v1/txs', { body: { hex: hexOf(tx) } });
      assert.equal(first.status, 202, JSON.stringify(first.body));
      const body = await rejected('/v1/txs', { body: { hex: hexOf(tx) } }, 409, 'MEMPOOL_DUPLICATE');
      assert.equal(body.details?.['rule'], 'MEMPOOL_DUPLICATE');
      await rejected('/v1/txs', { body: { tx: txToJSON(tx) } }, 409, 'MEMPOOL_DUPLICATE');
    });

    it('POST /add_transaction with a negative or zero amount → 400 INVALID_AMOUNT (seed 000 Fig. A7)', async () => {
      for (const amount of [-500, 0, '-500', '0']) {
        const body = await rejected(
          '/add_transaction',
          { body: { sender: 'Consumer1', receiver: 'Prosumer1', amount } },
          400,
          'INVALID_AMOUNT',
        );
        assert.equal(body.details?.['field'], 'amount');
      }
    });

    it('an unknown route → 404 NOT_FOUND', async () => {
      await rejected('/v1/nothing-here', {}, 404, 'NOT_FOUND');
      await rejected('/v1/nothing-here', { body: {} }, 404, 'NOT_FOUND');
      await rejected('/v1/status', { method: 'DELETE' }, 404, 'NOT_FOUND');
    });

    it('POST /add_transaction signs for a named dev account (seed 000 Fig. A7)', async () => {
      const { status, body } = await api(dev.url, '/add_transaction', {
        body: { sender: 'Consumer3', receiver: 'Prosumer1', amount: 5.47 },
      });
      assert.equal(status, 201, JSON.stringify(body));
      assert.equal(body['message'], 'This transaction will be added to Block 3');
      assert.equal(body['sender'], address('Consumer3'));
      assert.equal(body['receiver'], address('Prosumer1'));
      const pending = await api(dev.url, `/v1/txs/${body['hash'] as string}`);
      assert.equal(pending.body['status'], 'pending');
      assert.equal((pending.body['tx'] as Json)['amountMicro'], '5470000');
    });
  });

  describe('node without --dev, with --admin-token', () => {
    it('reports dev false', async () => {
      const { body } = await api(guarded.url, '/v1/status');
      assert.equal(body['dev'], false);
      assert.equal(body['height'], 0);
    });

    it('POST /add_transaction → 403 DEV_ONLY', async () => {
      const { status, body } = await api<ErrorAnswer>(guarded.url, '/add_transaction', {
        body: { sender: 'Consumer1', receiver: 'Prosumer1', amount: 0.701 },
      });
      assert.equal(status, 403);
      assert.equal(body.code, 'DEV_ONLY');
      assert.equal((await api(guarded.url, '/v1/status')).body['mempoolSize'], 0);
    });

    it('GET /mine_block needs the bearer token: 401 UNAUTHORIZED without it or with a wrong one, 200 with it', async () => {
      for (const headers of [{}, { authorization: 'Bearer wrong' }, { authorization: 'secret' }]) {
        const { status, body } = await api<ErrorAnswer>(guarded.url, '/mine_block', { headers });
        assert.equal(status, 401, JSON.stringify(headers));
        assert.equal(body.code, 'UNAUTHORIZED');
        assert.equal(body.details?.['field'], 'authorization');
      }
      assert.equal((await api(guarded.url, '/v1/status')).body['height'], 0);
      const mined = await api(guarded.url, '/mine_block', { headers: { authorization: 'Bearer secret' } });
      assert.equal(mined.status, 200, JSON.stringify(mined.body));
      assert.equal(mined.body['message'], 'Congratulations, you just mined a block!');
      assert.equal(mined.body['height'], 1);
      assert.equal((await api(guarded.url, '/v1/status')).body['height'], 1);
    });

    it('POST /v1/peers, /v1/mine and /connect_node without the token → 401, and nothing changes', async () => {
      const requests: Array<[string, Parameters<typeof api>[2]]> = [
        ['/v1/peers', { body: { url: dev.url } }],
        ['/v1/peers', { method: 'DELETE', body: { url: dev.url } }],
        ['/v1/mine', { method: 'POST' }],
        ['/connect_node', { body: { nodes: [dev.url] } }],
      ];
      for (const [path, init] of requests) {
        const { status, body } = await api<ErrorAnswer>(guarded.url, path, init);
        assert.equal(status, 401, `${path}: ${JSON.stringify(body)}`);
        assert.equal(body.code, 'UNAUTHORIZED');
      }
      const { body } = await api(guarded.url, '/v1/status');
      assert.equal(body['peers'], 0);
      assert.equal(body['height'], 1);
    });

    it('POST /v1/mine with the token mines a block', async () => {
      const { status, body } = await api<Json & { block: { header: Json } }>(guarded.url, '/v1/mine', {
        method: 'POST',
        headers: { authorization: 'Bearer secret' },
      });
      assert.equal(status, 200, JSON.stringify(body));
      assert.equal(body['height'], 2);
      assert.equal(body.block.header['height'], 2);
      assert.equal((await api(guarded.url, '/v1/status')).body['headHash'], body['hash']);
    });
  });

  describe('node with neither --dev nor --admin-token', () => {
    it('admin routes → 403 ADMIN_DISABLED, even with a bearer token', async () => {
      for (const [path, init] of [
        ['/v1/mine', { method: 'POST' }],
        ['/v1/mine', { method: 'POST', headers: { authorization: 'Bearer secret' } }],
        ['/mine_block', {}],
        ['/v1/peers', { body: { url: dev.url } }],
      ] as Array<[string, Parameters<typeof api>[2]]>) {
        const { status, body } = await api<ErrorAnswer>(closed.url, path, init);
        assert.equal(status, 403, `${path}: ${JSON.stringify(body)}`);
        assert.equal(body.code, 'ADMIN_DISABLED');
      }
      assert.equal((await api(closed.url, '/v1/status')).body['height'], 0);
    });

    it('public routes still answer', async () => {
      const { status, body } = await api<{ chain: Json[]; length: number }>(closed.url, '/get_chain');
      assert.equal(status, 200);
      assert.equal(body.length, 1);
      assert.equal(body.chain[0]!['index'], 1);
    });
  });

  describe('documentation', () => {
    it('/docs serves the Swagger UI as HTML', async () => {
      const response = await fetch(`${dev.url}/docs`, { signal: AbortSignal.timeout(10_000) });
      assert.equal(response.status, 200);
      assert.match(response.headers.get('content-type') ?? '', /^text\/html/);
      assert.match(await response.text(), /swagger-ui/i);
    });

    it('/docs/json serves the OpenAPI document, the same as the committed openapi.json', async () => {
      const { status, body } = await api(dev.url, '/docs/json');
      assert.equal(status, 200);
      assert.equal(body['openapi'], '3.0.3');
      assert.ok((body['paths'] as Json)['/v1/txs']);
      assert.deepEqual(body, JSON.parse(readFileSync(join(ROOT, 'openapi.json'), 'utf8')));
    });
  });
});
