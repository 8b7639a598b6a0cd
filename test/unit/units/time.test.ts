import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock, systemClock } from '../../../src/units/time.js';

describe('ManualClock', () => {
  it('reports the time it was given and moves only when told', () => {
    const clock = new ManualClock(1_000);
    assert.equal(clock.nowMs(), 1_000);
    clock.advance(250);
    assert.equal(clock.nowMs(), 1_250);
    clock.set(5);
    assert.equal(clock.nowMs(), 5);
  });
});

describe('systemClock', () => {
  it('reads the wall clock', () => {
    const before = Date.now();
    const now = systemClock.nowMs();
    assert.ok(now >= before && now <= Date.now());
  });
});
