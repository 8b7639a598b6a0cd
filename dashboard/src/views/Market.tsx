/**
 * Market: the schedule, a slot's order book, status, clearing price(s), trades, grid exchange and settlements,
 * and the mechanisms compared on that slot (/v1/market/slots/:slot/compare).
 */
import { useEffect, useMemo, useState } from 'react';
import { api, type MarketInfo, type SlotJson } from '../api.js';
import { Card, ErrorNote } from '../components.js';
import { coins, formatTime, formatWh, pricePerKwh, shortAddress, shortHash } from '../format.js';
import { useAsync, useLive } from '../hooks.js';

const RECENT_SLOTS = 24;

function slotChoices(market: MarketInfo | undefined): Array<{ slot: number; label: string }> {
  const config = market?.config;
  if (!config) return [];
  const out: Array<{ slot: number; label: string }> = [];
  const seen = new Set<number>();
  for (const u of market.upcoming) {
    seen.add(u.slot);
    out.push({ slot: u.slot, label: `slot ${u.slot} · open · starts ${formatTime(u.startMs)}` });
  }
  for (let slot = config.nextSlot - 1; slot >= config.firstSlot && slot >= config.nextSlot - RECENT_SLOTS; slot--) {
    if (seen.has(slot)) continue;
    out.push({
      slot,
      label: `slot ${slot} · cleared · ${formatTime(config.startMs + (slot - config.firstSlot) * config.slotDurationMs)}`,
    });
  }
  return out.sort((a, b) => a.slot - b.slot);
}

export function MarketView() {
  const live = useLive();
  const market = useAsync(() => api.market(), [live.headTick]);
  const choices = useMemo(() => slotChoices(market.data), [market.data]);
  const [slot, setSlot] = useState<number | null>(null);

  // Default: the most recently cleared slot (it has trades), else the next one to clear.
  useEffect(() => {
    const config = market.data?.config;
    if (slot !== null || !config) return;
    const recent = config.nextSlot - 1;
    setSlot(recent >= config.firstSlot ? recent : config.nextSlot);
  }, [market.data, slot]);

  const m = market.data;
  const config = m?.config ?? null;
  return (
    <section aria-labelledby="market-title">
      <h2 id="market-title">Market</h2>
      <ErrorNote error={market.error} />
      {m && config === null ? (
        <p className="muted">No market is open on this chain yet (the administrator opens one in Actions).</p>
      ) : null}
      {config ? (
        <div className="cards">
          <Card label="Mechanism" value={config.mechanism} />
          <Card label="Status" value={config.open ? 'open' : 'closed'} />
          <Card label="Slot length" value={`${Math.round(config.slotDurationMs / 60000)} min`} />
          <Card label="Gate closure" value={`${Math.round(config.gateClosureLeadMs / 1000)} s before`} />
          <Card label="Slots" value={`${config.firstSlot} – ${config.lastSlot ?? '∞'}`} />
          <Card label="Next to clear" value={config.nextSlot} />
          <Card label="Escrow" value={`${coins(m?.escrowMicro)} coins`} />
          <Card label="Grid position" value={`${coins(m?.gridPositionMicro)} coins`} />
          <Card label="Admin" value={shortAddress(m?.admin)} title={m?.admin ?? ''} />
        </div>
      ) : null}
      {m && m.config === null && m.admin ? <p className="muted">Administrator: {m.admin}</p> : null}

      <div className="inline-form">
        <label htmlFor="slot-select">Slot</label>
        <select
          id="slot-select"
          data-testid="slot-select"
          value={slot ?? ''}
          onChange={(e) => setSlot(e.target.value === '' ? null : Number(e.target.value))}
          disabled={choices.length === 0}
        >
          {choices.length === 0 ? <option value="">no slots</option> : null}
          {slot !== null && !choices.some((c) => c.slot === slot) ? <option value={slot}>slot {slot}</option> : null}
          {choices.map((c) => (
            <option key={c.slot} value={c.slot}>
              {c.label}
            </option>
          ))}
        </select>
      </div>
      {slot !== null && config ? <SlotPanel slot={slot} tick={live.headTick} /> : null}
    </section>
  );
}

