/** K8 grid fallback and the grid-only baseline. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clearGridOnly, GridFallback, gridOnly } from '../../../src/market/mechanisms/gridFallback.js';
import { buildResult, FlowBook } from '../../../src/market/result.js';
import { CASE_A, CASE_B, order, payments, slot } from '../../helpers/poolCases.js';

describe('gridOnly', () => {
  it('case A: every deficit at λb, every surplus at λs, nothing shared', () => {
    const r = gridOnly.clear(CASE_A);
    assert.equal(r.mechanism, 'grid-only');
    assert.deepEqual(payments(r), {
      B1: 900_000n,
      B2: 600_000n,
      B3: 900_000n,
      S1: -200_000n,
      S2: -300_000n,
      S3: -100_000n,
    });
    assert.equal(r.gridImportWh, 8000);
    assert.equal(r.gridExportWh, 6000);
    assert.equal(r.operatorMicro, 0n);
    assert.ok(r.settlements.every((s) => s.peerImportWh === 0 && s.peerExportWh === 0));
  });

  it('each settlement equals its own grid-only payment, also when λb < λs', () => {
    for (const input of [CASE_B, slot(CASE_A.orders, { gridExportPriceMicroPerKwh: 500_000n })]) {
      const r = clearGridOnly(input);
      assert.ok(r.settlements.every((s) => s.netPaymentMicro === s.gridOnlyPaymentMicro));
      assert.equal(r.operatorMicro, 0n);
    }
  });
});

describe('GridFallback', () => {
  it('bills each leftover on the participant’s own meter, so the operator keeps nothing', () => {
    const input = slot([order('A', 'bid', 1), order('B', 'bid', 1), order('C', 'offer', 1)], {
      gridImportPriceMicroPerKwh: 500n,
    });
    const flows = new FlowBook();
    const grid = new GridFallback(input);
    grid.buy(flows.get('A'), 1); // 0.5 µcoin rounds to 1 per meter
    grid.buy(flows.get('B'), 1);
    grid.sell(flows.get('C'), 1);
    grid.buy(flows.get('C'), 0);
    const r = buildResult({ mechanism: 'test', input, trades: [], flows, ...grid.totals() });
    assert.deepEqual(payments(r), { A: 1n, B: 1n, C: -100n });
    assert.equal(r.gridImportCostMicro, 2n); // one meter would bill 2 Wh as 1 µcoin
    assert.equal(r.operatorMicro, 0n);
  });
});
