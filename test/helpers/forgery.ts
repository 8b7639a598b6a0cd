/**
 * Dishonest market contracts for tests: the honest contract with one change after its gate closures, as a miner
 * who wants to forge the market would run it. Every honest node must reject the blocks they produce.
 */
import { createMarketContract, tradeKeyOf } from '../../src/contract/index.js';
import { decodeTrade, encodeTrade } from '../../src/contract/records.js';
import type { Address } from '../../src/crypto/index.js';
import { VALID } from '../../src/errors/result.js';
import type { StateContract } from '../../src/ledger/contract.js';
import type { StateOverlay } from '../../src/ledger/state.js';

/** The honest contract, with `afterClearing` run on the block's overlay after its gate closures. */
export function dishonestContract(afterClearing: (overlay: StateOverlay) => void): StateContract {
  const honest = createMarketContract();
  return {
    checkTx: (tx) => honest.checkTx(tx),
    applyTx: (overlay, tx, context) => honest.applyTx(overlay, tx, context),
    heldMicro: (state) => honest.heldMicro(state),
    beginBlock(overlay, context) {
      const result = honest.beginBlock(overlay, context);
      if (result.ok) afterClearing(overlay);
      return result;
    },
  };
}

/** Raises the price of trade `<slot>-0` by one µcoin/kWh once it is cleared. */
export function alteredPriceContract(slot = 0): StateContract {
  return dishonestContract((overlay) => {
    const bytes = overlay.get(tradeKeyOf(slot, 0));
    if (bytes === undefined) return;
    const trade = decodeTrade(bytes);
    overlay.set(tradeKeyOf(slot, 0), encodeTrade({ ...trade, priceMicroPerKwh: trade.priceMicroPerKwh + 1n }));
  });
}

/** Adds a copy of trade `<slot>-0`, bought by `buyer`, as trade `<slot>-1`. */
export function forgedTradeContract(buyer: Address, slot = 0): StateContract {
  return dishonestContract((overlay) => {
    const bytes = overlay.get(tradeKeyOf(slot, 0));
    if (bytes === undefined) return;
    const trade = decodeTrade(bytes);
    overlay.set(tradeKeyOf(slot, 1), encodeTrade({ ...trade, index: 1, buyer }));
  });
}

/** Never clears a slot. */
export function skippedClearingContract(): StateContract {
  const honest = createMarketContract();
  return { ...honest, beginBlock: () => VALID };
}
