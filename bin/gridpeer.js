#!/usr/bin/env node
// Entry point of `npx gridpeer`: runs the compiled CLI (built by `npm install` through the `prepare` script).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  console.error('error: dist/ is missing; run `npm install` (or `npm run build`) in the gridpeer folder first');
  process.exit(3);
}
const { main } = await import(entry.href);
await main(process.argv);
