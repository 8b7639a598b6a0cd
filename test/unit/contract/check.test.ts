import { describe, it } from 'node:test';
import { createMarketContract } from '../../../src/contract/index.js';
import { MAX_GRID_PRICES } from '../../../src/ledger/marketTx.js';
import { assertRejects, assertValid } from '../../helpers/assertions.js';
import { consumer1, marketTx, meterOf, openPayload, prosumer1 } from './marketFixtures.js';

const contract = createMarketContract();

describe('market contract: context-free payload rules (checkTx)', () => {
  it('accepts well-formed payloads of every kind', () => {
    const sender = prosumer1;
    assertValid(
      contract.checkTx(
        marketTx('register', sender, {
          role: 'prosumer',
          meterPublicKey: meterOf(11).publicKey,
          pvW: 5000,
          batteryWh: 0,
          location: 'é'.repeat(32),
        }),
      ),
    );
    assertValid(contract.checkTx(marketTx('approve', sender, { participant: consumer1.address })));
    assertValid(contract.checkTx(marketTx('market', sender, openPayload())));
    assertValid(contract.checkTx(marketTx('market', sender, { action: 'close' })));
    assertValid(contract.checkTx(marketTx('offer', sender, { slot: 0, energyWh: 0xffffffff })));
    assertValid(
      contract.checkTx(marketTx('bid', sender, { slot: 3, energyWh: 1, limitPriceMicroPerKwh: 2n ** 64n - 1n })),
    );
    assertValid(contract.checkTx(marketTx('cancel', sender, { orderTxHash: new Uint8Array(32) })));
    assertValid(
      contract.checkTx(
        marketTx('meter', sender, { participant: consumer1.address, slot: 0, deliveredWh: 0, consumedWh: 0 }),
      ),
    );
    assertValid(contract.checkTx(marketTx('rate', sender, { counterparty: consumer1.address, slot: 0, stars: 5 })));
  });

  it('rejects out-of-range and malformed fields, naming them', () => {
    const sender = prosumer1;
    const register = {
      role: 'prosumer' as const,
      meterPublicKey: meterOf(11).publicKey,
      pvW: 0,
      batteryWh: 0,
      location: '',
    };
    assertRejects(
      contract.checkTx(marketTx('register', sender, { ...register, location: 'é'.repeat(33) })),
      'MARKET_BAD_PAYLOAD',
    );
    assertRejects(
      contract.checkTx(marketTx('register', sender, { ...register, role: 'miner' as unknown as 'prosumer' })),
      'MARKET_BAD_PAYLOAD',
    );
    assertRejects(
      contract.checkTx(marketTx('register', sender, { ...register, meterPublicKey: new Uint8Array(31) })),
      'MARKET_BAD_PAYLOAD',
    );
    assertRejects(
      contract.checkTx(marketTx('reject', sender, { participant: consumer1.address, reason: 'x'.repeat(201) })),
      'MARKET_BAD_PAYLOAD',
    );
    assertRejects(contract.checkTx(marketTx('approve', sender, { participant: 'gp00' })), 'MARKET_BAD_PAYLOAD');
    assertRejects(contract.checkTx(marketTx('offer', sender, { slot: 0, energyWh: 0 })), 'MARKET_BAD_PAYLOAD');
    assertRejects(contract.checkTx(marketTx('offer', sender, { slot: 0, energyWh: 2 ** 32 })), 'MARKET_BAD_PAYLOAD');
    assertRejects(contract.checkTx(marketTx('bid', sender, { slot: -1, energyWh: 5 })), 'MARKET_BAD_PAYLOAD');
    assertRejects(
      contract.checkTx(marketTx('bid', sender, { slot: 0, energyWh: 5, limitPriceMicroPerKwh: 2n ** 64n })),
      'MARKET_BAD_PAYLOAD',
    );
    assertRejects(
      contract.checkTx(marketTx('cancel', sender, { orderTxHash: new Uint8Array(20) })),
      'MARKET_BAD_PAYLOAD',
    );
    assertRejects(
      contract.checkTx(marketTx('rate', sender, { counterparty: consumer1.address, slot: 0, stars: 2.5 })),
      'RATE_BAD_STARS',
    );
    assertRejects(
      contract.checkTx(marketTx('market', sender, openPayload({ mechanism: 'x'.repeat(65) }))),
      'MARKET_BAD_PAYLOAD',
    );
    assertRejects(
      contract.checkTx(marketTx('market', sender, openPayload({ paramsJson: `{"a":"${'x'.repeat(1100)}"}` }))),
      'MARKET_BAD_PAYLOAD',
    );
    assertRejects(
      contract.checkTx(
        marketTx(
          'market',
          sender,
          openPayload({
            gridPrices: Array(MAX_GRID_PRICES + 1).fill({ importMicroPerKwh: 2n, exportMicroPerKwh: 1n }),
          }),
        ),
      ),
      'MARKET_BAD_GRID_PRICES',
    );
  });
});
