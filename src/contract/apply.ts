/**
 * @module contract/apply
 * The market's transaction rules (`StateContract.applyTx`): registration and approval (seed 000 §5 guidelines 1
 * and 2, seed 004 §IV: the network administrator decides who joins), the schedule, orders with escrow (guideline
 * 3), metering against commitments (seed 001 §4.8, MISSION K10) and ratings (K13). Every rule failure is a
 * result naming the field and the rule; the ledger discards the transaction's overlay on failure, so a rule may
 * return at any point without undoing earlier writes.
 */
import { type Address, addressFromPublicKey, toHex } from '../crypto/index.js';
import { invalid, VALID, type ValidationResult } from '../errors/result.js';
import type { TxContext } from '../ledger/contract.js';
import type {
  ApprovePayload,
  CancelPayload,
  MarketPayload,
  MeterPayload,
  OrderPayload,
  RatePayload,
  RegisterPayload,
  RejectPayload,
} from '../ledger/marketTx.js';
import type { StateOverlay } from '../ledger/state.js';
import type { MarketTransaction } from '../ledger/tx.js';
import { costMicro } from '../market/money.js';
import {
  addToBalance,
  addToGridPosition,
  addToOperatorPosition,
  balanceOf,
  lockInEscrow,
  maxMicro,
  minMicro,
  readAdminAddress,
  readConfig,
  readNextSlot,
  readParticipantRecord,
  readSettlementRecord,
  readSlotRecord,
  readU64Key,
  releaseEscrow,
  writeConfig,
  writeNextSlot,
  writeParticipant,
  writeSettlement,
  writeSlot,
  writeU64Key,
} from './access.js';
import { checkMarketTx } from './check.js';
import {
  MARKET_ADMIN_KEY,
  meterKey,
  orderIdKey,
  orderKey,
  ratingKey,
  SEQUENCE_KEY,
  TOP_ORDER_SLOT_KEY,
  tradeKeyOf,
} from './keys.js';
import {
  decodeAddress,
  decodeOrder,
  decodeOrderLocation,
  decodeTrade,
  EMPTY_HISTORY,
  EMPTY_SETTLEMENT,
  encodeAddress,
  encodeOrder,
  encodeOrderLocation,
  encodeRating,
  type MarketConfig,
  type OrderSideName,
} from './records.js';
import { gateClosureMs, gridPriceOf, inSchedule, nextGateSlot } from './schedule.js';

export function applyMarketTx(overlay: StateOverlay, tx: MarketTransaction, ctx: TxContext): ValidationResult {
  const shape = checkMarketTx(tx);
  if (!shape.ok) return shape;
  const admin = readAdminAddress(overlay);
  // Seed 004 §IV: the market runs under a network administrator; a chain whose genesis names none has no market.
  if (admin === undefined) {
    return invalid('MARKET_DISABLED', `${tx.kind}: the market is disabled (the genesis names no market administrator)`);
  }
  switch (tx.kind) {
    case 'register':
      return register(overlay, tx.payload, ctx);
    case 'approve':
      return approve(overlay, admin, tx.payload, ctx);
    case 'reject':
      return reject(overlay, admin, tx.payload, ctx);
    case 'admin':
      if (ctx.sender !== admin) return notAdmin('admin');
      overlay.set(MARKET_ADMIN_KEY, encodeAddress(tx.payload.newAdmin));
      return VALID;
    case 'market':
      return market(overlay, admin, tx.payload, ctx);
    case 'offer':
    case 'bid':
      return placeOrder(overlay, tx.kind, tx.payload, ctx);
    case 'cancel':
      return cancel(overlay, tx.payload, ctx);
    case 'meter':
      return meter(overlay, tx.payload, ctx);
    case 'rate':
      return rate(overlay, tx.payload, ctx);
  }
}

function notAdmin(kind: string): ValidationResult {
  return invalid('NOT_ADMIN', `${kind}: the sender must be the market administrator (mkt/admin)`);
}

// ── participants (seed 000 §5 guidelines 1–2, seed 004 §IV) ───────────────────────────────────────────────────

function register(overlay: StateOverlay, p: RegisterPayload, ctx: TxContext): ValidationResult {
  if (readParticipantRecord(overlay, ctx.sender) !== undefined) {
    return invalid('PARTICIPANT_EXISTS', `register: sender ${ctx.sender} is already registered`);
  }
  // One meter key serves one household: otherwise one meter's readings could settle two participants' slots.
  const meterAddress = addressFromPublicKey(p.meterPublicKey);
  if (overlay.get(meterKey(meterAddress)) !== undefined) {
    return invalid('METER_KEY_IN_USE', `register payload.meterPublicKey is already the meter of another participant`);
  }
  writeParticipant(overlay, ctx.sender, {
    role: p.role,
    meterPublicKey: p.meterPublicKey,
    pvW: p.pvW,
    batteryWh: p.batteryWh,
    location: p.location,
    status: 'pending',
    registeredHeight: ctx.height,
    statusHeight: ctx.height,
    rejectReason: '',
    history: EMPTY_HISTORY,
  });
  overlay.set(meterKey(meterAddress), encodeAddress(ctx.sender));
  return VALID;
}

