/**
 * @module sim/networkLedger
 * The simulator's `network` ledger: the same signed transactions as the in-process ledger (households register,
 * the administrator approves them and opens the market, every order a transaction) sent to a running node through
 * its API, mined by the nodes, and each slot's result read back from `/v1/market/slots/:slot`. The market's slots
 * run on a compressed clock (a few seconds each) because nodes stamp blocks with the time: the scenario's own
 * times stay in the transactions, so order ids — and with them the trades — equal the in-process run's.
 */
import type { KeyPair } from '../crypto/index.js';
import { GridPeerError } from '../errors/index.js';
import { encodeTx, type Transaction, txHashHex } from '../ledger/tx.js';
import { type SlotLedger, type SlotOrder, type SlotOutcome, setupTxs, simAdmin, TxFactory } from './engine.js';
import type { Community } from './types.js';

/** Default wall-clock length of a compressed slot: room to submit a few hundred orders and mine twice. */
export const DEFAULT_NETWORK_SLOT_MS = 3000;
/** Parallel HTTP submissions. */
const SUBMIT_CONCURRENCY = 16;

interface SlotJson {
  status: string;
  trades: Array<{
    index: number;
    seller: string;
    buyer: string;
    energyWh: number;
    priceMicroPerKwh: string;
    amountMicro: string;
  }>;
  settlements: Array<{
    participant: string;
    peerImportWh: number;
    peerExportWh: number;
    netPaymentMicro: string;
    gridOnlyPaymentMicro: string;
  }>;
  result: { clearingPriceMicroPerKwh: string | null; buyPriceMicroPerKwh: string | null } | null;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

export class NetworkLedger implements SlotLedger {
  private readonly url: string;
  private readonly slotMs: number;
  private readonly leadMs: number;
  private startMs = 0;
  private factory = new TxFactory(0);

  constructor(
    private readonly community: Community,
    private readonly mechanism: string,
    private readonly keys: readonly KeyPair[],
    nodeUrl = 'http://127.0.0.1:5001',
    slotMs = DEFAULT_NETWORK_SLOT_MS,
  ) {
    this.url = new URL(nodeUrl).origin;
    this.slotMs = slotMs;
    this.leadMs = Math.floor(slotMs / 2);
  }

