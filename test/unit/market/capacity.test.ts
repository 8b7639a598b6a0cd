import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { curtailToCapacity, feederFlows, withCapacityLimit } from '../../../src/market/capacity.js';
import { buildResult, FlowBook } from '../../../src/market/result.js';
import type { ClearingMechanism, ClearingResult } from '../../../src/market/types.js';
import { assertThrowsCoded } from '../../helpers/assertions.js';
import { caseA, caseBPool, meritOrderMechanism } from '../../helpers/welfareFixtures.js';

// Case A, each participant on its own feeder "1", "2", "3" as in examples/orders-case-a.json.
const located = caseA({
  S1: { location: '1' },
  S2: { location: '2' },
  S3: { location: '3' },
  B1: { location: '1' },
  B2: { location: '2' },
  B3: { location: '3' },
});
const merit = meritOrderMechanism();
// Trades (reference §5.2 (a)): B1–S1 2 kWh @0.20, B1–S2 1 kWh @0.215, B2–S2 2 kWh @0.185.
const base = merit.clear(located);

function budgetHolds(result: ClearingResult): void {
  const net = result.settlements.reduce((sum, s) => sum + s.netPaymentMicro, 0n);
  assert.equal(net, result.gridImportCostMicro - result.gridExportRevenueMicro + result.operatorMicro);
}

const settlement = (result: ClearingResult, participant: string) =>
  result.settlements.find((s) => s.participant === participant)!;

describe('feederFlows', () => {
  it('counts only trades between two known, different locations', () => {
    assert.deepEqual(feederFlows(located, base.trades), {
      '2': { leavingWh: 1000, enteringWh: 0 },
      '1': { leavingWh: 0, enteringWh: 1000 },
    });
    assert.deepEqual(feederFlows(caseA(), base.trades), {});
  });
});

