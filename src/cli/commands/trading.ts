/**
 * Commands that trade on a running network (MISSION K9, K10, K13; seed 000 §5 guidelines 1–4): households
 * register and the administrator approves them, the administrator opens and closes the market, households place
 * and cancel offers and bids, meters report, counterparties rate each other, and anyone fetches and checks a
 * trade's receipt. Every transaction is signed here with the user's key and sent to `--node`.
 */

import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { resolveDevAddress } from '../../chain/devAccounts.js';
import { verifyReceipt } from '../../contract/receipt.js';
import { fromHex, isAddress, PUBLIC_KEY_BYTES, toHex } from '../../crypto/index.js';
import { GridPeerError } from '../../errors/index.js';
import type { GridPrice, MarketOpenPayload } from '../../ledger/marketTx.js';
import { readKeyFile } from '../../node/keyFile.js';
import { parseCoinsToMicro } from '../../units/index.js';
import { DEFAULT_NODE_URL, devMeterKeyPair, NodeClient, signerOf } from '../client.js';
import { readJsonFile } from '../files.js';
import { EXIT_FAILED, parseIntFlag, print, runCommand } from '../output.js';

interface SignerOptions {
  node: string;
  key?: string;
  as?: string;
  wait: string;
}

/** `--node`, `--key` / `--as` and `--wait` on a command that signs. */
function signing(command: Command): Command {
  return command
    .option('--node <url>', 'node to send the transaction to', DEFAULT_NODE_URL)
    .option('--key <file>', 'key file of the signer (gridpeer keys new --out …)')
    .option('--as <name>', 'dev network only: sign as a named dev account (Admin, Prosumer1, Consumer1, …)')
    .option('--wait <seconds>', 'wait until the transaction is in a block (0 = do not wait)', '30');
}

/** Coins per kWh ("0.15") as µcoin per kWh. */
function pricePerKwh(text: string, flag: string): bigint {
  return parseCoinsToMicro(text, flag);
}

/** An address, or on a dev network the name of a dev account. */
function addressArg(value: string, field: string): string {
  return isAddress(value) ? value : resolveDevAddress(value, field);
}

async function send<K extends Parameters<NodeClient['submitMarketTx']>[0]>(
  options: SignerOptions,
  kind: K,
  payload: Parameters<NodeClient['submitMarketTx']>[1] & object,
): Promise<number> {
  const client = new NodeClient(options.node);
  const signer = signerOf(options);
  const waitMs = parseIntFlag(options.wait, '--wait', 0, 3600) * 1000;
  const result = await client.submitMarketTx(kind, payload as never, signer, waitMs);
  print(
    JSON.stringify(
      {
        kind,
        hash: result.hash,
        from: signer.address,
        ...(result.confirmedHeight === undefined
          ? { expectedHeight: result.expectedHeight }
          : { block: result.confirmedHeight }),
      },
      null,
      2,
    ),
  );
  return 0;
}

