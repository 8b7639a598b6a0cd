/**
 * The market on the ledger over HTTP (MISSION K9, K10, K13): the schedule and the money the contract holds,
 * participants, a slot's order book and result, trades, and trade receipts. Everything is read from this node's
 * head state; writes are signed transactions sent to `POST /v1/txs` (kinds register, approve, reject, admin,
 * market, offer, bid, cancel, meter, rate).
 */
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { parseParamsJson } from '../../contract/check.js';
import { ordersForMarket } from '../../contract/clearing.js';
import {
  gateClosureMs,
  listParticipants,
  listTrades,
  marketConfigToJSON,
  marketHeldMicro,
  participantToJSON,
  readAdmin,
  readMarketConfig,
  readParticipant,
  readSlot,
  readTrade,
  slotStartMs,
  slotToJSON,
  sumEscrowMicro,
  tradeToJSON,
} from '../../contract/index.js';
import { GRID_POSITION_KEY, OPERATOR_POSITION_KEY } from '../../contract/keys.js';
import { buildReceipt } from '../../contract/receipt.js';
import { decodeI64 } from '../../contract/records.js';
import { addressToBytes } from '../../crypto/index.js';
import { GridPeerError } from '../../errors/index.js';
import { MECHANISMS } from '../../market/registry.js';
import type { Order, SlotInput } from '../../market/types.js';
import type { ApiContext } from '../context.js';
import { errorResponses, JsonObject } from './common.js';

const MAX_TRADES = 1000;

const NullableMicro = Type.Union([Type.String(), Type.Null()]);
const CompareAnswer = Type.Object({
  slot: Type.Integer(),
  status: Type.String({ description: 'open or cleared' }),
  configuredMechanism: Type.Union([Type.String(), Type.Null()]),
  clearedWith: Type.Union([Type.String(), Type.Null()], { description: 'what cleared it on chain (once cleared)' }),
  orders: Type.Integer({ description: 'orders compared (cancelled ones are left out)' }),
  gridImportPriceMicroPerKwh: Type.String(),
  gridExportPriceMicroPerKwh: Type.String(),
  mechanisms: Type.Array(
    Type.Object({
      mechanism: Type.String(),
      tradedWh: Type.Integer({ description: 'Σ peer exports of the settlements (pools included)' }),
      trades: Type.Integer(),
      clearingPriceMicroPerKwh: NullableMicro,
      buyPriceMicroPerKwh: NullableMicro,
      sellPriceMicroPerKwh: NullableMicro,
      gridImportWh: Type.Integer(),
      gridExportWh: Type.Integer(),
      savingsMicro: Type.String({ description: 'Σ grid-only payment − Σ net payment over the participants' }),
      error: Type.Optional(Type.String({ description: 'why the mechanism refused this slot' })),
    }),
  ),
});
/** How many upcoming slots `/v1/market` lists. */
const UPCOMING_SLOTS = 8;

