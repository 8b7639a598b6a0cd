/**
 * @module api/app
 * The node's HTTP server (Fastify): REST v1 with JSON schemas and OpenAPI at `/docs` (MISSION U2), the seeds'
 * Postman routes (L7), the node-to-node routes, simulator reports (`/v1/sim`) and the web dashboard at `/`.
 * Every error answer is coded (api/errors.ts).
 */
import cors from '@fastify/cors';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { ApiContext } from './context.js';
import { registerErrorHandling } from './errors.js';
import { ErrorSchema } from './routes/common.js';
import { registerDashboardRoutes } from './routes/dashboard.js';
import { registerMarketRoutes } from './routes/market.js';
import { registerP2pRoutes } from './routes/p2p.js';
import { registerSeedRoutes } from './routes/seed.js';
import { registerSimRoutes } from './routes/sim.js';
import { registerV1Routes } from './routes/v1.js';

export interface ApiOptions {
  /** Largest request body for public routes (default 256 KiB: a transaction is at most 4 KiB). */
  readonly bodyLimitBytes?: number;
  /** CORS: false (default), true (any origin) or a list of allowed origins. */
  readonly cors?: boolean | readonly string[];
  /** pino logger options or false. */
  readonly logger?: FastifyServerOptions['logger'];
}

const DEFAULT_BODY_LIMIT_BYTES = 256 * 1024;
/** Peers push up to 64 blocks of at most 2 MiB, hex-encoded. */
const P2P_BODY_LIMIT_BYTES = 300 * 1024 * 1024;

export const OPENAPI_INFO = {
  title: 'GridPeer node API',
  description:
    "REST v1 of a GridPeer node (P2P energy trading on its own blockchain), the seed papers' Postman routes " +
    '(connect_node, get_chain, mine_block, add_transaction, replace_chain, is_valid) and the node-to-node routes. ' +
    'Amounts are decimal strings of micro-coins (1 coin = 1,000,000 micro); energy is integer Wh. Every error ' +
    'answer is {statusCode, code, message, details}.',
  version: '1.0.0',
};

export async function buildApi(ctx: ApiContext, options: ApiOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES,
    // Bigger bodies only where peers push blocks.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true } },
  });
  registerErrorHandling(app);
  if (options.cors) await app.register(cors, { origin: options.cors === true ? true : [...options.cors] });
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: OPENAPI_INFO,
      tags: [
        { name: 'node', description: 'Status, mining, event stream' },
        { name: 'blocks', description: 'Canonical blocks' },
        { name: 'transactions', description: 'Submit, look up, mempool' },
        { name: 'accounts', description: 'Balances and nonces' },
        { name: 'peers', description: 'Peer management (admin)' },
        { name: 'market', description: 'The market on the ledger: schedule, participants, slots, trades, receipts' },
        { name: 'dashboard', description: 'The web dashboard (HTML and its bundles), same origin as the API' },
        { name: 'simulator', description: "Simulator reports in the node's results directory (--results)" },
        { name: 'seed 000', description: "The seed paper's Postman API (Appendix A)" },
        { name: 'p2p', description: 'Node-to-node gossip and sync' },
      ],
      components: { securitySchemes: { admin: { type: 'http', scheme: 'bearer' } } },
    },
    // Shared schemas keep their $id as the component name (#/components/schemas/Error, not def-0).
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) =>
        typeof json['$id'] === 'string' ? json['$id'] : `def-${i}`,
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.addSchema(ErrorSchema);
  app.addHook('onRoute', (route) => {
    if (route.url === '/v1/p2p/blocks' && route.method === 'POST') route.bodyLimit = P2P_BODY_LIMIT_BYTES;
  });
  registerV1Routes(app, ctx);
  registerMarketRoutes(app, ctx);
  registerSeedRoutes(app, ctx);
  registerP2pRoutes(app, ctx);
  registerSimRoutes(app, ctx);
  registerDashboardRoutes(app, ctx);
  return app;
}
