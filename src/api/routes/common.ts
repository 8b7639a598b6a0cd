import { type Static, Type } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { Chain } from '../../chain/chain.js';
import { GridPeerError } from '../../errors/index.js';
import { type Block, blockToJSON } from '../../ledger/block.js';
import type { ApiContext } from '../context.js';

export const ErrorSchema = Type.Object(
  {
    statusCode: Type.Integer(),
    code: Type.String({ description: 'Stable error code, e.g. TX_BAD_SIGNATURE, INVALID_ARGUMENT, BODY_TOO_LARGE' }),
    message: Type.String(),
    details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { $id: 'Error', description: 'Every error answer has this shape.' },
);

export const errorResponses = {
  400: Type.Ref('Error'),
  401: Type.Ref('Error'),
  403: Type.Ref('Error'),
  404: Type.Ref('Error'),
  409: Type.Ref('Error'),
  413: Type.Ref('Error'),
  422: Type.Ref('Error'),
};

/** Open object: the JSON views are documented by their fields in the README; extra fields never break clients. */
export const JsonObject = Type.Object({}, { additionalProperties: true });

export type JsonObjectType = Static<typeof JsonObject>;

/** OpenAPI security requirement of the admin routes (the `admin` bearer scheme declared in app.ts). */
export const ADMIN_SECURITY = [{ admin: [] }];

/**
 * Admin routes (peers, mining on demand): open on a dev network, otherwise `Authorization: Bearer <token>`.
 * @throws GridPeerError ADMIN_DISABLED when no token is configured, UNAUTHORIZED when it does not match.
 */
export function requireAdmin(ctx: ApiContext, request: FastifyRequest): void {
  if (ctx.dev) return;
  if (!ctx.adminToken) {
    throw new GridPeerError('ADMIN_DISABLED', 'admin routes are disabled: start the node with --admin-token or --dev');
  }
  const header = request.headers.authorization ?? '';
  if (header !== `Bearer ${ctx.adminToken}`) {
    throw new GridPeerError('UNAUTHORIZED', 'this route needs the administrator key: Authorization: Bearer <token>', {
      field: 'authorization',
    });
  }
}

/** A block by height (digits) or hash (64 hex digits). @throws GridPeerError NOT_FOUND / INVALID_ARGUMENT */
export async function findBlock(chain: Chain, id: string): Promise<Block> {
  let block: Block | undefined;
  if (/^\d{1,10}$/.test(id)) block = await chain.getBlockByHeight(Number(id));
  else if (/^[0-9a-f]{64}$/i.test(id)) block = await chain.getBlock(id.toLowerCase());
  else {
    throw new GridPeerError('INVALID_ARGUMENT', 'id must be a height (digits) or a block hash (64 hex digits)', {
      field: 'id',
    });
  }
  if (!block) throw new GridPeerError('BLOCK_NOT_FOUND', `no block ${id}`, { field: 'id' });
  return block;
}

/** Block JSON with its place in the chain. */
export function blockView(chain: Chain, block: Block): Record<string, unknown> {
  const json = blockToJSON(block);
  const entry = chain.getEntry(json.hash);
  return {
    ...json,
    canonical: chain.isCanonical(json.hash),
    confirmations: chain.isCanonical(json.hash) ? chain.height - block.header.height + 1 : 0,
    totalWork: entry?.totalWork.toString() ?? null,
  };
}

/**
 * Mines one block now for an admin (or anyone on a dev network): the seeds' `mine_block` and `POST /v1/mine`.
 * @throws GridPeerError UNAUTHORIZED/ADMIN_DISABLED, or MINING_ABORTED when another block took the head first.
 */
export async function mineNow(
  ctx: ApiContext,
  request: FastifyRequest,
): Promise<{ mined: NonNullable<Awaited<ReturnType<ApiContext['mineOne']>>>; block: Block }> {
  requireAdmin(ctx, request);
  const mined = await ctx.mineOne();
  if (!mined) throw new GridPeerError('MINING_ABORTED', 'another block arrived first; the head moved', {});
  const block = await ctx.chain.getBlock(mined.hash);
  if (!block) throw new GridPeerError('BLOCK_NOT_FOUND', `mined block ${mined.hash} is not in the store`, {});
  return { mined, block };
}