function approve(overlay: StateOverlay, admin: Address, p: ApprovePayload, ctx: TxContext): ValidationResult {
  if (ctx.sender !== admin) return notAdmin('approve');
  const record = readParticipantRecord(overlay, p.participant);
  if (record === undefined) {
    return invalid('PARTICIPANT_UNKNOWN', `approve payload.participant ${p.participant} is not registered`);
  }
  if (record.status !== 'pending') {
    return invalid(
      'PARTICIPANT_NOT_PENDING',
      `approve payload.participant ${p.participant} is ${record.status}; only a pending registration is approved`,
    );
  }
  writeParticipant(overlay, p.participant, { ...record, status: 'approved', statusHeight: ctx.height });
  return VALID;
}

function reject(overlay: StateOverlay, admin: Address, p: RejectPayload, ctx: TxContext): ValidationResult {
  if (ctx.sender !== admin) return notAdmin('reject');
  const record = readParticipantRecord(overlay, p.participant);
  if (record === undefined) {
    return invalid('PARTICIPANT_UNKNOWN', `reject payload.participant ${p.participant} is not registered`);
  }
  if (record.status === 'rejected') {
    return invalid('PARTICIPANT_NOT_PENDING', `reject payload.participant ${p.participant} is already rejected`);
  }
  // An approved participant can be excluded later; its orders already placed still clear (they hold escrow).
  writeParticipant(overlay, p.participant, {
    ...record,
    status: 'rejected',
    statusHeight: ctx.height,
    rejectReason: p.reason,
  });
  return VALID;
}

// ── schedule (seed 004 §IV: the administrator runs the market) ────────────────────────────────────────────────

function market(overlay: StateOverlay, admin: Address, p: MarketPayload, ctx: TxContext): ValidationResult {
  if (ctx.sender !== admin) return notAdmin('market');
  const current = readConfig(overlay);
  const nextSlot = readNextSlot(overlay);
  if (p.action === 'close') {
    if (current === undefined || !current.open)
      return invalid('MARKET_NOT_OPEN', 'market close: the market is not open');
    // Every slot that holds orders (escrow) or still takes them keeps its clearing: closing never strands coins.
    const topOrderSlot = Number(readU64Key(overlay, TOP_ORDER_SLOT_KEY));
    const lastSlot = Math.max(nextGateSlot(current, ctx.timestampMs), topOrderSlot, nextSlot - 1, current.firstSlot);
    writeConfig(overlay, { ...current, open: false, lastSlot });
    return VALID;
  }
  if (current?.open === true) return invalid('MARKET_ALREADY_OPEN', 'market open: the market is already open');
  if (current !== undefined && current.lastSlot !== null && nextSlot <= current.lastSlot) {
    return invalid(
      'MARKET_STILL_CLEARING',
      `market open: slots up to ${current.lastSlot} of the closed schedule have not all cleared (next: ${nextSlot})`,
    );
  }
  if (nextSlot > 0xffffffff) return invalid('MARKET_BAD_SCHEDULE', 'market open: slot numbers (u32) are exhausted');
  writeConfig(overlay, {
    open: true,
    firstSlot: nextSlot,
    lastSlot: null,
    startMs: p.startMs,
    slotDurationMs: p.slotDurationMs,
    gateClosureLeadMs: p.gateClosureLeadMs,
    maxSlotsAhead: p.maxSlotsAhead,
    mechanism: p.mechanism,
    paramsJson: p.paramsJson,
    gridAccount: p.gridAccount,
    gridPrices: p.gridPrices.map((price) => ({
      importMicroPerKwh: price.importMicroPerKwh,
      exportMicroPerKwh: price.exportMicroPerKwh,
    })),
    shortfallPenaltyMicroPerKwh: p.shortfallPenaltyMicroPerKwh,
  });
  writeNextSlot(overlay, nextSlot);
  return VALID;
}

// ── orders (seed 000 §5 guideline 3) ──────────────────────────────────────────────────────────────────────────

/** The order rules every order shares: the schedule has the slot and its gate is still open. */
function checkSlotOpenForOrders(
  config: MarketConfig | undefined,
  kind: string,
  slot: number,
  ctx: TxContext,
): ValidationResult {
  if (config === undefined || !inSchedule(config, slot)) {
    return invalid('MARKET_CLOSED', `${kind} payload.slot ${slot} is not in the market's schedule`);
  }
  if (gateClosureMs(config, slot) <= ctx.timestampMs) {
    return invalid('MARKET_GATE_CLOSED', `${kind} payload.slot ${slot}: its gate closed before this block`);
  }
  return VALID;
}

