/**
 * @module chain/mempool
 * Pending transactions (MISSION L5; seed 000 Fig. A7: "this transaction will be added to Block N"). Admission
 * runs the ledger's own rules against the head state, then pool policy: a fee floor, a bounded nonce window
 * per sender, affordability of everything the sender has pending, replace-by-fee for the same nonce, and a size
 * limit that evicts the cheapest transaction when a better-paying one arrives. Block templates take
 * transactions by fee, then arrival, in each sender's nonce order.
 */
import type { Address } from '../crypto/index.js';
import { invalid, type ValidationFailure, type ValidationResult } from '../errors/result.js';
import type { StateContract } from '../ledger/contract.js';
import type { ChainParams } from '../ledger/params.js';
import { type LedgerState, StateOverlay } from '../ledger/state.js';
import { encodeTx, isMarketTx, type Transaction, txHashHex, txSender } from '../ledger/tx.js';
import { applyTx, checkTx } from '../ledger/validation.js';

export interface MempoolOptions {
  /** Most transactions held; the cheapest is evicted for a better-paying newcomer. */
  readonly maxTxs?: number;
  /** Most pending per sender, which is also how far ahead of the account nonce a transaction may be. */
  readonly maxTxsPerSender?: number;
  /** Fee floor for admission (0 on the devnet). */
  readonly minFeeMicro?: bigint;
}

export const DEFAULT_MEMPOOL_OPTIONS = Object.freeze({
  maxTxs: 20_000,
  maxTxsPerSender: 256,
  minFeeMicro: 0n,
});

interface PoolEntry {
  readonly tx: Transaction;
  readonly hash: string;
  readonly sender: Address;
  readonly arrival: number;
  readonly debitMicro: bigint;
}

export type AddResult = { readonly ok: true; readonly hash: string; readonly replaced?: string } | ValidationFailure;

export interface SelectOptions {
  readonly maxTxs: number;
  readonly maxBytes: number;
  readonly blockTimestampMs: number;
  /** Height of the block being built (recorded by the contract, e.g. an order's block). */
  readonly height?: number;
}

/** Higher fee first, then earlier arrival. */
function comparePriority(a: PoolEntry, b: PoolEntry): number {
  if (a.tx.feeMicro !== b.tx.feeMicro) return a.tx.feeMicro > b.tx.feeMicro ? -1 : 1;
  return a.arrival - b.arrival;
}

/** Minimal binary heap: `pop` returns the element that sorts first under `compare`. */
class BinaryHeap<T> {
  private readonly items: T[] = [];

  constructor(private readonly compare: (a: T, b: T) => number) {}

  get size(): number {
    return this.items.length;
  }

  push(item: T): void {
    const items = this.items;
    items.push(item);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.compare(items[i]!, items[parent]!) >= 0) break;
      [items[i], items[parent]] = [items[parent]!, items[i]!];
      i = parent;
    }
  }

  pop(): T | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last !== undefined) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let best = i;
        if (left < items.length && this.compare(items[left]!, items[best]!) < 0) best = left;
        if (right < items.length && this.compare(items[right]!, items[best]!) < 0) best = right;
        if (best === i) break;
        [items[i], items[best]] = [items[best]!, items[i]!];
        i = best;
      }
    }
    return top;
  }
}

export class Mempool {
  private readonly byHash = new Map<string, PoolEntry>();
  private readonly bySender = new Map<Address, Map<number, PoolEntry>>();
  private arrivals = 0;
  private readonly maxTxs: number;
  private readonly maxTxsPerSender: number;
  private readonly minFeeMicro: bigint;

  constructor(
    private readonly params: ChainParams,
    options: MempoolOptions = {},
    /** The market's rules: market transactions are tried against them at admission, selection and reconciliation. */
    private readonly contract?: StateContract,
  ) {
    this.maxTxs = options.maxTxs ?? DEFAULT_MEMPOOL_OPTIONS.maxTxs;
    this.maxTxsPerSender = options.maxTxsPerSender ?? DEFAULT_MEMPOOL_OPTIONS.maxTxsPerSender;
    this.minFeeMicro = options.minFeeMicro ?? DEFAULT_MEMPOOL_OPTIONS.minFeeMicro;
  }

  get size(): number {
    return this.byHash.size;
  }

  has(hash: string): boolean {
    return this.byHash.has(hash);
  }

  get(hash: string): Transaction | undefined {
    return this.byHash.get(hash)?.tx;
  }

  /** Every pending transaction, highest priority first. */
  all(): Transaction[] {
    return [...this.byHash.values()].sort(comparePriority).map((entry) => entry.tx);
  }

  /** The nonce a sender's next new transaction should carry, counting its pending ones. */
  nextNonce(sender: Address, state: LedgerState): number {
    let nonce = state.account(sender).nonce;
    const pending = this.bySender.get(sender);
    while (pending?.has(nonce)) nonce++;
    return nonce;
  }

