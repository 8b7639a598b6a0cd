/**
 * The market inside the chain (DESIGN.md §2; issue "the market on the ledger"): a chain running the real market
 * contract accepts honestly cleared blocks, and rejects with BLOCK_BAD_STATE_ROOT a block whose miner ran a
 * dishonest contract — a forged trade, an altered price, a skipped clearing. The mempool refuses market
 * transactions that break the contract's rules at admission, with the rule's code.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Chain } from '../../../src/chain/chain.js';
import { devKeyPair } from '../../../src/chain/devAccounts.js';
import { createMarketContract, listTrades, readSlot } from '../../../src/contract/index.js';
import type { KeyPair } from '../../../src/crypto/index.js';
import type { StateContract } from '../../../src/ledger/contract.js';
import { createMarketTx, type MarketPayloads, type MarketTxKind, type Transaction } from '../../../src/ledger/tx.js';
import { seededRandom } from '../../../src/units/random.js';
import {
  alice,
  BlockForge,
  bob,
  carol,
  dave,
  type ForgedBlock,
  GENESIS_MS,
  hashOf,
  openTestChain,
  testConsensus,
} from '../../helpers/chainFixtures.js';
import { alteredPriceContract, forgedTradeContract, skippedClearingContract } from '../../helpers/forgery.js';
import { MARKET_START_MS, TEST_MARKET_OPEN } from '../../helpers/marketSchedule.js';

const admin = devKeyPair('Admin');
const aliceMeter = devKeyPair('alice meter');
const bobMeter = devKeyPair('bob meter');
/** Slot 0 starts 100 s after genesis; its gate closes 10 s before; forged blocks are 10 s apart. */
const START_MS = MARKET_START_MS;
const OPEN = TEST_MARKET_OPEN;

const nonces = new Map<string, number>();
/** Alice's offer of slot 0, kept to be replayed. */
let aliceOffer: Transaction | undefined;
function tx<K extends MarketTxKind>(kind: K, payload: MarketPayloads[K], signer: KeyPair): Transaction {
  const nonce = nonces.get(signer.address) ?? 0;
  nonces.set(signer.address, nonce + 1);
  return createMarketTx(kind, payload, { chainId: 1337, nonce, timestampMs: GENESIS_MS }, signer);
}

/**
 * Registration, approval, the market, and one slot's orders, in blocks at +10 s, +20 s, +30 s; the returned
 * parent is the last block before slot 0's gate closes (+90 s).
 */
async function marketHistory(chain: Chain, forge: BlockForge): Promise<ForgedBlock> {
  nonces.clear();
  const blocks: ForgedBlock[] = [];
  let parent = forge.genesis.hash;
  const add = async (txs: Transaction[]) => {
    const forged = await forge.extend(parent, { txs });
    const result = await chain.importBlock(forged.block);
    assert.equal(result.status, 'head', `${result.failure?.code}: ${result.failure?.reason}`);
    blocks.push(forged);
    parent = forged.hash;
  };
  await add([
    tx(
      'register',
      { role: 'prosumer', meterPublicKey: aliceMeter.publicKey, pvW: 5000, batteryWh: 0, location: 'f1' },
      alice,
    ),
    tx('register', { role: 'consumer', meterPublicKey: bobMeter.publicKey, pvW: 0, batteryWh: 0, location: 'f1' }, bob),
  ]);
  await add([
    tx('approve', { participant: alice.address }, admin),
    tx('approve', { participant: bob.address }, admin),
    tx('market', OPEN, admin),
  ]);
  aliceOffer = tx('offer', { slot: 0, energyWh: 2000, limitPriceMicroPerKwh: 120_000n }, alice);
  await add([aliceOffer, tx('bid', { slot: 0, energyWh: 1500, limitPriceMicroPerKwh: 250_000n }, bob)]);
  return blocks.at(-1)!;
}

const FORGERIES: Array<{ what: string; contract: () => StateContract }> = [
  { what: 'an altered price', contract: () => alteredPriceContract() },
  { what: 'a forged trade', contract: () => forgedTradeContract(carol.address) },
  { what: 'a skipped clearing', contract: () => skippedClearingContract() },
];

describe('the market inside the chain', () => {
  it('clears slot 0 in the first block past its gate closure, the same on every replay', async () => {
    const { chain, forge } = await openTestChain({ contract: createMarketContract() });
    const parent = await marketHistory(chain, forge);
    assert.equal(readSlot(chain.state, 0)?.status, 'open');
    const clearing = await forge.extend(parent.hash, { timestampMs: START_MS - 5_000 });
    const result = await chain.importBlock(clearing.block);
    assert.equal(result.status, 'head', `${result.failure?.code}: ${result.failure?.reason}`);
    const slot = readSlot(chain.state, 0);
    assert.equal(slot?.status, 'cleared');
    const trades = listTrades(chain.state, { slot: 0 });
    assert.equal(trades.length, 1);
    assert.equal(trades[0]!.seller, alice.address);
    assert.equal(trades[0]!.buyer, bob.address);
    assert.equal(trades[0]!.energyWh, 1500);
    // A second chain fed the same blocks reaches the same state root.
    const other = await openTestChain({ contract: createMarketContract() });
    for (const block of await chain.getCanonicalBlocks()) {
      if (block.header.height > 0) assert.equal((await other.chain.importBlock(block)).status, 'head');
    }
    assert.deepEqual(other.chain.state.root(), chain.state.root());
  });

  for (const forgery of FORGERIES) {
    it(`rejects a block carrying ${forgery.what} with BLOCK_BAD_STATE_ROOT`, async () => {
      const { chain, forge, config, clock } = await openTestChain({ contract: createMarketContract() });
      const parent = await marketHistory(chain, forge);
      const liar = new BlockForge(config, testConsensus(config), clock, forgery.contract());
      for (const block of await chain.getCanonicalBlocks()) {
        if (block.header.height > 0) liar.adopt(block, forge.get(hashOf(block)).state);
      }
      const forged = await liar.extend(parent.hash, { timestampMs: START_MS - 5_000 });
      const result = await chain.importBlock(forged.block);
      assert.equal(result.status, 'invalid');
      assert.equal(result.failure?.code, 'BLOCK_BAD_STATE_ROOT');
      assert.equal(readSlot(chain.state, 0)?.status, 'open');
    });
  }
});

