/**
 * The seeds' HTTP API (MISSION L7; seed 000 §3 and Appendix A Figs. A1–A11), callable from Postman as printed:
 * `POST /connect_node`, `GET /get_chain`, `GET /mine_block`, `POST /add_transaction`, `GET /replace_chain`,
 * `GET /is_valid`. The seed's transactions are unsigned (`{"sender", "receiver", "amount"}`): on a `--dev`
 * network the node signs for named dev accounts; otherwise that route answers 403 DEV_ONLY and points to
 * `POST /v1/txs`.
 */
import type {} from '@fastify/swagger';
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { devKeyPair, resolveDevAddress } from '../../chain/devAccounts.js';
import { verifyChain } from '../../chain/verifyChain.js';
import { GridPeerError } from '../../errors/index.js';
import { type Block, blockHashHex } from '../../ledger/block.js';
import { createTransfer, isMarketTx, txHashHex, txSender, txToJSON } from '../../ledger/tx.js';
import { normalizePeerUrl } from '../../network/peerBook.js';
import { formatMicroAsCoins, parseCoinsToMicro } from '../../units/index.js';
import type { ApiContext } from '../context.js';
import { ADMIN_SECURITY, errorResponses, JsonObject, mineNow, requireAdmin } from './common.js';
import { submitTransaction } from './v1.js';

/** A block as the seed's Python code showed it (index from 1, `proof`, `previous_hash`, plain amounts). */
function seedBlock(block: Block): Record<string, unknown> {
  const { header } = block;
  return {
    index: header.height + 1,
    height: header.height,
    timestamp: new Date(header.timestampMs).toISOString(),
    proof: header.nonce.toString(),
    previous_hash: Buffer.from(header.prevHash).toString('hex'),
    hash: blockHashHex(block),
    merkle_root: Buffer.from(header.txRoot).toString('hex'),
    miner: header.miner,
    transactions: block.txs.map((tx) =>
      isMarketTx(tx)
        ? // Market transactions move no coins themselves: the seed's view names the kind and its payload.
          { sender: txSender(tx), kind: tx.kind, payload: txToJSON(tx).payload, hash: txHashHex(tx) }
        : {
            sender: tx.kind === 'reward' ? 'mining reward' : txSender(tx),
            receiver: tx.to,
            amount: Number(formatMicroAsCoins(tx.amountMicro)),
            amountMicro: tx.amountMicro.toString(),
            ...(tx.kind === 'transfer' ? { energyWh: tx.energyWh } : {}),
            hash: txHashHex(tx),
          },
    ),
  };
}