  /**
   * Admits `tx` if the ledger rules and pool policy allow it.
   * @param state the head state the transaction must be valid against.
   * @param nowMs this node's clock, for the timestamp bound.
   */
  add(tx: Transaction, state: LedgerState, nowMs: number, options: { signaturesVerified?: boolean } = {}): AddResult {
    const hash = txHashHex(tx);
    // [REJECT] rewards are created by miners inside blocks, never submitted.
    if (tx.kind === 'reward') return invalid('TX_UNEXPECTED_REWARD', 'a reward cannot be submitted as a transaction');
    if (this.byHash.has(hash)) return invalid('MEMPOOL_DUPLICATE', `transaction ${hash} is already pending`);
    const stateless = checkTx(tx, this.params, {
      contract: this.contract,
      ...(options.signaturesVerified ? { signaturesVerified: true } : {}),
    });
    if (!stateless.ok) return stateless;
    if (tx.timestampMs > nowMs + this.params.maxFutureDriftMs) {
      return invalid(
        'TX_FUTURE_TIMESTAMP',
        `timestampMs ${tx.timestampMs} is more than ${this.params.maxFutureDriftMs} ms ahead`,
      );
    }
    if (tx.feeMicro < this.minFeeMicro) {
      return invalid('MEMPOOL_FEE_TOO_LOW', `feeMicro ${tx.feeMicro} is below this node's minimum ${this.minFeeMicro}`);
    }
    const sender = txSender(tx)!;
    const account = state.account(sender);
    if (tx.nonce < account.nonce) {
      return invalid('TX_NONCE_TOO_LOW', `nonce ${tx.nonce}; the account's next nonce is ${account.nonce}`);
    }
    if (tx.nonce >= account.nonce + this.maxTxsPerSender) {
      return invalid(
        'MEMPOOL_NONCE_GAP',
        `nonce ${tx.nonce} is more than ${this.maxTxsPerSender} ahead of the account's next nonce ${account.nonce}`,
      );
    }
    const pending = this.bySender.get(sender);
    const existing = pending?.get(tx.nonce);
    // Replace-by-fee: a second transaction for the same nonce must pay strictly more.
    if (existing && tx.feeMicro <= existing.tx.feeMicro) {
      return invalid(
        'MEMPOOL_DUPLICATE',
        `nonce ${tx.nonce} of ${sender} is already pending with fee ${existing.tx.feeMicro}; a replacement must pay more`,
      );
    }
    const debitMicro = tx.kind === 'transfer' ? tx.amountMicro + tx.feeMicro : tx.feeMicro;
    let pendingDebitMicro = debitMicro;
    for (const entry of pending?.values() ?? []) if (entry !== existing) pendingDebitMicro += entry.debitMicro;
    // [REJECT] the sender must afford everything it has pending (incoming payments are not counted).
    if (pendingDebitMicro > account.balanceMicro) {
      return invalid(
        'TX_INSUFFICIENT_BALANCE',
        `pending debits ${pendingDebitMicro} micro exceed the sender's balance ${account.balanceMicro} micro`,
      );
    }
    if (isMarketTx(tx)) {
      // A market transaction must pass the contract's rules now (approved sender, open gate, escrow), after the
      // sender's pending transactions before it: a block could not include it otherwise.
      const trial = this.tryAfterPending(tx, sender, state, nowMs, existing);
      if (!trial.ok) return trial;
    }
    if (!existing && this.byHash.size >= this.maxTxs && !this.evictFor(tx)) {
      return invalid('MEMPOOL_FULL', `the pool holds ${this.maxTxs} transactions paying at least as much`);
    }
    if (existing) this.removeEntry(existing);
    this.insert({ tx, hash, sender, arrival: this.arrivals++, debitMicro });
    return existing ? { ok: true, hash, replaced: existing.hash } : { ok: true, hash };
  }

  private insert(entry: PoolEntry): void {
    this.byHash.set(entry.hash, entry);
    let pending = this.bySender.get(entry.sender);
    if (!pending) {
      pending = new Map();
      this.bySender.set(entry.sender, pending);
    }
    pending.set(entry.tx.nonce, entry);
  }

  private removeEntry(entry: PoolEntry): void {
    this.byHash.delete(entry.hash);
    const pending = this.bySender.get(entry.sender);
    pending?.delete(entry.tx.nonce);
    if (pending?.size === 0) this.bySender.delete(entry.sender);
  }

  /**
   * Makes room by dropping the lowest-priority transaction that is its sender's last (dropping a middle nonce
   * would strand the ones after it), if the newcomer pays more.
   */
  private evictFor(tx: Transaction): boolean {
    let victim: PoolEntry | undefined;
    for (const pending of this.bySender.values()) {
      let last: PoolEntry | undefined;
      for (const entry of pending.values()) if (!last || entry.tx.nonce > last.tx.nonce) last = entry;
      if (last && (!victim || comparePriority(last, victim) > 0)) victim = last;
    }
    if (!victim || victim.tx.feeMicro >= tx.feeMicro) return false;
    this.removeEntry(victim);
    return true;
  }

