/**
 * Build of the GridPeer web dashboard (MISSION U1): `npx vite build --config dashboard/vite.config.ts` writes
 * dist/dashboard/ (index.html + assets/), which the node serves at `/`. Offline: every dependency is bundled.
 * `npx vite --config dashboard/vite.config.ts` serves it in development, proxying the API to GRIDPEER_API
 * (default http://127.0.0.1:5000).
 */
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = decodeURIComponent(new URL('.', import.meta.url).pathname);
const api = process.env['GRIDPEER_API'] ?? 'http://127.0.0.1:5000';

export default defineConfig({
  root,
  base: './',
  plugins: [react()],
  build: {
    outDir: '../dist/dashboard',
    emptyOutDir: true,
    assetsDir: 'assets',
    chunkSizeWarningLimit: 2000,
    sourcemap: false,
  },
  server: {
    proxy: {
      '/v1': { target: api, changeOrigin: true },
      '/is_valid': { target: api, changeOrigin: true },
    },
  },
});
