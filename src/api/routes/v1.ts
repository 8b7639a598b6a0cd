/**
 * REST v1 (MISSION U2): status, blocks, transactions (submit signed; look up with inclusion status and Merkle
 * proof), accounts, mempool, peers, mining on demand, and a server-sent event stream for dashboards.
 */
import type {} from '@fastify/swagger';
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { buildTxProof } from '../../chain/txProof.js';
import { addressToBytes, fromHex } from '../../crypto/index.js';
import { GridPeerError } from '../../errors/index.js';
import { decodeTx, MAX_TX_BYTES, type Transaction, txFromJSON, txToJSON } from '../../ledger/tx.js';
import { normalizePeerUrl } from '../../network/peerBook.js';
import { formatMicroAsCoins } from '../../units/index.js';
import type { ApiContext } from '../context.js';
import { failureToError } from '../errors.js';
import { ADMIN_SECURITY, blockView, errorResponses, findBlock, JsonObject, mineNow, requireAdmin } from './common.js';

const MAX_LIST = 100;

/** A submitted transaction: canonical bytes as hex, or the JSON view (`txToJSON`). */
function parseSubmittedTx(body: { hex?: string | undefined; tx?: unknown }): Transaction {
  if (body.hex !== undefined && body.tx !== undefined) {
    throw new GridPeerError('INVALID_ARGUMENT', 'send either hex or tx, not both', { field: 'hex' });
  }
  if (body.hex !== undefined) {
    try {
      return decodeTx(fromHex(body.hex, 'hex'));
    } catch (error) {
      if (error instanceof GridPeerError) {
        throw new GridPeerError('INVALID_ARGUMENT', `hex: ${error.message}`, { ...error.details, field: 'hex' });
      }
      throw error;
    }
  }
  if (body.tx === undefined) throw new GridPeerError('INVALID_ARGUMENT', 'send hex or tx', { field: 'tx' });
  try {
    return txFromJSON(body.tx);
  } catch (error) {
    if (error instanceof GridPeerError) {
      const field = typeof error.details['field'] === 'string' ? `tx.${error.details['field']}` : 'tx';
      throw new GridPeerError('INVALID_ARGUMENT', error.message, { ...error.details, field });
    }
    throw error;
  }
}

/** Submits a transaction to this node's mempool and the network. @throws GridPeerError naming the rule. */
export function submitTransaction(ctx: ApiContext, tx: Transaction): { hash: string; expectedHeight: number } {
  const result = ctx.chain.addTransaction(tx);
  // The network announces every transaction that enters the mempool (chain `tx` event).
  if (!result.ok) throw failureToError(result, 'TX_INVALID');
  return { hash: result.hash, expectedHeight: result.expectedHeight ?? ctx.chain.height + 1 };
}

