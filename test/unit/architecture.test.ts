/**
 * ARCHITECTURE.md as executable rules: imports point down the layer list, pure layers do no I/O and read no
 * clock or randomness, and src/ throws only coded errors (DESIGN.md §3, §6).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';

const LAYERS = [
  'errors',
  'units',
  'crypto',
  'ledger',
  'consensus',
  'market',
  'energy',
  'contract',
  'chain',
  'store',
  'network',
  'api',
  'sim',
  'node',
  'cli',
] as const;
const PURE = new Set(['ledger', 'consensus', 'market', 'energy', 'contract', 'chain']);
/**
 * DESIGN.md §3: market/, energy/ and chain/ never import each other; node/ and sim/ wire them. The market contract
 * (contract/: the market's state rules over the ledger) reaches the chain only through the ledger's
 * `StateContract` interface, passed in by node/.
 */
const SIDEWAYS = new Set(['chain>market', 'market>chain', 'market>ledger', 'market>consensus', 'chain>contract']);
const SRC = 'src';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

function layerOf(path: string): string {
  return relative(SRC, path).split('/')[0]!;
}

const files = sourceFiles(SRC).map((path) => ({ path, text: readFileSync(path, 'utf8'), layer: layerOf(path) }));

describe('architecture', () => {
  it('finds the source tree', () => {
    assert.ok(files.length > 20);
  });

  it('imports point down the layer list', () => {
    const violations: string[] = [];
    for (const file of files) {
      if (file.path === join(SRC, 'index.ts')) continue;
      const own = LAYERS.indexOf(file.layer as (typeof LAYERS)[number]);
      assert.ok(own >= 0, `${file.path} is in no known layer; add it to ARCHITECTURE.md and LAYERS`);
      for (const match of file.text.matchAll(/from '(\.{1,2}\/[^']+)'/g)) {
        const target = layerOf(join(file.path, '..', match[1]!));
        const targetIndex = LAYERS.indexOf(target as (typeof LAYERS)[number]);
        if (targetIndex > own || SIDEWAYS.has(`${file.layer}>${target}`)) {
          violations.push(`${file.path} (${file.layer}) imports ${match[1]} (${target})`);
        }
      }
    }
    assert.deepEqual(violations, []);
  });

  it('pure layers read no clock, randomness, disk or network', () => {
    const banned = [/Date\.now\(/, /Math\.random\(/, /from 'node:(fs|net|http|https|child_process)'/, /new Date\(/];
    const violations: string[] = [];
    for (const file of files.filter((f) => PURE.has(f.layer))) {
      for (const pattern of banned) if (pattern.test(file.text)) violations.push(`${file.path}: ${pattern}`);
    }
    assert.deepEqual(violations, []);
  });

  it('src throws only coded GridPeerError', () => {
    const bare = files.filter((f) => /throw new (Error|TypeError|RangeError)\(/.test(f.text)).map((f) => f.path);
    assert.deepEqual(bare, []);
  });

  it('only the CLI writes to the console', () => {
    const printing = files
      .filter((f) => f.layer !== 'cli' && /console\.|process\.(stdout|stderr)\.write/.test(f.text))
      .map((f) => f.path);
    assert.deepEqual(printing, []);
  });
});