/** Reads the market schedule from flags or a JSON file (the JSON view of a `market` open payload). */
function marketOpenPayload(options: Record<string, string | undefined>): MarketOpenPayload {
  if (options['file'] !== undefined) {
    const json = readJsonFile(options['file'], 'market file') as Record<string, unknown>;
    const prices = json['gridPrices'];
    return {
      action: 'open',
      startMs: parseIntFlag(String(json['startMs']), 'startMs'),
      slotDurationMs: parseIntFlag(String(json['slotDurationMs']), 'slotDurationMs', 1000),
      gateClosureLeadMs: parseIntFlag(String(json['gateClosureLeadMs'] ?? 0), 'gateClosureLeadMs'),
      maxSlotsAhead: parseIntFlag(String(json['maxSlotsAhead'] ?? 96), 'maxSlotsAhead'),
      mechanism: String(json['mechanism']),
      paramsJson: JSON.stringify(json['params'] ?? {}),
      gridAccount: addressArg(String(json['gridAccount']), 'gridAccount'),
      gridPrices: Array.isArray(prices)
        ? prices.map((p: Record<string, unknown>, i: number) => ({
            importMicroPerKwh: BigInt(
              parseIntFlag(String(p['importMicroPerKwh']), `gridPrices[${i}].importMicroPerKwh`),
            ),
            exportMicroPerKwh: BigInt(
              parseIntFlag(String(p['exportMicroPerKwh']), `gridPrices[${i}].exportMicroPerKwh`),
            ),
          }))
        : [],
      shortfallPenaltyMicroPerKwh: BigInt(
        parseIntFlag(String(json['shortfallPenaltyMicroPerKwh'] ?? 0), 'shortfallPenaltyMicroPerKwh'),
      ),
    };
  }
  const slotMs = parseIntFlag(options['slotMinutes'] ?? '15', '--slot-minutes', 1) * 60_000;
  const startText = options['start'] ?? '+1';
  // "+N": N slot lengths from now, aligned to the slot length; otherwise ms since the epoch or an ISO time.
  let startMs: number;
  if (/^\+\d+$/.test(startText)) {
    startMs = (Math.floor(Date.now() / slotMs) + Number(startText.slice(1))) * slotMs;
  } else if (/^\d+$/.test(startText)) {
    startMs = Number(startText);
  } else {
    startMs = Date.parse(startText);
    if (!Number.isFinite(startMs)) {
      throw new GridPeerError(
        'INVALID_ARGUMENT',
        '--start must be +N (slots from now), ms since 1970, or an ISO time',
        {
          field: '--start',
          value: startText,
        },
      );
    }
  }
  const gridPrice: GridPrice = {
    importMicroPerKwh: pricePerKwh(options['importPrice'] ?? '0.30', '--import-price'),
    exportMicroPerKwh: pricePerKwh(options['exportPrice'] ?? '0.10', '--export-price'),
  };
  let params = '{}';
  if (options['params'] !== undefined) {
    try {
      params = JSON.stringify(JSON.parse(options['params']));
    } catch {
      throw new GridPeerError('INVALID_JSON', '--params must be a JSON object such as {"k":0.5}', {
        field: '--params',
      });
    }
  }
  return {
    action: 'open',
    startMs,
    slotDurationMs: slotMs,
    gateClosureLeadMs: parseIntFlag(options['gateSeconds'] ?? '60', '--gate-seconds') * 1000,
    maxSlotsAhead: parseIntFlag(options['maxSlotsAhead'] ?? '96', '--max-slots-ahead'),
    mechanism: options['mechanism'] ?? 'uniform-auction',
    paramsJson: params,
    gridAccount: addressArg(options['gridAccount'] ?? 'Grid', '--grid-account'),
    gridPrices: [gridPrice],
    shortfallPenaltyMicroPerKwh: pricePerKwh(options['penalty'] ?? '0.05', '--penalty'),
  };
}