  remove(hashes: Iterable<string>): void {
    for (const hash of hashes) {
      const entry = this.byHash.get(hash);
      if (entry) this.removeEntry(entry);
    }
  }

  /**
   * After the head changed: drops what the new state makes invalid (nonce already used, sender can no longer
   * afford its pending debits from the lowest nonce up).
   * @returns the hashes dropped.
   */
  reconcile(state: LedgerState, nowMs?: number): string[] {
    const dropped: string[] = [];
    for (const [sender, pending] of [...this.bySender]) {
      const account = state.account(sender);
      let budgetMicro = account.balanceMicro;
      const ordered = [...pending.values()].sort((a, b) => a.tx.nonce - b.tx.nonce);
      // Market transactions are replayed on a scratch overlay: one that no longer applies (its slot's gate
      // closed, its order was cleared) is dropped with every later one of the sender, which could never run.
      // Only senders with a market transaction pending are replayed: for transfers the budget check suffices,
      // and replaying every pending transfer after each block cost a third of the network's throughput.
      const replay = this.contract !== undefined && nowMs !== undefined && ordered.some((e) => isMarketTx(e.tx));
      const overlay = replay ? this.scratch(state, nowMs) : null;
      let blocked = false;
      for (const entry of ordered) {
        const stale = entry.tx.nonce < account.nonce || entry.tx.nonce >= account.nonce + this.maxTxsPerSender;
        let fails = blocked || stale || entry.debitMicro > budgetMicro;
        if (!fails && overlay && !stale) {
          fails = !applyTx(overlay, entry.tx, { height: 0, timestampMs: nowMs! }, this.params, this.contract).ok;
          if (fails) blocked = true;
        }
        if (fails) {
          this.removeEntry(entry);
          dropped.push(entry.hash);
        } else {
          budgetMicro -= entry.debitMicro;
        }
      }
    }
    return dropped;
  }

  /** An overlay on `state` as the next block would see it: the contract's gate closures up to `nowMs` done. */
  private scratch(state: LedgerState, nowMs: number, height = 0): StateOverlay {
    const overlay = new StateOverlay(state);
    this.contract?.beginBlock(overlay, { height, timestampMs: nowMs });
    return overlay;
  }

  /** Applies the sender's pending transactions before `tx` (by nonce), then `tx`, on a scratch overlay. */
  private tryAfterPending(
    tx: Transaction,
    sender: Address,
    state: LedgerState,
    nowMs: number,
    replaced: PoolEntry | undefined,
  ): ValidationResult {
    const overlay = this.scratch(state, nowMs);
    const context = { height: 0, timestampMs: nowMs };
    const before = [...(this.bySender.get(sender)?.values() ?? [])]
      .filter((entry) => entry !== replaced && entry.tx.nonce < tx.nonce)
      .sort((a, b) => a.tx.nonce - b.tx.nonce);
    for (const entry of before) applyTx(overlay, entry.tx, context, this.params, this.contract);
    const result = applyTx(overlay, tx, context, this.params, this.contract);
    return result.ok ? { ok: true } : result;
  }

  /**
   * Picks transactions for a block on `state`: by priority among each sender's next executable nonce, each one
   * applied to a scratch overlay so the template is valid as a whole.
   */
  select(state: LedgerState, options: SelectOptions): Transaction[] {
    const queues = new Map<Address, PoolEntry[]>();
    for (const [sender, pending] of this.bySender) {
      queues.set(
        sender,
        [...pending.values()].sort((a, b) => a.tx.nonce - b.tx.nonce),
      );
    }
    const heads = new BinaryHeap<PoolEntry>(comparePriority);
    for (const queue of queues.values()) if (queue[0]) heads.push(queue[0]);
    // The block clears the slots whose gate it passes before its transactions (ledger/validation executeBlock).
    const overlay = this.scratch(state, options.blockTimestampMs, options.height ?? 0);
    const selected: Transaction[] = [];
    let bytes = 0;
    while (heads.size > 0 && selected.length < options.maxTxs) {
      const entry = heads.pop()!;
      const queue = queues.get(entry.sender)!;
      queue.shift();
      const sizeBytes = encodeTx(entry.tx).length + 4;
      if (bytes + sizeBytes > options.maxBytes) continue;
      const result = applyTx(
        overlay,
        entry.tx,
        { height: options.height ?? 0, timestampMs: options.blockTimestampMs },
        this.params,
        this.contract,
      );
      // A sender whose next transaction does not apply blocks the rest of its queue (nonce order).
      if (!result.ok) continue;
      selected.push(entry.tx);
      bytes += sizeBytes;
      if (queue[0]) heads.push(queue[0]);
    }
    return selected;
  }
}
