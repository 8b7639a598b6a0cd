/**
 * The web dashboard (MISSION U1): the single-page app built by Vite into `dist/dashboard/` (`npm run
 * build:dashboard`), served from the node's own origin so it calls the API without CORS. `GET /` answers
 * index.html and `GET /assets/*` the hashed bundles (cached for a year: their names change with their content);
 * the app routes by URL hash, so no other path is needed. A file name must be a plain name (no separators, no
 * `..`) and resolve inside the assets folder. Both routes are in the OpenAPI document under the `dashboard` tag
 * (test/unit/api/openapi.test.ts wants every registered route documented).
 */
import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Type } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { GridPeerError } from '../../errors/index.js';
import type { ApiContext } from '../context.js';

/** `<package root>/dist/dashboard`: the same three levels up from `src/api/routes/` (tsx) and `dist/api/routes/`. */
export const DEFAULT_DASHBOARD_DIR = fileURLToPath(new URL('../../../dist/dashboard/', import.meta.url));

export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.wasm': 'application/wasm',
};

const IMMUTABLE = 'public, max-age=31536000, immutable';
const SEGMENT = /^[A-Za-z0-9._@-]+$/;

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>GridPeer: dashboard not built</title></head>
<body style="font-family: sans-serif; max-width: 40em; margin: 3em auto">
<h1>GridPeer dashboard not built</h1>
<p>dashboard not built: run <code>npm run build:dashboard</code> (or
<code>npx vite build --config dashboard/vite.config.ts</code>), then reload this page.</p>
<p>The node's API is up: <a href="/docs">/docs</a> (OpenAPI), <a href="/v1/status">/v1/status</a>,
<a href="/v1/market">/v1/market</a>.</p>
</body></html>
`;

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/**
 * A path under `root` from URL segments, or undefined when a segment is not a plain name or the result leaves
 * `root` (no `..`, no absolute paths, no encoded separators).
 */
export function safeJoin(root: string, relativePath: string): string | undefined {
  const segments = relativePath.split('/');
  if (segments.length === 0 || segments.length > 8) return undefined;
  for (const segment of segments) {
    if (!SEGMENT.test(segment) || segment === '.' || segment === '..') return undefined;
  }
  const base = resolve(root);
  const path = resolve(base, ...segments);
  return path.startsWith(base + sep) ? path : undefined;
}

function notFound(what: string): GridPeerError {
  return new GridPeerError('NOT_FOUND', `no dashboard file ${what}`, { field: 'path' });
}

async function sendFile(reply: FastifyReply, path: string, cacheControl: string): Promise<FastifyReply> {
  const body = await readFile(path);
  return reply
    .header('content-type', CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream')
    .header('cache-control', cacheControl)
    .header('x-content-type-options', 'nosniff')
    .send(body);
}

export function registerDashboardRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const root = ctx.dashboardDir ?? DEFAULT_DASHBOARD_DIR;
  const tags = ['dashboard'];

  app.get(
    '/',
    {
      schema: {
        tags,
        summary: 'The web dashboard (HTML; 503 with the build command when dist/dashboard is not built)',
        produces: ['text/html'],
      },
    },
    async (_request, reply) => {
      const index = join(root, 'index.html');
      if (!(await isFile(index))) {
        return reply
          .status(503)
          .header('content-type', 'text/html; charset=utf-8')
          .header('cache-control', 'no-store')
          .send(NOT_BUILT_PAGE);
      }
      // index.html names the current bundles: always revalidated.
      return sendFile(reply, index, 'no-cache');
    },
  );

  app.get(
    '/assets/:file',
    {
      schema: {
        tags,
        summary: "The dashboard's bundles (names carry a content hash: cached for a year)",
        params: Type.Object({ file: Type.String({ maxLength: 200 }) }),
        response: { 404: Type.Ref('Error') },
      },
    },
    async (request, reply) => {
      const file = (request.params as { file: string }).file;
      const path = safeJoin(join(root, 'assets'), file);
      if (path === undefined || !(await isFile(path))) throw notFound(`/assets/${file}`);
      return sendFile(reply, path, IMMUTABLE);
    },
  );
}