export function registerTradingCommands(program: Command, market: Command): void {
  const participant = program
    .command('participant')
    .description('households on the network: register, approve or reject (administrator), list');
  signing(
    participant
      .command('register')
      .description('ask to join the market (seed 000 §5 guideline 1); the administrator approves')
      .requiredOption('--role <role>', 'prosumer or consumer')
      .option('--meter-key <file>', "key file of the household's smart meter (default with --as: the dev meter key)")
      .option('--pv-kw <kW>', 'rated PV power', '0')
      .option('--battery-kwh <kWh>', 'usable battery capacity', '0')
      .option('--location <feeder>', 'feeder / network node', ''),
  ).action((options: SignerOptions & Record<string, string>) =>
    runCommand(() => {
      const role = options['role'];
      if (role !== 'prosumer' && role !== 'consumer') {
        throw new GridPeerError('INVALID_ARGUMENT', '--role must be prosumer or consumer', { field: '--role' });
      }
      let meterPublicKey: Uint8Array;
      if (options['meterKey'] !== undefined) meterPublicKey = readKeyFile(options['meterKey']).publicKey;
      else if (options.as !== undefined) meterPublicKey = devMeterKeyPair(options.as).publicKey;
      else throw new GridPeerError('INVALID_ARGUMENT', 'give --meter-key <file>', { field: '--meter-key' });
      const kw = (text: string, flag: string) => Math.round(Number(parseCoinsToMicro(text, flag)) / 1000);
      return send(options, 'register', {
        role,
        meterPublicKey: fromHex(toHex(meterPublicKey), 'meterPublicKey', PUBLIC_KEY_BYTES),
        pvW: kw(options['pvKw'] ?? '0', '--pv-kw'),
        batteryWh: kw(options['batteryKwh'] ?? '0', '--battery-kwh'),
        location: options['location'] ?? '',
      });
    }),
  );
  signing(
    participant.command('approve <participant>').description('administrator: approve a registered household'),
  ).action((who: string, options: SignerOptions) =>
    runCommand(() => send(options, 'approve', { participant: addressArg(who, 'participant') })),
  );
  signing(
    participant
      .command('reject <participant>')
      .description('administrator: reject a household (or withdraw its approval)')
      .option('--reason <text>', 'why', ''),
  ).action((who: string, options: SignerOptions & { reason: string }) =>
    runCommand(() => send(options, 'reject', { participant: addressArg(who, 'participant'), reason: options.reason })),
  );
  participant
    .command('list')
    .description('every registered household with its status and delivery record')
    .option('--node <url>', 'node to ask', DEFAULT_NODE_URL)
    .action((options: { node: string }) =>
      runCommand(async () => {
        print(JSON.stringify(await new NodeClient(options.node).get('/v1/participants'), null, 2));
        return 0;
      }),
    );

  const order = program.command('order').description('offers (sell) and bids (buy) for a market slot');
  for (const side of ['offer', 'bid'] as const) {
    signing(
      order
        .command(side)
        .description(side === 'offer' ? 'sell energy in a slot' : 'buy energy in a slot (locks its maximum cost)')
        .requiredOption('--slot <n>', 'slot number (gridpeer market status)')
        .requiredOption('--wh <Wh>', 'energy, Wh')
        .option('--price <coins/kWh>', 'limit price (default: the grid price of your side)'),
    ).action((options: SignerOptions & { slot: string; wh: string; price?: string }) =>
      runCommand(() =>
        send(options, side, {
          slot: parseIntFlag(options.slot, '--slot', 0, 0xffffffff),
          energyWh: parseIntFlag(options.wh, '--wh', 1, 0xffffffff),
          ...(options.price === undefined ? {} : { limitPriceMicroPerKwh: pricePerKwh(options.price, '--price') }),
        }),
      ),
    );
  }
  signing(order.command('cancel <orderId>').description('cancel an open order before its gate closure')).action(
    (orderId: string, options: SignerOptions) =>
      runCommand(() => send(options, 'cancel', { orderTxHash: fromHex(orderId, 'orderId', 32) })),
  );

  signing(
    program
      .command('meter')
      .description("a smart meter's reading of a slot, signed with the meter key (fulfilment, MISSION K10)")
      .requiredOption('--participant <address>', 'the household the meter belongs to')
      .requiredOption('--slot <n>', 'slot number')
      .requiredOption('--delivered-wh <Wh>', 'energy fed in')
      .requiredOption('--consumed-wh <Wh>', 'energy taken'),
  ).action((options: SignerOptions & Record<string, string>) =>
    runCommand(() => {
      // A dev household's meter signs with the household's dev meter key.
      const meterOptions = options.as === undefined ? options : { ...options, as: `${options.as} meter` };
      return send(meterOptions, 'meter', {
        participant: addressArg(options['participant']!, '--participant'),
        slot: parseIntFlag(options['slot']!, '--slot', 0, 0xffffffff),
        deliveredWh: parseIntFlag(options['deliveredWh']!, '--delivered-wh', 0, 0xffffffff),
        consumedWh: parseIntFlag(options['consumedWh']!, '--consumed-wh', 0, 0xffffffff),
      });
    }),
  );

  signing(
    program
      .command('rate <counterparty>')
      .description('rate a counterparty 1–5 after a trade in a slot')
      .requiredOption('--slot <n>', 'slot number')
      .requiredOption('--stars <1-5>', 'rating'),
  ).action((counterparty: string, options: SignerOptions & { slot: string; stars: string }) =>
    runCommand(() =>
      send(options, 'rate', {
        counterparty: addressArg(counterparty, 'counterparty'),
        slot: parseIntFlag(options.slot, '--slot', 0, 0xffffffff),
        stars: parseIntFlag(options.stars, '--stars', 1, 5),
      }),
    ),
  );

  signing(
    market
      .command('open')
      .description('administrator: open the market (slot schedule, gate closure, mechanism, grid prices)')
      .option('--file <market.json>', 'the schedule as JSON (fields of the market transaction)')
      .option('--start <time>', '+N slot lengths from now, ms since 1970, or an ISO time', '+1')
      .option('--slot-minutes <n>', 'slot length', '15')
      .option('--gate-seconds <n>', 'gate closure before each slot starts', '60')
      .option('--max-slots-ahead <n>', 'how far ahead orders are accepted', '96')
      .option('--mechanism <name>', 'clearing mechanism (gridpeer market compare lists them)', 'uniform-auction')
      .option('--params <json>', 'mechanism parameters, e.g. {"k":0.5}')
      .option('--grid-account <address>', 'account standing for the utility grid', 'Grid')
      .option('--import-price <coins/kWh>', 'grid import price λb', '0.30')
      .option('--export-price <coins/kWh>', 'grid export price λs', '0.10')
      .option('--penalty <coins/kWh>', 'penalty per kWh not delivered', '0.05'),
  ).action((options: SignerOptions & Record<string, string>) =>
    runCommand(() => send(options, 'market', marketOpenPayload(options))),
  );
  signing(market.command('close').description('administrator: no new slots; those already open still clear')).action(
    (options: SignerOptions) => runCommand(() => send(options, 'market', { action: 'close' })),
  );
  market
    .command('status')
    .description('the schedule, the next slots and their results; --slot for one slot with its order book')
    .option('--node <url>', 'node to ask', DEFAULT_NODE_URL)
    .option('--slot <n>', 'one slot: order book, trades, settlements')
    .action((options: { node: string; slot?: string }) =>
      runCommand(async () => {
        const client = new NodeClient(options.node);
        const path =
          options.slot === undefined
            ? '/v1/market'
            : `/v1/market/slots/${parseIntFlag(options.slot, '--slot', 0, 0xffffffff)}`;
        print(JSON.stringify(await client.get(path), null, 2));
        return 0;
      }),
    );

  const receipt = program.command('receipt').description('trade receipts (MISSION K13): fetch one, check one offline');
  receipt
    .command('get <tradeId>')
    .description('fetch the receipt of a trade (id "slot-index") with its Merkle proof')
    .option('--node <url>', 'node to ask', DEFAULT_NODE_URL)
    .option('--out <file>', 'write it to a file')
    .action((tradeId: string, options: { node: string; out?: string }) =>
      runCommand(async () => {
        const json = await new NodeClient(options.node).get(`/v1/receipts/${encodeURIComponent(tradeId)}`);
        const text = `${JSON.stringify(json, null, 2)}\n`;
        if (options.out !== undefined) writeFileSync(options.out, text);
        else process.stdout.write(text);
        return 0;
      }),
    );
  receipt
    .command('verify <file>')
    .description('check a receipt offline: the trade is under the state root of a block with valid proof of work')
    .action((file: string) =>
      runCommand(async () => {
        const result = verifyReceipt(readJsonFile(file, 'receipt'));
        if (result.ok) {
          print(
            `valid: trade ${result.tradeId} (${result.energyWh} Wh at ${result.priceMicroPerKwh} µcoin/kWh) is under ` +
              `the state root of block ${result.blockHeight} ${result.blockHash}`,
          );
          return 0;
        }
        print(`invalid ${result.code}: ${result.reason}`);
        return EXIT_FAILED;
      }),
    );
}
