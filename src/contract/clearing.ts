/**
 * @module contract/clearing
 * Gate closure (`StateContract.beginBlock`): every slot whose gate closed at or before the block's timestamp is
 * cleared with the schedule's mechanism and settled from escrow (seed 000 §5 guidelines 3 and 4: matching, then
 * payment in the native coin). Every node runs this on the same on-chain orders, so a miner cannot invent a trade
 * or skip a clearing without changing the state root (DESIGN.md §2).
 *
 * Money: each participant's escrow for the slot is released and its net payment taken; the grid position gets
 * import cost − export revenue and the operator position the mechanism's residual. The mechanisms' budget
 * identity (Σ net = grid import cost − grid export revenue + operator) makes the moves add up to zero exactly.
 */
import { type Address, fromHex, toHex } from '../crypto/index.js';
import { GridPeerError } from '../errors/index.js';
import { VALID, type ValidationResult } from '../errors/result.js';
import type { BlockContext } from '../ledger/contract.js';
import type { StateOverlay, StateReader } from '../ledger/state.js';
import { getMechanism } from '../market/registry.js';
import type { ClearingResult, Order, SlotInput } from '../market/types.js';
import {
  addToBalance,
  addToGridPosition,
  addToOperatorPosition,
  balanceOf,
  changeEscrow,
  minMicro,
  readConfig,
  readNextSlot,
  readParticipantRecord,
  readSlotRecord,
  writeNextSlot,
  writeParticipant,
  writeSettlement,
  writeSlot,
} from './access.js';
import { parseParamsJson } from './check.js';
import { orderKey, tradeKeyOf } from './keys.js';
import {
  decodeOrder,
  EMPTY_SETTLEMENT,
  encodeOrder,
  encodeTrade,
  type MarketConfig,
  type OrderRecord,
  type SlotClearing,
} from './records.js';
import { gateClosureMs, gridPriceOf, slotStartMs } from './schedule.js';

/** Bounds one block's work when a schedule starts far in the past; the rest clears in the next blocks. */
export const MAX_SLOTS_CLEARED_PER_BLOCK = 10_000;
/** Room a fallback reason takes in the slot record (a str8 field). */
const MAX_FALLBACK_REASON_BYTES = 200;

export function beginMarketBlock(overlay: StateOverlay, ctx: BlockContext): ValidationResult {
  const config = readConfig(overlay);
  if (config === undefined) return VALID;
  const first = readNextSlot(overlay);
  let slot = first;
  while (slot - first < MAX_SLOTS_CLEARED_PER_BLOCK) {
    if (config.lastSlot !== null && slot > config.lastSlot) break;
    if (gateClosureMs(config, slot) > ctx.timestampMs) break;
    clearSlot(overlay, config, slot, ctx);
    slot++;
  }
  if (slot !== first) writeNextSlot(overlay, slot);
  return VALID;
}

/** Cuts UTF-8 text to at most `maxBytes` bytes without splitting a character. */
function truncateUtf8(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return text;
  let end = maxBytes;
  // Back up over continuation bytes (10xxxxxx) so the cut falls on a character boundary.
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString('utf8');
}

/**
 * Runs the schedule's mechanism; when it refuses the slot (parameters that only fail with orders), the slot is
 * settled with the grid alone (K8) and the reason recorded. Only a coded error's text is recorded: an engine's
 * own message could differ between Node versions, and the record is hashed into the state root.
 */
function runMechanism(config: MarketConfig, input: SlotInput): { result: ClearingResult; fallbackReason: string } {
  const params = parseParamsJson(config.paramsJson);
  try {
    if (!params.ok) throw new GridPeerError('INVALID_CONFIG', params.reason);
    return { result: getMechanism(config.mechanism).clear(input, params.params), fallbackReason: '' };
  } catch (error) {
    const reason =
      error instanceof GridPeerError ? `${error.code}: ${error.message}` : `${config.mechanism} failed (uncoded error)`;
    return {
      result: getMechanism('grid-only').clear(input),
      fallbackReason: truncateUtf8(reason, MAX_FALLBACK_REASON_BYTES),
    };
  }
}