describe('curtailToCapacity', () => {
  it('total limit, pro rata: 5 → 4 kWh as (1.6, 0.8, 1.6); the cut goes to the grid at tariff', () => {
    const result = curtailToCapacity(located, base, { maxPeerExchangeWh: 4000 });
    assert.deepEqual(
      result.trades.map((t) => [t.bidId, t.offerId, t.energyWh, t.amountMicro]),
      [
        ['B1', 'S1', 1600, 320_000n],
        ['B1', 'S2', 800, 172_000n],
        ['B2', 'S2', 1600, 296_000n],
      ],
    );
    assert.equal(result.curtailedWh, 1000);
    assert.equal(result.gridImportWh, 4000);
    assert.equal(result.gridExportWh, 2000);
    const b1 = settlement(result, 'B1');
    assert.equal(b1.importWh, 3000);
    assert.equal(b1.peerImportWh, 2400);
    // 0.32 + 0.172 + 0.6 kWh·0.30
    assert.equal(b1.netPaymentMicro, 672_000n);
    const s2 = settlement(result, 'S2');
    assert.equal(s2.peerExportWh, 2400);
    // −(0.172 + 0.296) − 0.6 kWh·0.10
    assert.equal(s2.netPaymentMicro, -528_000n);
    budgetHolds(result);
    assert.equal(result.operatorMicro, 0n);
  });

  it('total limit, last matched first: the B2–S2 trade shrinks to 1 kWh', () => {
    const result = curtailToCapacity(located, base, { maxPeerExchangeWh: 4000, curtailment: 'lastMatchedFirst' });
    assert.deepEqual(
      result.trades.map((t) => [t.bidId, t.offerId, t.energyWh]),
      [
        ['B1', 'S1', 2000],
        ['B1', 'S2', 1000],
        ['B2', 'S2', 1000],
      ],
    );
    assert.equal(result.curtailedWh, 1000);
    budgetHolds(result);
  });

  it('feeder limit: only the trade crossing into feeder 1 is cut; a zero limit removes it', () => {
    const result = curtailToCapacity(located, base, { feederLimitsWh: { '1': 400 } });
    assert.deepEqual(
      result.trades.map((t) => [t.bidId, t.offerId, t.energyWh]),
      [
        ['B1', 'S1', 2000],
        ['B1', 'S2', 400],
        ['B2', 'S2', 2000],
      ],
    );
    assert.equal(result.curtailedWh, 600);
    budgetHolds(result);
    const closed = curtailToCapacity(located, base, { feederLimitsWh: { '2': 0 } });
    assert.equal(closed.trades.length, 2);
    assert.equal(closed.curtailedWh, 1000);
  });

  it('feeder then total limits apply together; every participant keeps its energy', () => {
    const result = curtailToCapacity(located, base, { feederLimitsWh: { '1': 0 }, maxPeerExchangeWh: 3000 });
    assert.equal(
      result.trades.reduce((sum, t) => sum + t.energyWh, 0),
      3000,
    );
    assert.equal(result.curtailedWh, 2000);
    for (const s of result.settlements) {
      const before = settlement(base, s.participant);
      assert.equal(s.importWh, before.importWh);
      assert.equal(s.exportWh, before.exportWh);
    }
    budgetHolds(result);
  });

  it('within limits the result is returned unchanged', () => {
    assert.equal(curtailToCapacity(located, base, { maxPeerExchangeWh: 5000, feederLimitsWh: { '1': 1000 } }), base);
  });

  it('a pool result without trades: the total limit cuts peer energy pro rata; feeder limits throw', () => {
    const input = caseBPool();
    const flows = new FlowBook();
    for (const [id, wh, peer] of [
      ['S1', 5000, 4000],
      ['S2', 3000, 2400],
      ['S3', 2000, 1600],
    ] as const) {
      const f = flows.get(id);
      f.exportWh = wh;
      f.peerExportWh = peer;
      // peer Wh at 0.20, the rest at λs 0.10
      f.netPaymentMicro = -(BigInt(peer) * 200n + BigInt(wh - peer) * 100n);
    }
    for (const [id, wh] of [
      ['B1', 3000],
      ['B2', 2000],
      ['B3', 3000],
    ] as const) {
      const f = flows.get(id);
      f.importWh = wh;
      f.peerImportWh = wh;
      f.netPaymentMicro = BigInt(wh) * 200n;
    }
    const pool = buildResult({ mechanism: 'pool', input, trades: [], flows, gridImportWh: 0, gridExportWh: 2000 });
    budgetHolds(pool);
    const result = curtailToCapacity(input, pool, { maxPeerExchangeWh: 4000 });
    assert.equal(result.curtailedWh, 4000);
    assert.equal(
      result.settlements.reduce((sum, s) => sum + s.peerImportWh, 0),
      4000,
    );
    const b1 = settlement(result, 'B1');
    assert.equal(b1.peerImportWh, 1500);
    // 1.5 kWh at 0.20 + 1.5 kWh from the grid at 0.30
    assert.equal(b1.netPaymentMicro, 750_000n);
    const s1 = settlement(result, 'S1');
    assert.equal(s1.peerExportWh, 2000);
    assert.equal(s1.netPaymentMicro, -(400_000n + 300_000n));
    assert.equal(result.gridImportWh, 4000);
    assert.equal(result.gridExportWh, 6000);
    budgetHolds(result);
    assertThrowsCoded(() => curtailToCapacity(input, pool, { feederLimitsWh: { x: 1 } }), 'MARKET_INVALID_INPUT');
  });

  it('rejects negative or fractional limits', () => {
    assertThrowsCoded(() => curtailToCapacity(located, base, { maxPeerExchangeWh: -1 }), 'MARKET_INVALID_INPUT');
    assertThrowsCoded(() => curtailToCapacity(located, base, { feederLimitsWh: { '1': 0.5 } }), 'MARKET_INVALID_INPUT');
  });
});

describe('withCapacityLimit', () => {
  it('wraps any mechanism: clears, curtails, renames', () => {
    const limited: ClearingMechanism = withCapacityLimit(merit, { maxPeerExchangeWh: 2500 });
    assert.equal(limited.name, 'merit-order+capacity');
    const result = limited.clear(located);
    assert.equal(result.mechanism, 'merit-order+capacity');
    assert.equal(
      result.trades.reduce((sum, t) => sum + t.energyWh, 0),
      2500,
    );
    assert.equal(result.curtailedWh, 2500);
    budgetHolds(result);
  });

  it('validates the limits when wrapping', () => {
    assertThrowsCoded(() => withCapacityLimit(merit, { maxPeerExchangeWh: Number.NaN }), 'MARKET_INVALID_INPUT');
  });
});