export function registerMarketRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const { chain } = ctx;
  const tags = ['market'];

  api.get(
    '/v1/market',
    {
      schema: {
        tags,
        summary: 'The market schedule, the next slots, the administrator and the money the contract holds',
        response: { 200: JsonObject },
      },
    },
    async () => {
      const state = chain.state;
      const config = readMarketConfig(state);
      const signed = (key: string) => {
        const bytes = state.get(key);
        return (bytes === undefined ? 0n : decodeI64(bytes)).toString();
      };
      const upcoming =
        config === undefined
          ? []
          : Array.from({ length: UPCOMING_SLOTS }, (_, i) => config.nextSlot + i)
              .filter((slot) => config.lastSlot === null || slot <= config.lastSlot)
              .map((slot) => ({
                slot,
                startMs: slotStartMs(config, slot),
                gateClosureMs: gateClosureMs(config, slot),
              }));
      return {
        admin: readAdmin(state) ?? null,
        config: config === undefined ? null : marketConfigToJSON(config),
        upcoming,
        heldMicro: marketHeldMicro(state).toString(),
        escrowMicro: sumEscrowMicro(state).toString(),
        gridPositionMicro: signed(GRID_POSITION_KEY),
        operatorPositionMicro: signed(OPERATOR_POSITION_KEY),
        height: chain.height,
      };
    },
  );

  api.get(
    '/v1/market/slots/:slot',
    {
      schema: {
        tags,
        summary: "A slot's order book, status, grid prices and, once cleared, its trades, settlements and result",
        params: Type.Object({ slot: Type.Integer({ minimum: 0, maximum: 0xffffffff }) }),
        response: { 200: JsonObject, ...errorResponses },
      },
    },
    async (request) => {
      const view = readSlot(chain.state, request.params.slot);
      if (view === undefined) {
        throw new GridPeerError('NOT_FOUND', `slot ${request.params.slot} is not in the market schedule`, {
          field: 'slot',
        });
      }
      return slotToJSON(view);
    },
  );

  api.get(
    '/v1/market/slots/:slot/compare',
    {
      schema: {
        tags,
        summary:
          "The slot's orders (all but cancelled ones) and grid prices cleared by every mechanism, side by side (what-if; nothing is written)",
        params: Type.Object({ slot: Type.Integer({ minimum: 0, maximum: 0xffffffff }) }),
        response: { 200: CompareAnswer, ...errorResponses },
      },
    },
    async (request) => compareSlot(request.params.slot),
  );

  /** Clears the slot's orders with every mechanism of the registry; a mechanism that refuses says why. */
  function compareSlot(slot: number) {
    const state = chain.state;
    const view = readSlot(state, slot);
    if (view === undefined) {
      throw new GridPeerError('NOT_FOUND', `slot ${slot} is not in the market schedule`, { field: 'slot' });
    }
    const config = readMarketConfig(state);
    const orders: Order[] = ordersForMarket(
      state,
      view.orders.filter((order) => order.status !== 'cancelled'),
    );
    const input: SlotInput = {
      slotStartMs: view.result?.slotStartMs ?? view.startMs,
      slotDurationMs: view.result?.slotDurationMs ?? config?.slotDurationMs ?? 3_600_000,
      orders,
      gridImportPriceMicroPerKwh: view.gridPrice.importMicroPerKwh,
      gridExportPriceMicroPerKwh: view.gridPrice.exportMicroPerKwh,
    };
    // The schedule's own mechanism runs with the schedule's parameters; the others with their defaults.
    const configured = config === undefined ? undefined : parseParamsJson(config.paramsJson);
    const mechanisms = MECHANISMS.map((mechanism) => {
      const params =
        config !== undefined && configured?.ok === true && mechanism.name === config.mechanism
          ? configured.params
          : undefined;
      try {
        const result = mechanism.clear(input, params);
        let tradedWh = 0;
        let savingsMicro = 0n;
        for (const s of result.settlements) {
          tradedWh += s.peerExportWh;
          savingsMicro += s.gridOnlyPaymentMicro - s.netPaymentMicro;
        }
        const price = (value: bigint | undefined) => (value === undefined ? null : value.toString());
        return {
          mechanism: mechanism.name,
          tradedWh,
          trades: result.trades.length,
          clearingPriceMicroPerKwh: price(result.prices.clearingPriceMicroPerKwh),
          buyPriceMicroPerKwh: price(result.prices.buyPriceMicroPerKwh),
          sellPriceMicroPerKwh: price(result.prices.sellPriceMicroPerKwh),
          gridImportWh: result.gridImportWh,
          gridExportWh: result.gridExportWh,
          savingsMicro: savingsMicro.toString(),
        };
      } catch (error) {
        const reason =
          error instanceof GridPeerError
            ? `${error.code}: ${error.message}`
            : `${mechanism.name} failed: ${error instanceof Error ? error.message : String(error)}`;
        return {
          mechanism: mechanism.name,
          tradedWh: 0,
          trades: 0,
          clearingPriceMicroPerKwh: null,
          buyPriceMicroPerKwh: null,
          sellPriceMicroPerKwh: null,
          gridImportWh: 0,
          gridExportWh: 0,
          savingsMicro: '0',
          error: reason,
        };
      }
    });
    return {
      slot,
      status: view.status,
      configuredMechanism: config?.mechanism ?? null,
      clearedWith: view.result?.mechanism ?? null,
      orders: orders.length,
      gridImportPriceMicroPerKwh: view.gridPrice.importMicroPerKwh.toString(),
      gridExportPriceMicroPerKwh: view.gridPrice.exportMicroPerKwh.toString(),
      mechanisms,
    };
  }

  api.get(
    '/v1/participants',
    {
      schema: {
        tags,
        summary: 'Registered households: role, meter key, status, escrow, delivery record and ratings',
        querystring: Type.Object({
          status: Type.Optional(
            Type.Union([Type.Literal('pending'), Type.Literal('approved'), Type.Literal('rejected')]),
          ),
        }),
        response: { 200: JsonObject },
      },
    },
    async (request) => {
      const all = listParticipants(chain.state);
      const status = request.query.status;
      const participants = status === undefined ? all : all.filter((p) => p.status === status);
      return { participants: participants.map(participantToJSON) };
    },
  );

  api.get(
    '/v1/participants/:address',
    {
      schema: {
        tags,
        summary: 'One household',
        params: Type.Object({ address: Type.String({ maxLength: 64 }) }),
        response: { 200: JsonObject, ...errorResponses },
      },
    },
    async (request) => {
      const address = request.params.address;
      addressToBytes(address, 'address');
      const view = readParticipant(chain.state, address);
      if (view === undefined)
        throw new GridPeerError('NOT_FOUND', `${address} is not registered`, { field: 'address' });
      return participantToJSON(view);
    },
  );

  api.get(
    '/v1/trades',
    {
      schema: {
        tags,
        summary: 'Settled trades, newest first; filter by slot and participant (seller or buyer)',
        querystring: Type.Object({
          slot: Type.Optional(Type.Integer({ minimum: 0, maximum: 0xffffffff })),
          participant: Type.Optional(Type.String({ maxLength: 64 })),
          limit: Type.Integer({ minimum: 1, maximum: MAX_TRADES, default: 100 }),
        }),
        response: { 200: JsonObject, ...errorResponses },
      },
    },
    async (request) => {
      const { slot, participant, limit } = request.query;
      if (participant !== undefined) addressToBytes(participant, 'participant');
      const trades = listTrades(chain.state, {
        ...(slot === undefined ? {} : { slot }),
        ...(participant === undefined ? {} : { participant }),
        limit,
      });
      return { trades: trades.map(tradeToJSON) };
    },
  );

  api.get(
    '/v1/trades/:id',
    {
      schema: {
        tags,
        summary: 'One trade by id ("<slot>-<index>")',
        params: Type.Object({ id: Type.String({ maxLength: 32 }) }),
        response: { 200: JsonObject, ...errorResponses },
      },
    },
    async (request) => {
      const view = readTrade(chain.state, request.params.id);
      if (view === undefined) throw new GridPeerError('NOT_FOUND', `no trade ${request.params.id}`, { field: 'id' });
      return tradeToJSON(view);
    },
  );

  api.get(
    '/v1/receipts/:id',
    {
      schema: {
        tags,
        summary:
          'Receipt of a trade: its state entry with the Merkle path to the head header’s state root; check it offline with `gridpeer receipt verify`',
        params: Type.Object({ id: Type.String({ maxLength: 32 }) }),
        response: { 200: JsonObject, ...errorResponses },
      },
    },
    async (request) =>
      buildReceipt(
        chain.state,
        chain.head.header,
        { name: chain.genesis.name, chainId: chain.params.chainId, genesisHash: chain.genesisHash },
        request.params.id,
      ),
  );
}