/**
 * On-chain orders as the market functions take them: id (the order transaction's hash), participant, side, Wh,
 * limit, sequence, and the participant's registered location (for network-distance and feeder rules).
 */
export function ordersForMarket(reader: StateReader, records: readonly OrderRecord[]): Order[] {
  const locations = new Map<Address, string>();
  return records.map((order) => {
    let location = locations.get(order.participant);
    if (location === undefined) {
      location = readParticipantRecord(reader, order.participant)?.location ?? '';
      locations.set(order.participant, location);
    }
    return {
      id: toHex(order.txHash),
      participant: order.participant,
      side: order.side,
      energyWh: order.energyWh,
      ...(order.limitPriceMicroPerKwh === null ? {} : { limitPriceMicroPerKwh: order.limitPriceMicroPerKwh }),
      sequence: order.sequence,
      ...(location === '' ? {} : { location }),
    };
  });
}

function clearSlot(overlay: StateOverlay, config: MarketConfig, slot: number, ctx: BlockContext): void {
  const record = readSlotRecord(overlay, slot) ?? { orderCount: 0, status: 'open' as const, clearing: null };
  if (record.status === 'cleared') {
    throw new GridPeerError('STORE_CORRUPT', `slot ${slot} is cleared but mkt/nextSlot still points at it`, { slot });
  }
  const price = gridPriceOf(config, slot);
  const open: Array<{ index: number; order: OrderRecord }> = [];
  for (let index = 0; index < record.orderCount; index++) {
    const bytes = overlay.get(orderKey(slot, index));
    if (bytes === undefined) continue;
    const order = decodeOrder(bytes);
    if (order.status === 'open') open.push({ index, order });
  }

  const summary = {
    clearedHeight: ctx.height,
    clearedAtMs: ctx.timestampMs,
    slotStartMs: slotStartMs(config, slot),
    slotDurationMs: config.slotDurationMs,
    gridImportPriceMicroPerKwh: price.importMicroPerKwh,
    gridExportPriceMicroPerKwh: price.exportMicroPerKwh,
    shortfallPenaltyMicroPerKwh: config.shortfallPenaltyMicroPerKwh,
  };
  if (open.length === 0) {
    // Nothing to match: a zero record says the slot is closed for good without running any mechanism.
    writeSlot(overlay, slot, { ...record, status: 'cleared', clearing: emptyClearing(config.mechanism, summary) });
    return;
  }

  // Orders in index order are in sequence order (the sequence is a global counter): time priority for auctions.
  const orders = ordersForMarket(
    overlay,
    open.map(({ order }) => order),
  );
  const input: SlotInput = {
    slotStartMs: summary.slotStartMs,
    slotDurationMs: config.slotDurationMs,
    orders,
    gridImportPriceMicroPerKwh: price.importMicroPerKwh,
    gridExportPriceMicroPerKwh: price.exportMicroPerKwh,
  };
  const { result, fallbackReason } = runMechanism(config, input);

  let tradedWh = 0;
  result.trades.forEach((trade, index) => {
    tradedWh += trade.energyWh;
    overlay.set(
      tradeKeyOf(slot, index),
      encodeTrade({
        slot,
        index,
        seller: trade.sellerId,
        buyer: trade.buyerId,
        offerTxHash: fromHex(trade.offerId, 'offerId', 32),
        bidTxHash: fromHex(trade.bidId, 'bidId', 32),
        energyWh: trade.energyWh,
        priceMicroPerKwh: trade.priceMicroPerKwh,
        amountMicro: trade.amountMicro,
        sellerAmountMicro: trade.sellerAmountMicro,
        settledHeight: ctx.height,
      }),
    );
  });

  const locks = new Map<Address, bigint>();
  for (const { order } of open) locks.set(order.participant, (locks.get(order.participant) ?? 0n) + order.lockedMicro);

  let unpaidTotal = 0n;
  let peerEnergyWh = 0;
  const settled = new Set<Address>();
  for (const s of result.settlements) {
    const address = s.participant;
    settled.add(address);
    const lock = locks.get(address) ?? 0n;
    let unpaidMicro = 0n;
    // Guideline 4: the escrow pays first; a payment below it (or a receipt) returns the difference.
    if (s.netPaymentMicro <= lock) {
      addToBalance(overlay, address, lock - s.netPaymentMicro);
    } else {
      // Rounding or a pool's prices can ask a little more than the lock: taken from the balance, and what the
      // balance lacks is borne by the grid position (recorded unpaid) rather than blocking the clearing.
      const excess = s.netPaymentMicro - lock;
      const balance = balanceOf(overlay, address);
      const taken = minMicro(excess, balance);
      addToBalance(overlay, address, -taken);
      unpaidMicro = excess - taken;
      unpaidTotal += unpaidMicro;
    }
    changeEscrow(overlay, address, -lock);
    peerEnergyWh += s.peerImportWh;
    writeSettlement(overlay, slot, address, {
      ...EMPTY_SETTLEMENT,
      importWh: s.importWh,
      exportWh: s.exportWh,
      peerImportWh: s.peerImportWh,
      peerExportWh: s.peerExportWh,
      netPaymentMicro: s.netPaymentMicro,
      gridOnlyPaymentMicro: s.gridOnlyPaymentMicro,
      lockedMicro: lock,
      unpaidMicro,
    });
    // Seed 001 §4.8: the commitment is recorded at clearing; the meter reading later shows its fulfilment.
    if (s.peerExportWh > 0 || s.peerImportWh > 0) {
      const participant = readParticipantRecord(overlay, address);
      if (participant !== undefined) {
        const h = participant.history;
        writeParticipant(overlay, address, {
          ...participant,
          history: {
            ...h,
            committedExportWh: h.committedExportWh + s.peerExportWh,
            committedImportWh: h.committedImportWh + s.peerImportWh,
          },
        });
      }
    }
  }
  // Every mechanism settles every participant with an order; a lock without a settlement would be a bug, but the
  // coins still go back rather than stay held forever.
  for (const [address, lock] of locks) {
    if (settled.has(address)) continue;
    changeEscrow(overlay, address, -lock);
    addToBalance(overlay, address, lock);
  }
  addToGridPosition(overlay, result.gridImportCostMicro - result.gridExportRevenueMicro - unpaidTotal);
  addToOperatorPosition(overlay, result.operatorMicro);

  for (const { index, order } of open) overlay.set(orderKey(slot, index), encodeOrder({ ...order, status: 'cleared' }));
  const clearing: SlotClearing = {
    ...summary,
    mechanism: result.mechanism,
    fallbackReason,
    clearingPriceMicroPerKwh: result.prices.clearingPriceMicroPerKwh ?? null,
    buyPriceMicroPerKwh: result.prices.buyPriceMicroPerKwh ?? null,
    sellPriceMicroPerKwh: result.prices.sellPriceMicroPerKwh ?? null,
    tradeCount: result.trades.length,
    participantCount: result.settlements.length,
    tradedWh,
    peerEnergyWh,
    gridImportWh: result.gridImportWh,
    gridExportWh: result.gridExportWh,
    curtailedWh: result.curtailedWh,
    gridImportCostMicro: result.gridImportCostMicro,
    gridExportRevenueMicro: result.gridExportRevenueMicro,
    operatorMicro: result.operatorMicro,
    unpaidMicro: unpaidTotal,
  };
  writeSlot(overlay, slot, { ...record, status: 'cleared', clearing });
}

function emptyClearing(
  mechanism: string,
  summary: Pick<
    SlotClearing,
    | 'clearedHeight'
    | 'clearedAtMs'
    | 'slotStartMs'
    | 'slotDurationMs'
    | 'gridImportPriceMicroPerKwh'
    | 'gridExportPriceMicroPerKwh'
    | 'shortfallPenaltyMicroPerKwh'
  >,
): SlotClearing {
  return {
    ...summary,
    mechanism,
    fallbackReason: '',
    clearingPriceMicroPerKwh: null,
    buyPriceMicroPerKwh: null,
    sellPriceMicroPerKwh: null,
    tradeCount: 0,
    participantCount: 0,
    tradedWh: 0,
    peerEnergyWh: 0,
    gridImportWh: 0,
    gridExportWh: 0,
    curtailedWh: 0,
    gridImportCostMicro: 0n,
    gridExportRevenueMicro: 0n,
    operatorMicro: 0n,
    unpaidMicro: 0n,
  };
}