export function registerV1Routes(app: FastifyInstance, ctx: ApiContext): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const { chain } = ctx;

  api.get(
    '/v1/status',
    {
      schema: {
        tags: ['node'],
        summary: 'Network, head, peers, mempool and mining of this node',
        response: { 200: JsonObject },
      },
    },
    async () => ({
      version: ctx.version,
      url: ctx.selfUrl,
      network: chain.genesis.name,
      chainId: chain.params.chainId,
      consensus: chain.consensus.engine,
      genesisHash: chain.genesisHash,
      height: chain.height,
      headHash: chain.head.hash,
      headTimestampMs: chain.head.header.timestampMs,
      totalWork: chain.head.totalWork.toString(),
      stateRoot: Buffer.from(chain.state.root()).toString('hex'),
      supplyMicro: chain.state.supplyMicro().toString(),
      mempoolSize: chain.mempool.size,
      peers: ctx.network.peers.size,
      mining: ctx.miningMode,
      miner: ctx.minerAddress,
      dev: ctx.dev,
    }),
  );

  api.get(
    '/v1/blocks',
    {
      schema: {
        tags: ['blocks'],
        summary: 'Canonical blocks, newest first',
        querystring: Type.Object({
          before: Type.Optional(Type.Integer({ minimum: 0, description: 'list blocks below this height' })),
          limit: Type.Integer({ minimum: 1, maximum: MAX_LIST, default: 20 }),
        }),
        response: { 200: JsonObject, ...errorResponses },
      },
    },
    async (request) => {
      const top = Math.min(chain.height, (request.query.before ?? chain.height + 1) - 1);
      const from = Math.max(0, top - request.query.limit + 1);
      const blocks = top < 0 ? [] : await chain.getCanonicalBlocks(from, top);
      return { height: chain.height, blocks: blocks.reverse().map((block) => blockView(chain, block)) };
    },
  );

  api.get(
    '/v1/blocks/:id',
    {
      schema: {
        tags: ['blocks'],
        summary: 'One block by height or hash',
        params: Type.Object({ id: Type.String({ maxLength: 80 }) }),
        response: { 200: JsonObject, ...errorResponses },
      },
    },
    async (request) => blockView(chain, await findBlock(chain, request.params.id)),
  );

  api.post(
    '/v1/txs',
    {
      schema: {
        tags: ['transactions'],
        summary: 'Submit a signed transaction (hex of the canonical bytes, or its JSON view)',
        body: Type.Object(
          {
            hex: Type.Optional(Type.String({ maxLength: MAX_TX_BYTES * 2 })),
            tx: Type.Optional(JsonObject),
          },
          { additionalProperties: false },
        ),
        response: { 202: JsonObject, ...errorResponses },
      },
    },
    async (request, reply) => {
      const tx = parseSubmittedTx(request.body);
      const submitted = submitTransaction(ctx, tx);
      void reply.status(202);
      return {
        ...submitted,
        status: 'pending',
        message: `This transaction will be added to Block ${submitted.expectedHeight}`,
      };
    },
  );

  api.get(
    '/v1/txs/:hash',
    {
      schema: {
        tags: ['transactions'],
        summary: 'A transaction with its status (pending or confirmed), block and Merkle inclusion proof',
        params: Type.Object({ hash: Type.String({ pattern: '^[0-9a-fA-F]{64}$' }) }),
        response: { 200: JsonObject, ...errorResponses },
      },
    },
    async (request) => {
      const hash = request.params.hash.toLowerCase();
      const pending = chain.mempool.get(hash);
      if (pending) return { status: 'pending', tx: txToJSON(pending), expectedHeight: chain.height + 1 };
      const found = await chain.findTransaction(hash);
      if (!found)
        throw new GridPeerError('TX_NOT_FOUND', `transaction ${hash} is neither pending nor in the chain`, {
          field: 'hash',
        });
      return {
        status: 'confirmed',
        tx: txToJSON(found.block.txs[found.txIndex]!),
        blockHash: found.blockHash,
        blockHeight: found.block.header.height,
        txIndex: found.txIndex,
        confirmations: chain.height - found.block.header.height + 1,
        proof: buildTxProof(found.block, hash),
      };
    },
  );

  api.get(
    '/v1/accounts/:address',
    {
      schema: {
        tags: ['accounts'],
        summary: 'Balance and nonces of an account',
        params: Type.Object({ address: Type.String({ maxLength: 64 }) }),
        response: { 200: JsonObject, ...errorResponses },
      },
    },
    async (request) => {
      const address = request.params.address;
      addressToBytes(address, 'address');
      const account = chain.state.account(address);
      return {
        address,
        balanceMicro: account.balanceMicro.toString(),
        balance: formatMicroAsCoins(account.balanceMicro),
        nonce: account.nonce,
        nextNonce: chain.mempool.nextNonce(address, chain.state),
      };
    },
  );

  api.get(
    '/v1/mempool',
    {
      schema: {
        tags: ['transactions'],
        summary: 'Pending transactions, highest fee first',
        querystring: Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }) }),
        response: { 200: JsonObject },
      },
    },
    async (request) => ({
      size: chain.mempool.size,
      expectedHeight: chain.height + 1,
      txs: chain.mempool.all().slice(0, request.query.limit).map(txToJSON),
    }),
  );

  api.get(
    '/v1/peers',
    { schema: { tags: ['peers'], summary: 'Peers with score and last known head', response: { 200: JsonObject } } },
    async () => ({
      self: ctx.selfUrl,
      peers: ctx.network.peers.list(),
    }),
  );

  api.post(
    '/v1/peers',
    {
      schema: {
        tags: ['peers'],
        summary: 'Connect to a peer (admin). Both nodes must share the genesis block.',
        security: ADMIN_SECURITY,
        body: Type.Object({ url: Type.String({ maxLength: 200 }) }, { additionalProperties: false }),
        response: { 200: JsonObject, ...errorResponses },
      },
    },
    async (request) => {
      requireAdmin(ctx, request);
      const peer = await ctx.network.connect(normalizePeerUrl(request.body.url, 'url'));
      return { peer, peers: ctx.network.peers.list().map((p) => p.url) };
    },
  );

  api.delete(
    '/v1/peers',
    {
      schema: {
        tags: ['peers'],
        summary: 'Disconnect a peer (admin)',
        security: ADMIN_SECURITY,
        body: Type.Object({ url: Type.String({ maxLength: 200 }) }, { additionalProperties: false }),
        response: { 200: JsonObject, ...errorResponses },
      },
    },
    async (request) => {
      requireAdmin(ctx, request);
      const url = normalizePeerUrl(request.body.url, 'url');
      if (!ctx.network.removePeer(url)) throw new GridPeerError('NOT_FOUND', `${url} is not a peer`, { field: 'url' });
      return { removed: url, peers: ctx.network.peers.list().map((p) => p.url) };
    },
  );

  api.post(
    '/v1/mine',
    {
      schema: {
        tags: ['node'],
        summary: 'Mine one block now with the pending transactions (admin, or any caller on a dev network)',
        security: ADMIN_SECURITY,
        response: { 200: JsonObject, ...errorResponses },
      },
    },
    async (request) => {
      const { mined, block } = await mineNow(ctx, request);
      return { ...mined, block: blockView(chain, block) };
    },
  );

  api.get(
    '/v1/stream',
    {
      schema: {
        tags: ['node'],
        summary: 'Server-sent events: `head` (new canonical head), `block` (any import), `tx` (entered the mempool)',
      },
    },
    (request, reply) => {
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
        'access-control-allow-origin': '*',
      });
      const send = (event: string, data: unknown) => raw.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      const onHead = (event: { hash: string; height: number }) => send('head', event);
      const onBlock = (result: { hash: string; height: number; status: string }) =>
        send('block', { hash: result.hash, height: result.height, status: result.status });
      const onTx = (tx: Transaction) => send('tx', txToJSON(tx));
      chain.on('head', onHead);
      chain.on('block', onBlock);
      chain.on('tx', onTx);
      send('hello', { height: chain.height, headHash: chain.head.hash });
      const keepAlive = setInterval(() => raw.write(': keep-alive\n\n'), 15_000);
      keepAlive.unref();
      request.raw.on('close', () => {
        clearInterval(keepAlive);
        chain.off('head', onHead);
        chain.off('block', onBlock);
        chain.off('tx', onTx);
      });
    },
  );
}
