/**
 * Node-to-node routes (`/v1/p2p/...`): hello, status, pushed transactions and blocks, and the pages a syncing
 * peer downloads. The sender names itself in the `x-gridpeer-peer` header so it can be credited or blamed.
 */
import type {} from '@fastify/swagger';
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { encodeBlock } from '../../ledger/block.js';
import { PEER_HEADER, type PeerStatus } from '../../network/network.js';
import { normalizePeerUrl } from '../../network/peerBook.js';
import type { ApiContext } from '../context.js';
import { errorResponses, JsonObject } from './common.js';

const HEX = '^[0-9a-fA-F]*$';
const MAX_PAGE = 256;

function senderOf(request: FastifyRequest): string | undefined {
  const header = request.headers[PEER_HEADER];
  if (typeof header !== 'string') return undefined;
  try {
    return normalizePeerUrl(header, PEER_HEADER);
  } catch {
    return undefined;
  }
}

export function registerP2pRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['p2p'];

  api.get(
    '/v1/p2p/status',
    { schema: { tags, summary: 'Head and work, for peers deciding whether to sync' } },
    async () => ctx.network.status(),
  );

  api.post(
    '/v1/p2p/hello',
    {
      schema: {
        tags,
        summary: 'A node introduces itself; both sides must share the genesis block',
        body: Type.Object({
          url: Type.String(),
          genesisHash: Type.String({ pattern: '^[0-9a-f]{64}$' }),
          height: Type.Integer({ minimum: 0 }),
          headHash: Type.String(),
          totalWork: Type.String({ pattern: '^\\d{1,80}$' }),
        }),
        response: { 200: JsonObject, ...errorResponses },
      },
    },
    async (request) => {
      const url = normalizePeerUrl(request.body.url, 'url');
      ctx.network.acceptPeer(request.body as PeerStatus, url);
      return ctx.network.status();
    },
  );

  api.post(
    '/v1/p2p/txs',
    {
      schema: {
        tags,
        summary: 'Transactions pushed by a peer (canonical bytes, hex)',
        body: Type.Object({ txs: Type.Array(Type.String({ pattern: HEX, maxLength: 8192 }), { maxItems: 1000 }) }),
      },
    },
    async (request) => {
      const from = senderOf(request);
      return { results: request.body.txs.map((hex) => ctx.network.receiveTx(Buffer.from(hex, 'hex'), from)) };
    },
  );

  api.post(
    '/v1/p2p/blocks',
    {
      schema: {
        tags,
        summary: 'Blocks pushed by a peer (canonical bytes, hex), parents first',
        body: Type.Object({ blocks: Type.Array(Type.String({ pattern: HEX }), { maxItems: MAX_PAGE }) }),
      },
    },
    async (request) => {
      const from = senderOf(request);
      const results = [];
      for (const hex of request.body.blocks)
        results.push(await ctx.network.receiveBlock(Buffer.from(hex, 'hex'), from));
      return { results };
    },
  );

  api.get(
    '/v1/p2p/hashes',
    {
      schema: {
        tags,
        summary: 'Canonical block hashes for heights [from, to] (at most 256)',
        querystring: Type.Object({ from: Type.Integer({ minimum: 0 }), to: Type.Integer({ minimum: 0 }) }),
      },
    },
    async (request) => {
      const to = Math.min(request.query.to, request.query.from + MAX_PAGE - 1, ctx.chain.height);
      const hashes: string[] = [];
      for (let h = request.query.from; h <= to; h++) hashes.push(ctx.chain.getCanonicalEntry(h)!.hash);
      return { hashes };
    },
  );

  api.get(
    '/v1/p2p/blocks',
    {
      schema: {
        tags,
        summary: 'Canonical blocks from a height (canonical bytes, hex)',
        querystring: Type.Object({
          from: Type.Integer({ minimum: 0 }),
          count: Type.Integer({ minimum: 1, maximum: MAX_PAGE, default: 64 }),
        }),
      },
    },
    async (request) => {
      const blocks = await ctx.chain.getCanonicalBlocks(
        request.query.from,
        request.query.from + request.query.count - 1,
      );
      return { blocks: blocks.map((block) => Buffer.from(encodeBlock(block)).toString('hex')) };
    },
  );
}