function SlotPanel({ slot, tick }: { slot: number; tick: number }) {
  const view = useAsync<SlotJson>(() => api.slot(slot), [slot, tick]);
  const compare = useAsync(() => api.compare(slot), [slot, view.data?.status]);
  const s = view.data;
  const r = s?.result ?? null;
  return (
    <div aria-live="polite">
      <ErrorNote error={view.error} />
      {s ? (
        <>
          <div className="cards">
            <Card label="Status" value={<span data-testid="slot-status">{s.status}</span>} />
            <Card label="Starts" value={formatTime(s.startMs)} />
            <Card label="Gate closes" value={formatTime(s.gateClosureMs)} />
            <Card label="Grid import" value={pricePerKwh(s.gridPrice.importMicroPerKwh)} />
            <Card label="Grid export" value={pricePerKwh(s.gridPrice.exportMicroPerKwh)} />
            <Card
              label="Clearing price"
              value={
                <span data-testid="clearing-price">{r ? pricePerKwh(r.clearingPriceMicroPerKwh) : 'not cleared'}</span>
              }
            />
            {r?.buyPriceMicroPerKwh || r?.sellPriceMicroPerKwh ? (
              <Card
                label="Buy / sell price"
                value={`${pricePerKwh(r.buyPriceMicroPerKwh)} / ${pricePerKwh(r.sellPriceMicroPerKwh)}`}
              />
            ) : null}
            <Card label="Traded" value={r ? formatWh(r.tradedWh) : '—'} />
            <Card
              label="Grid import / export"
              value={r ? `${formatWh(r.gridImportWh)} / ${formatWh(r.gridExportWh)}` : '—'}
            />
            {r?.mechanism ? <Card label="Cleared by" value={r.mechanism} /> : null}
          </div>
          {r?.fallbackReason ? <p className="muted">Fallback: {r.fallbackReason}</p> : null}

          <h3>Order book ({s.orders.length})</h3>
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">Side</th>
                  <th scope="col">Participant</th>
                  <th scope="col">Energy</th>
                  <th scope="col">Limit price</th>
                  <th scope="col">Locked</th>
                  <th scope="col">Status</th>
                  <th scope="col">Order id</th>
                </tr>
              </thead>
              <tbody>
                {s.orders.map((o) => (
                  <tr key={o.id} data-testid="order-row" className={o.side}>
                    <td>{o.sequence}</td>
                    <td>
                      <span className={`badge ${o.side}`}>{o.side}</span>
                    </td>
                    <td className="mono" title={o.participant}>
                      {shortAddress(o.participant)}
                    </td>
                    <td>{formatWh(o.energyWh)}</td>
                    <td>{o.limitPriceMicroPerKwh ? pricePerKwh(o.limitPriceMicroPerKwh) : 'grid price'}</td>
                    <td>{coins(o.lockedMicro)}</td>
                    <td>{o.status}</td>
                    <td className="mono" title={o.id}>
                      {shortHash(o.id)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {s.orders.length === 0 ? <p className="muted">No orders.</p> : null}

          <h3>Trades ({s.trades.length})</h3>
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Id</th>
                  <th scope="col">Seller</th>
                  <th scope="col">Buyer</th>
                  <th scope="col">Energy</th>
                  <th scope="col">Price</th>
                  <th scope="col">Amount</th>
                </tr>
              </thead>
              <tbody>
                {s.trades.map((t) => (
                  <tr key={t.id} data-testid="trade-row">
                    <td className="mono">{t.id}</td>
                    <td className="mono" title={t.seller}>
                      {shortAddress(t.seller)}
                    </td>
                    <td className="mono" title={t.buyer}>
                      {shortAddress(t.buyer)}
                    </td>
                    <td>{formatWh(t.energyWh)}</td>
                    <td>{pricePerKwh(t.priceMicroPerKwh)}</td>
                    <td>{coins(t.amountMicro)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {s.trades.length === 0 ? (
            <p className="muted">{s.status === 'open' ? 'Not cleared yet.' : 'No trades.'}</p>
          ) : null}

          {s.settlements.length > 0 ? (
            <>
              <h3>Settlements (grid exchange per household)</h3>
              <div className="table-wrap">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">Participant</th>
                      <th scope="col">Peer in / out</th>
                      <th scope="col">Grid in / out</th>
                      <th scope="col">Net payment</th>
                      <th scope="col">Grid-only</th>
                    </tr>
                  </thead>
                  <tbody>
                    {s.settlements.map((x) => (
                      <tr key={x.participant}>
                        <td className="mono" title={x.participant}>
                          {shortAddress(x.participant)}
                        </td>
                        <td>
                          {formatWh(x.peerImportWh)} / {formatWh(x.peerExportWh)}
                        </td>
                        <td>
                          {formatWh(x.importWh)} / {formatWh(x.exportWh)}
                        </td>
                        <td>{coins(x.netPaymentMicro)}</td>
                        <td>{coins(x.gridOnlyPaymentMicro)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          ) : null}

          <h3>Mechanisms compared on this slot</h3>
          {compare.error ? <p className="muted">Comparison unavailable: {compare.error}</p> : null}
          {compare.data ? (
            <>
              <p className="muted">
                What-if: the slot's {compare.data.orders ?? ''} orders cleared by every mechanism (nothing is written).
                {compare.data.clearedWith ? ` Cleared on chain with ${compare.data.clearedWith}.` : ''}
              </p>
              <div className="table-wrap">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">Mechanism</th>
                      <th scope="col">Traded</th>
                      <th scope="col">Trades</th>
                      <th scope="col">Clearing price</th>
                      <th scope="col">Grid import</th>
                      <th scope="col">Grid export</th>
                      <th scope="col">Savings vs grid-only</th>
                    </tr>
                  </thead>
                  <tbody>
                    {compare.data.mechanisms.map((c) => (
                      <tr
                        key={c.mechanism}
                        data-testid="compare-row"
                        className={c.mechanism === (compare.data?.clearedWith ?? r?.mechanism) ? 'selected' : ''}
                      >
                        <td>{c.mechanism}</td>
                        {c.error ? (
                          <td colSpan={6} className="details muted">
                            refused: {c.error}
                          </td>
                        ) : (
                          <>
                            <td>{formatWh(c.tradedWh)}</td>
                            <td>{c.trades ?? '—'}</td>
                            <td>
                              {c.clearingPriceMicroPerKwh !== null
                                ? pricePerKwh(c.clearingPriceMicroPerKwh)
                                : c.buyPriceMicroPerKwh || c.sellPriceMicroPerKwh
                                  ? `buy ${pricePerKwh(c.buyPriceMicroPerKwh)} / sell ${pricePerKwh(c.sellPriceMicroPerKwh)}`
                                  : '—'}
                            </td>
                            <td>{formatWh(c.gridImportWh)}</td>
                            <td>{formatWh(c.gridExportWh)}</td>
                            <td>{coins(c.savingsMicro)}</td>
                          </>
                        )}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          ) : null}
        </>
      ) : null}
    </div>
  );
}