describe('the mempool runs the market rules at admission', () => {
  it('refuses, with the rule, an approval by a non-administrator, an unapproved order, a bid beyond the balance and a replay', async () => {
    const { chain, forge } = await openTestChain({ contract: createMarketContract() });
    await marketHistory(chain, forge);
    const refused = (t: Transaction) => {
      const result = chain.addTransaction(t);
      assert.equal(result.ok, false);
      return result.ok ? '' : result.code;
    };
    nonces.set(dave.address, 0);
    // dave is not the administrator.
    assert.equal(refused(tx('approve', { participant: alice.address }, dave)), 'NOT_ADMIN');
    nonces.set(dave.address, 0);
    // dave never registered, so he may not trade.
    assert.equal(refused(tx('bid', { slot: 0, energyWh: 100 }, dave)), 'PARTICIPANT_NOT_APPROVED');
    // bob holds 50 coins: 1 GWh at 0.25 coin/kWh is 250,000 coins.
    assert.equal(
      refused(tx('bid', { slot: 0, energyWh: 1_000_000_000, limitPriceMicroPerKwh: 250_000n }, bob)),
      'MARKET_INSUFFICIENT_BALANCE',
    );
    // The same signed offer again: its nonce is spent.
    assert.equal(refused(aliceOffer!), 'TX_NONCE_TOO_LOW');
    assert.equal(chain.mempool.size, 0);
  });
});

describe('money over a whole day of slots', () => {
  for (const mechanism of ['uniform-auction', 'sdr', 'continuous-auction']) {
    it(`${mechanism}: Σ balances + escrow + grid and operator positions = supply after every block of 24 slots`, async () => {
      const contract = createMarketContract();
      const { chain, forge } = await openTestChain({ contract });
      nonces.clear();
      const households = [alice, bob, dave];
      const meters = households.map((_, i) => devKeyPair(`day meter ${i}`));
      const random = seededRandom(0x64617920);
      const startMs = GENESIS_MS + 60_000;
      const slotMs = 20_000;
      let parent = forge.genesis.hash;
      let timestampMs = GENESIS_MS + 10_000;
      const conserved = () => {
        const state = chain.state;
        const balances = state.accounts().reduce((sum, { account }) => sum + account.balanceMicro, 0n);
        assert.equal(balances + contract.heldMicro(state), state.supplyMicro(), `at height ${chain.height}`);
      };
      const add = async (txs: Transaction[]) => {
        const forged = await forge.extend(parent, { txs, timestampMs });
        const result = await chain.importBlock(forged.block);
        assert.equal(result.status, 'head', `${result.failure?.code}: ${result.failure?.reason}`);
        parent = forged.hash;
        timestampMs += slotMs / 2;
        conserved();
      };
      await add(
        households.map((h, i) =>
          tx(
            'register',
            { role: 'prosumer', meterPublicKey: meters[i]!.publicKey, pvW: 3000, batteryWh: 0, location: '' },
            h,
          ),
        ),
      );
      await add([
        ...households.map((h) => tx('approve', { participant: h.address }, admin)),
        tx(
          'market',
          { ...OPEN, startMs, slotDurationMs: slotMs, gateClosureLeadMs: 5_000, mechanism, paramsJson: '{}' },
          admin,
        ),
      ]);
      // Two blocks per slot: orders for the coming slots, and meter readings for the slot cleared last.
      for (let slot = 0; slot < 24; slot++) {
        const orders = households.map((h) =>
          tx(
            random() < 0.5 ? 'offer' : 'bid',
            {
              slot: slot + 1,
              energyWh: 100 + Math.floor(random() * 3000),
              limitPriceMicroPerKwh: BigInt(100_000 + Math.floor(random() * 200_000)),
            },
            h,
          ),
        );
        await add(orders);
        const cleared = readSlot(chain.state, slot);
        const readings =
          cleared?.status === 'cleared'
            ? cleared.settlements.map((s) => {
                const i = households.findIndex((h) => h.address === s.participant);
                return tx(
                  'meter',
                  {
                    participant: s.participant,
                    slot,
                    deliveredWh: Math.floor(s.peerExportWh * random()),
                    consumedWh: s.importWh,
                  },
                  meters[i]!,
                );
              })
            : [];
        await add(readings);
      }
      // Pools (SDR) settle peer energy without bilateral trades: count the energy exchanged between peers.
      let peerWh = 0;
      for (let slot = 0; slot < 24; slot++) peerWh += readSlot(chain.state, slot)?.result?.peerEnergyWh ?? 0;
      assert.ok(peerWh > 0, 'households exchanged energy during the day');
      assert.equal(readSlot(chain.state, 20)?.status, 'cleared');
    });
  }
});