function placeOrder(overlay: StateOverlay, side: OrderSideName, p: OrderPayload, ctx: TxContext): ValidationResult {
  const participant = readParticipantRecord(overlay, ctx.sender);
  // Seed 000 §5 guideline 2: only households the administrator approved may trade.
  if (participant?.status !== 'approved') {
    return invalid('PARTICIPANT_NOT_APPROVED', `${side}: sender ${ctx.sender} is not an approved participant`);
  }
  const config = readConfig(overlay);
  const open = checkSlotOpenForOrders(config, side, p.slot, ctx);
  if (!open.ok || config === undefined) return open;
  const furthest = nextGateSlot(config, ctx.timestampMs) + config.maxSlotsAhead;
  if (p.slot > furthest) {
    return invalid(
      'MARKET_SLOT_TOO_FAR',
      `${side} payload.slot ${p.slot} is beyond the furthest open slot ${furthest}`,
    );
  }
  let lockedMicro = 0n;
  if (side === 'bid') {
    // A bid's unmatched energy is bought from the grid at λb (K8 fallback) and its matched energy costs at most its
    // limit, so cost(energy, max(limit, λb)) covers what clearing can charge it (up to rounding, taken at clearing).
    const importPrice = gridPriceOf(config, p.slot).importMicroPerKwh;
    const limit = p.limitPriceMicroPerKwh ?? importPrice;
    lockedMicro = costMicro(p.energyWh, maxMicro(limit, importPrice));
    const balance = balanceOf(overlay, ctx.sender);
    if (balance < lockedMicro) {
      return invalid(
        'MARKET_INSUFFICIENT_BALANCE',
        `bid: balance ${balance} µcoin is below the ${lockedMicro} µcoin escrow of energyWh ${p.energyWh}`,
      );
    }
    lockInEscrow(overlay, ctx.sender, lockedMicro);
  }
  const slotRecord = readSlotRecord(overlay, p.slot) ?? { orderCount: 0, status: 'open' as const, clearing: null };
  const index = slotRecord.orderCount;
  const sequence = Number(readU64Key(overlay, SEQUENCE_KEY));
  writeU64Key(overlay, SEQUENCE_KEY, BigInt(sequence + 1));
  overlay.set(
    orderKey(p.slot, index),
    encodeOrder({
      txHash: ctx.txHash,
      participant: ctx.sender,
      side,
      energyWh: p.energyWh,
      limitPriceMicroPerKwh: p.limitPriceMicroPerKwh ?? null,
      lockedMicro,
      sequence,
      status: 'open',
    }),
  );
  overlay.set(orderIdKey(toHex(ctx.txHash)), encodeOrderLocation({ slot: p.slot, index }));
  writeSlot(overlay, p.slot, { ...slotRecord, orderCount: index + 1 });
  if (BigInt(p.slot) > readU64Key(overlay, TOP_ORDER_SLOT_KEY))
    writeU64Key(overlay, TOP_ORDER_SLOT_KEY, BigInt(p.slot));
  return VALID;
}

function cancel(overlay: StateOverlay, p: CancelPayload, ctx: TxContext): ValidationResult {
  const hex = toHex(p.orderTxHash);
  const locationBytes = overlay.get(orderIdKey(hex));
  if (locationBytes === undefined) return invalid('ORDER_UNKNOWN', `cancel payload.orderTxHash ${hex} is no order`);
  const { slot, index } = decodeOrderLocation(locationBytes);
  const key = orderKey(slot, index);
  const order = decodeOrder(overlay.get(key)!);
  if (order.participant !== ctx.sender) {
    return invalid('ORDER_NOT_YOURS', `cancel payload.orderTxHash ${hex} is an order of another participant`);
  }
  if (order.status !== 'open') {
    return invalid('ORDER_NOT_OPEN', `cancel payload.orderTxHash ${hex} is already ${order.status}`);
  }
  const config = readConfig(overlay);
  if (config === undefined || gateClosureMs(config, slot) <= ctx.timestampMs) {
    return invalid('MARKET_GATE_CLOSED', `cancel payload.orderTxHash ${hex}: the gate of slot ${slot} has closed`);
  }
  releaseEscrow(overlay, ctx.sender, order.lockedMicro);
  overlay.set(key, encodeOrder({ ...order, status: 'cancelled' }));
  return VALID;
}

// ── fulfilment (seed 001 §4.8, MISSION K10) ───────────────────────────────────────────────────────────────────