  private async request(method: 'GET' | 'POST', path: string, body?: unknown): Promise<Record<string, unknown>> {
    let response: Response;
    try {
      response = await fetch(`${this.url}${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(30_000),
      });
    } catch (error) {
      throw new GridPeerError('PEER_UNREACHABLE', `no answer from ${this.url}: ${(error as Error).message}`, {
        url: this.url,
      });
    }
    const json = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    if (!response.ok) {
      const details = (json['details'] ?? {}) as Record<string, unknown>;
      throw new GridPeerError('TX_INVALID', `${this.url}${path}: ${String(json['code'])} ${String(json['message'])}`, {
        rule: details['rule'] ?? json['code'],
      });
    }
    return json;
  }

  private async submit(txs: readonly Transaction[]): Promise<void> {
    for (let i = 0; i < txs.length; i += SUBMIT_CONCURRENCY) {
      await Promise.all(
        txs
          .slice(i, i + SUBMIT_CONCURRENCY)
          .map((tx) => this.request('POST', '/v1/txs', { hex: Buffer.from(encodeTx(tx)).toString('hex') })),
      );
    }
  }

  /** Mines until every one of `txs` is in a block (a node mining by itself may have done it already). */
  private async confirm(txs: readonly Transaction[]): Promise<void> {
    const pending = new Set(txs.map(txHashHex));
    for (let attempt = 0; pending.size > 0; attempt++) {
      if (attempt > 20) throw new GridPeerError('TX_NOT_FOUND', `${pending.size} transactions were never mined`, {});
      await this.request('POST', '/v1/mine', {});
      for (const hash of [...pending]) {
        const found = await this.request('GET', `/v1/txs/${hash}`).catch(() => null);
        if (found?.['status'] === 'confirmed') pending.delete(hash);
      }
    }
  }

  async setup(): Promise<void> {
    const status = await this.request('GET', '/v1/status');
    this.factory = new TxFactory(Number(status['chainId']));
    const first = this.keys[0];
    if (first !== undefined) {
      const account = await this.request('GET', `/v1/accounts/${first.address}`);
      if (BigInt(String(account['balanceMicro'])) === 0n) {
        throw new GridPeerError(
          'INVALID_CONFIG',
          `${this.url} does not fund the scenario's households: start its nodes with the scenario's genesis ` +
            '(gridpeer simulate --genesis-out genesis.json, then gridpeer network up --genesis genesis.json)',
          { field: '--node' },
        );
      }
    }
    // Accounts that sent transactions before (the administrator on a long-running network) continue their nonces.
    for (const key of [simAdmin(), ...this.keys]) {
      const account = await this.request('GET', `/v1/accounts/${key.address}`);
      this.factory.setNonce(key.address, Number(account['nextNonce']));
    }
    const slotZeroOffsetMs = 4 * this.slotMs;
    this.startMs = Math.ceil((Date.now() + slotZeroOffsetMs) / 1000) * 1000;
    const txs = setupTxs(
      this.community,
      this.keys,
      this.factory,
      { startMs: this.startMs, slotDurationMs: this.slotMs, gateClosureLeadMs: this.leadMs },
      this.mechanism,
      this.community.startMs - 2 * this.community.slotMs,
    );
    await this.submit(txs.register);
    await this.confirm(txs.register);
    await this.submit(txs.approveAndOpen);
    await this.confirm(txs.approveAndOpen);
    const market = await this.request('GET', '/v1/market');
    const config = market['config'] as { firstSlot: number } | null;
    if (config === null || config.firstSlot !== 0) {
      throw new GridPeerError(
        'INVALID_CONFIG',
        `${this.url} already ran a market: start a fresh network for the simulation (its slots must start at 0)`,
        { field: '--node' },
      );
    }
  }

  private gateMs(slot: number): number {
    return this.startMs + slot * this.slotMs - this.leadMs;
  }

  async clear(slot: number, orders: readonly SlotOrder[]): Promise<SlotOutcome> {
    const txs = this.factory.orders(this.community, slot, orders, this.keys);
    if (Date.now() >= this.gateMs(slot)) {
      throw new GridPeerError(
        'INVALID_CONFIG',
        `slot ${slot}: its compressed gate closure passed before the orders were sent; use a longer --network-slot-ms`,
        { field: '--network-slot-ms' },
      );
    }
    await this.submit(txs);
    await this.confirm(txs);
    await sleep(this.gateMs(slot) - Date.now() + 100);
    for (let attempt = 0; ; attempt++) {
      const view = (await this.request('GET', `/v1/market/slots/${slot}`)) as unknown as SlotJson;
      if (view.status === 'cleared') return this.outcome(slot, view);
      if (attempt > 20) throw new GridPeerError('NOT_FOUND', `slot ${slot} did not clear on ${this.url}`, { slot });
      await this.request('POST', '/v1/mine', {});
    }
  }

  private outcome(slot: number, view: SlotJson): SlotOutcome {
    const index = new Map(this.keys.map((k, i) => [k.address, i]));
    const settlements = new Map<number, SlotOutcome['settlements'] extends ReadonlyMap<number, infer S> ? S : never>();
    for (const s of view.settlements) {
      settlements.set(index.get(s.participant)!, {
        peerImportWh: s.peerImportWh,
        peerExportWh: s.peerExportWh,
        netPaymentMicro: BigInt(s.netPaymentMicro),
        gridOnlyPaymentMicro: BigInt(s.gridOnlyPaymentMicro),
      });
    }
    const price = view.result?.clearingPriceMicroPerKwh ?? view.result?.buyPriceMicroPerKwh ?? null;
    return {
      settlements,
      trades: [...view.trades]
        .sort((a, b) => a.index - b.index)
        .map((t) => ({
          slot,
          seller: t.seller,
          buyer: t.buyer,
          energyWh: t.energyWh,
          priceMicroPerKwh: BigInt(t.priceMicroPerKwh),
          amountMicro: BigInt(t.amountMicro),
        })),
      clearingPriceMicroPerKwh: price === null ? null : BigInt(price),
    };
  }

  async finish(): Promise<{ stateRoot: string; blocks: number }> {
    const status = await this.request('GET', '/v1/status');
    return { stateRoot: String(status['stateRoot']), blocks: Number(status['height']) };
  }
}
