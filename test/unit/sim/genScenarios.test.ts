/** The shipped scenarios are what scripts/gen-scenarios.ts writes (no hand edits drift from the generator). */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const ROOT = join(import.meta.dirname, '..', '..', '..');

describe('scenarios/', () => {
  it('is what scripts/gen-scenarios.ts generates (npm run scenarios:check)', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'gen-scenarios.ts'), '--check'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(run.status, 0, `${run.stdout}${run.stderr}`);
  });
});