function meter(overlay: StateOverlay, p: MeterPayload, ctx: TxContext): ValidationResult {
  const ownerBytes = overlay.get(meterKey(ctx.sender));
  if (ownerBytes === undefined) return invalid('METER_UNKNOWN', `meter: sender ${ctx.sender} is no registered meter`);
  if (decodeAddress(ownerBytes) !== p.participant) {
    return invalid(
      'METER_NOT_PARTICIPANTS',
      `meter payload.participant ${p.participant} is not this meter's household`,
    );
  }
  const slotRecord = readSlotRecord(overlay, p.slot);
  if (slotRecord?.status !== 'cleared' || slotRecord.clearing === null) {
    return invalid('SLOT_NOT_CLEARED', `meter payload.slot ${p.slot} has not been cleared yet`);
  }
  const settlement = readSettlementRecord(overlay, p.slot, p.participant) ?? EMPTY_SETTLEMENT;
  if (settlement.metered) {
    return invalid('METER_DUPLICATE', `meter payload.slot ${p.slot} already has a reading for ${p.participant}`);
  }
  // K10: energy sold to peers but not delivered was replaced by the grid at λb; the seller pays that plus the
  // schedule's penalty. The reading is never refused for want of money: what the balance lacks is recorded unpaid.
  const shortfallWh = Math.max(0, settlement.peerExportWh - p.deliveredWh);
  const shortfallCostMicro = costMicro(shortfallWh, slotRecord.clearing.gridImportPriceMicroPerKwh);
  const penaltyMicro = costMicro(shortfallWh, slotRecord.clearing.shortfallPenaltyMicroPerKwh);
  let balance = balanceOf(overlay, p.participant);
  const toGrid = minMicro(shortfallCostMicro, balance);
  balance -= toGrid;
  const toOperator = minMicro(penaltyMicro, balance);
  addToBalance(overlay, p.participant, -(toGrid + toOperator));
  addToGridPosition(overlay, toGrid);
  addToOperatorPosition(overlay, toOperator);
  const unpaidMicro = shortfallCostMicro - toGrid + (penaltyMicro - toOperator);
  writeSettlement(overlay, p.slot, p.participant, {
    ...settlement,
    unpaidMicro: settlement.unpaidMicro + unpaidMicro,
    metered: true,
    deliveredWh: p.deliveredWh,
    consumedWh: p.consumedWh,
    shortfallWh,
    shortfallCostMicro,
    penaltyMicro,
  });
  const record = readParticipantRecord(overlay, p.participant);
  if (record !== undefined) {
    const h = record.history;
    writeParticipant(overlay, p.participant, {
      ...record,
      history: {
        ...h,
        deliveredWh: h.deliveredWh + p.deliveredWh,
        consumedWh: h.consumedWh + p.consumedWh,
        shortfallWh: h.shortfallWh + shortfallWh,
        meteredSlots: h.meteredSlots + 1,
        shortfallSlots: h.shortfallSlots + (shortfallWh > 0 ? 1 : 0),
      },
    });
  }
  return VALID;
}

// ── ratings (MISSION K13) ─────────────────────────────────────────────────────────────────────────────────────

function rate(overlay: StateOverlay, p: RatePayload, ctx: TxContext): ValidationResult {
  if (p.counterparty === ctx.sender) return invalid('RATE_SELF', 'rate payload.counterparty must not be the sender');
  const slotRecord = readSlotRecord(overlay, p.slot);
  // Only a counterparty of a real trade can rate: ratings feed trust scores and must not be free to fabricate.
  let traded = false;
  const tradeCount = slotRecord?.clearing?.tradeCount ?? 0;
  for (let i = 0; i < tradeCount && !traded; i++) {
    const bytes = overlay.get(tradeKeyOf(p.slot, i));
    if (bytes === undefined) continue;
    const trade = decodeTrade(bytes);
    traded =
      (trade.seller === ctx.sender && trade.buyer === p.counterparty) ||
      (trade.buyer === ctx.sender && trade.seller === p.counterparty);
  }
  if (!traded) {
    return invalid('RATE_NO_TRADE', `rate payload.counterparty did not trade with the sender in slot ${p.slot}`);
  }
  const key = ratingKey(p.slot, ctx.sender, p.counterparty);
  if (overlay.get(key) !== undefined) {
    return invalid('RATE_DUPLICATE', `rate: the sender already rated this counterparty for slot ${p.slot}`);
  }
  overlay.set(key, encodeRating(p.stars));
  const record = readParticipantRecord(overlay, p.counterparty);
  if (record !== undefined) {
    writeParticipant(overlay, p.counterparty, {
      ...record,
      history: {
        ...record.history,
        ratingSum: record.history.ratingSum + p.stars,
        ratingCount: record.history.ratingCount + 1,
      },
    });
  }
  return VALID;
}
