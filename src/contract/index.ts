/**
 * @module contract
 * The market contract: GridPeer's market as a deterministic state machine every node executes (DESIGN.md §2).
 * It plugs into the ledger through the {@link StateContract} seam (`ledger/contract.ts`) and uses the market's
 * pure clearing functions, so the ledger and the chain never import the market; `node/` and the simulator wire
 * it in with {@link createMarketContract}.
 *
 * Files: `keys` (the state schema), `records` (canonical bytes of every record), `check` (context-free payload
 * rules), `apply` (transaction rules), `clearing` (gate closure and settlement), `read` (queries for the API).
 */
import type { StateContract } from '../ledger/contract.js';
import { heldMicroOf } from './access.js';
import { applyMarketTx } from './apply.js';
import { checkMarketTx } from './check.js';
import { beginMarketBlock } from './clearing.js';

export { MAX_SLOTS_CLEARED_PER_BLOCK } from './clearing.js';
export * from './keys.js';
export {
  type Jsonified,
  listParticipants,
  listTrades,
  type MarketConfigView,
  marketConfigToJSON,
  marketHeldMicro,
  nextClearingDueMs,
  type OrderView,
  orderToJSON,
  type ParticipantView,
  participantToJSON,
  readAdmin,
  readMarketConfig,
  readOrder,
  readParticipant,
  readSlot,
  readTrade,
  type SettlementView,
  type SlotView,
  settlementToJSON,
  slotToJSON,
  sumEscrowMicro,
  type TradeQuery,
  type TradeView,
  tradeKey,
  tradeToJSON,
} from './read.js';
export type {
  MarketConfig,
  OrderRecord,
  OrderStatus,
  ParticipantHistory,
  ParticipantRecord,
  ParticipantStatus,
  SettlementRecord,
  SlotClearing,
  SlotRecord,
  SlotStatus,
  TradeRecord,
} from './records.js';
export { gateClosureMs, gridPriceOf, nextGateSlot, slotStartMs } from './schedule.js';

/** The market contract the ledger runs for every market transaction and at the start of every block. */
export function createMarketContract(): StateContract {
  return {
    checkTx: checkMarketTx,
    applyTx: applyMarketTx,
    beginBlock: beginMarketBlock,
    heldMicro: heldMicroOf,
  };
}