export function registerSeedRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const { chain } = ctx;
  const tags = ['seed 000'];

  api.post(
    '/connect_node',
    {
      schema: {
        tags,
        summary: 'Seed 000 Fig. A1: connect this node to others (admin unless --dev)',
        security: ADMIN_SECURITY,
        body: Type.Object({ nodes: Type.Array(Type.String({ maxLength: 200 }), { minItems: 1, maxItems: 64 }) }),
        response: { 201: JsonObject, ...errorResponses },
      },
    },
    async (request, reply) => {
      requireAdmin(ctx, request);
      const failed: Array<{ url: string; code: string; message: string }> = [];
      for (const [i, raw] of request.body.nodes.entries()) {
        try {
          await ctx.network.connect(normalizePeerUrl(raw, `nodes[${i}]`));
        } catch (error) {
          if (!(error instanceof GridPeerError)) throw error;
          if (error.code === 'INVALID_ARGUMENT') throw error;
          failed.push({ url: raw, code: error.code, message: error.message });
        }
      }
      void reply.status(201);
      return {
        message: 'All the nodes are now connected. The Blockchain now contains the following nodes:',
        total_nodes: ctx.network.peers.list().map((peer) => peer.url),
        failed,
      };
    },
  );

  api.get(
    '/get_chain',
    { schema: { tags, summary: 'Seed 000 Fig. A5: the whole canonical chain', response: { 200: JsonObject } } },
    async () => {
      const blocks = await chain.getCanonicalBlocks();
      return { chain: blocks.map(seedBlock), length: blocks.length };
    },
  );

  api.get(
    '/mine_block',
    {
      schema: {
        tags,
        summary: 'Seed 000 Fig. A6: mine one block now with the pending transactions (admin unless --dev)',
        security: ADMIN_SECURITY,
        response: { 200: JsonObject, ...errorResponses },
      },
    },
    async (request) => {
      const { block } = await mineNow(ctx, request);
      return { message: 'Congratulations, you just mined a block!', ...seedBlock(block) };
    },
  );

  api.post(
    '/add_transaction',
    {
      schema: {
        tags,
        summary: 'Seed 000 Fig. A7: an unsigned transfer between named dev accounts (dev networks only)',
        body: Type.Object({
          sender: Type.String({ minLength: 1, maxLength: 64 }),
          receiver: Type.String({ minLength: 1, maxLength: 64 }),
          amount: Type.Union([Type.Number(), Type.String({ maxLength: 32 })]),
          energyWh: Type.Optional(Type.Integer({ minimum: 0 })),
        }),
        response: { 201: JsonObject, ...errorResponses },
      },
    },
    async (request, reply) => {
      if (!ctx.dev) {
        throw new GridPeerError(
          'DEV_ONLY',
          'unsigned transactions are accepted only on a --dev network; sign it and POST /v1/txs',
          { field: 'sender' },
        );
      }
      const { sender, receiver, amount } = request.body;
      const amountText = typeof amount === 'number' ? String(amount) : amount;
      if (typeof amount === 'number' && !(amount > 0)) {
        throw new GridPeerError('INVALID_AMOUNT', 'amount must be a positive number of coins', { field: 'amount' });
      }
      const amountMicro = parseCoinsToMicro(amountText, 'amount');
      if (amountMicro === 0n) throw new GridPeerError('INVALID_AMOUNT', 'amount must be positive', { field: 'amount' });
      const keys = devKeyPair(sender, 'sender');
      const to = resolveDevAddress(receiver, 'receiver');
      const tx = createTransfer(
        {
          chainId: chain.params.chainId,
          to,
          amountMicro,
          energyWh: request.body.energyWh ?? 0,
          nonce: chain.mempool.nextNonce(keys.address, chain.state),
          timestampMs: ctx.clock.nowMs(),
        },
        keys,
      );
      const submitted = submitTransaction(ctx, tx);
      void reply.status(201);
      return {
        message: `This transaction will be added to Block ${submitted.expectedHeight + 1}`,
        hash: submitted.hash,
        expectedHeight: submitted.expectedHeight,
        sender: keys.address,
        receiver: to,
      };
    },
  );

  api.get(
    '/replace_chain',
    {
      schema: {
        tags,
        summary: 'Seed 000 §3: adopt the heaviest valid chain among the peers; says whether it changed',
        response: { 200: JsonObject },
      },
    },
    async () => {
      const replaced = await ctx.network.syncWithAll();
      const blocks = (await chain.getCanonicalBlocks()).map(seedBlock);
      return replaced
        ? {
            message: 'The nodes had different chains so the chain was replaced by the longest one.',
            replaced,
            new_chain: blocks,
          }
        : { message: 'All good. The chain is the largest one.', replaced, actual_chain: blocks };
    },
  );

  api.get(
    '/is_valid',
    {
      schema: {
        tags,
        summary: 'Seed 000: replay the whole chain from genesis with every rule',
        response: { 200: JsonObject },
      },
    },
    async () => {
      const result = verifyChain(chain.genesis, chain.consensus, await chain.getCanonicalBlocks(), {
        nowMs: ctx.clock.nowMs(),
        expectedHeadHash: chain.head.hash,
        contract: chain.contract,
      });
      if (result.ok) return { message: 'All good. The Blockchain is valid.', valid: true, height: result.height };
      return {
        message: 'Houston, we have a problem. The Blockchain is not valid.',
        valid: false,
        code: result.code,
        reason: result.reason,
        blockHeight: result.blockHeight,
        blockHash: result.blockHash,
      };
    },
  );
}
