/**
 * The dashboard's only way to the node: the REST API (same origin) and the server-sent event stream.
 * Every failure becomes an {@link ApiError} carrying the API's `code` and message (or HTTP_<status>).
 */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

function errorFrom(status: number, body: unknown, url: string): ApiError {
  if (body !== null && typeof body === 'object') {
    const b = body as Record<string, unknown>;
    const code = typeof b['code'] === 'string' ? b['code'] : `HTTP_${status}`;
    const message = typeof b['message'] === 'string' ? b['message'] : `${url} answered ${status}`;
    const details =
      b['details'] !== null && typeof b['details'] === 'object' ? (b['details'] as Record<string, unknown>) : {};
    return new ApiError(status, code, message, details);
  }
  if (status === 404) return new ApiError(status, 'NOT_FOUND', `${url} is not available on this node`);
  return new ApiError(status, `HTTP_${status}`, `${url} answered ${status}`);
}

async function request<T>(url: string, init?: RequestInit): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, init);
  } catch (error) {
    throw new ApiError(
      0,
      'NETWORK',
      `cannot reach the node (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  const text = await response.text();
  let body: unknown = null;
  if (text !== '') {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  if (!response.ok) throw errorFrom(response.status, body, url);
  return body as T;
}

export function getJson<T>(path: string): Promise<T> {
  return request<T>(path, { headers: { accept: 'application/json' } });
}

export function postJson<T>(path: string, body: unknown): Promise<T> {
  return request<T>(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
  });
}

export async function getText(path: string): Promise<string> {
  let response: Response;
  try {
    response = await fetch(path);
  } catch (error) {
    throw new ApiError(
      0,
      'NETWORK',
      `cannot reach the node (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  if (!response.ok) throw errorFrom(response.status, null, path);
  return response.text();
}

export function errorText(error: unknown): string {
  if (error instanceof ApiError) return `${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

// ---------------------------------------------------------------------------------------------------------------
// Response shapes (the parts the dashboard reads).

export interface Status {
  version?: string;
  url?: string | null;
  network: string;
  chainId: number;
  consensus?: string;
  genesisHash: string;
  height: number;
  headHash: string;
  headTimestampMs: number;
  totalWork: string;
  stateRoot: string;
  supplyMicro: string;
  mempoolSize: number;
  peers: number;
  mining: string | boolean | null;
  miner?: string | null;
  dev?: boolean;
}

export interface Peer {
  url: string;
  score: number;
  failures?: number;
  lastSeenMs?: number | null;
  height?: number | null;
  headHash?: string | null;
}

export interface TxJson {
  hash: string;
  kind: string;
  from: string | null;
  nonce: number;
  feeMicro: string;
  timestampMs: number;
  to?: string;
  amountMicro?: string;
  energyWh?: number;
  payload?: Record<string, unknown>;
}

export interface HeaderView {
  hash: string;
  height: number;
  prevHash: string;
  txRoot: string;
  stateRoot: string;
  timestampMs: number;
  bits: number;
  miner: string;
  nonce: string;
}

export interface BlockView {
  hash: string;
  header: HeaderView;
  txs: TxJson[];
  canonical?: boolean;
  confirmations?: number;
  totalWork?: string | null;
}

export interface TxLookup {
  status: 'pending' | 'confirmed';
  tx: TxJson;
  blockHash?: string;
  blockHeight?: number;
  txIndex?: number;
  confirmations?: number;
  expectedHeight?: number;
  proof?: unknown;
}

export interface GridPriceJson {
  importMicroPerKwh: string;
  exportMicroPerKwh: string;
}

export interface MarketConfigJson {
  open: boolean;
  mechanism: string;
  paramsJson?: string;
  startMs: number;
  slotDurationMs: number;
  gateClosureLeadMs: number;
  maxSlotsAhead?: number;
  firstSlot: number;
  lastSlot: number | null;
  nextSlot: number;
  gridAccount?: string;
  gridPrices: GridPriceJson[];
  shortfallPenaltyMicroPerKwh?: string;
}

export interface MarketInfo {
  admin: string | null;
  config: MarketConfigJson | null;
  upcoming: Array<{ slot: number; startMs: number; gateClosureMs: number }>;
  escrowMicro: string;
  heldMicro?: string;
  gridPositionMicro: string;
  operatorPositionMicro: string;
  height?: number;
}

export interface OrderJson {
  id: string;
  participant: string;
  side: string;
  energyWh: number;
  limitPriceMicroPerKwh?: string | null;
  lockedMicro: string;
  sequence: number;
  status: string;
}

export interface TradeJson {
  id: string;
  slot?: number;
  seller: string;
  buyer: string;
  energyWh: number;
  priceMicroPerKwh: string;
  amountMicro: string;
  settledHeight?: number;
}

export interface SlotResultJson {
  mechanism?: string;
  fallbackReason?: string;
  clearingPriceMicroPerKwh: string | null;
  buyPriceMicroPerKwh?: string | null;
  sellPriceMicroPerKwh?: string | null;
  tradeCount?: number;
  tradedWh: number;
  gridImportWh: number;
  gridExportWh: number;
  curtailedWh?: number;
  gridImportCostMicro?: string;
  gridExportRevenueMicro?: string;
}

export interface SettlementJson {
  participant: string;
  importWh?: number;
  exportWh?: number;
  peerImportWh?: number;
  peerExportWh?: number;
  netPaymentMicro?: string;
  gridOnlyPaymentMicro?: string;
}

export interface SlotJson {
  slot: number;
  startMs: number;
  gateClosureMs: number;
  status: 'open' | 'cleared';
  gridPrice: GridPriceJson;
  orders: OrderJson[];
  trades: TradeJson[];
  settlements: SettlementJson[];
  result: SlotResultJson | null;
}

export interface CompareRow {
  mechanism: string;
  tradedWh: number;
  trades?: number;
  clearingPriceMicroPerKwh: string | number | null;
  buyPriceMicroPerKwh?: string | null;
  sellPriceMicroPerKwh?: string | null;
  gridImportWh: number;
  gridExportWh: number;
  savingsMicro: string | number;
  efficiency?: number | null;
  /** Why the mechanism refused this slot. */
  error?: string;
}

export interface CompareAnswer {
  slot?: number;
  status?: string;
  configuredMechanism?: string | null;
  clearedWith?: string | null;
  orders?: number;
  mechanisms: CompareRow[];
}

export interface ParticipantJson {
  address: string;
  role: string;
  status: string;
  pvW: number;
  batteryWh: number;
  location: string;
  escrowMicro: string;
}

export interface SimRun {
  name: string;
  scenario: string;
  mechanism: string;
  homes: number;
  slots: number;
  currency?: string;
  ledger?: string;
  /** Report files of the run (README.md, *.svg, *.csv, summary.json). */
  files?: string[];
}

export interface SimHome {
  id: string;
  role: string;
  loadWh: number[];
  pvWh: number[];
  socWh: number[];
  peerImportWh: number[];
  peerExportWh: number[];
  gridImportWh: number[];
  gridExportWh: number[];
  paymentMicro: string[];
  gridOnlyPaymentMicro: string[];
}

export interface SimHomes {
  slotMs: number;
  startMs: number;
  homes: SimHome[];
}

export interface Account {
  address: string;
  balanceMicro: string;
  nonce: number;
  nextNonce: number;
}

export const api = {
  status: () => getJson<Status>('/v1/status'),
  peers: () => getJson<{ self?: string | null; peers: Peer[] }>('/v1/peers'),
  blocks: (limit: number, before?: number) =>
    getJson<{ height: number; blocks: BlockView[] }>(
      `/v1/blocks?limit=${limit}${before === undefined ? '' : `&before=${before}`}`,
    ),
  block: (id: string | number) => getJson<BlockView>(`/v1/blocks/${encodeURIComponent(String(id))}`),
  tx: (hash: string) => getJson<TxLookup>(`/v1/txs/${encodeURIComponent(hash)}`),
  account: (address: string) => getJson<Account>(`/v1/accounts/${encodeURIComponent(address)}`),
  isValid: () => getJson<{ message: string; valid: boolean }>('/is_valid'),
  market: () => getJson<MarketInfo>('/v1/market'),
  slot: (slot: number) => getJson<SlotJson>(`/v1/market/slots/${slot}`),
  compare: (slot: number) => getJson<CompareAnswer>(`/v1/market/slots/${slot}/compare`),
  participants: () => getJson<{ participants: ParticipantJson[] }>('/v1/participants'),
  trades: (query: { slot?: number; participant?: string; limit?: number }) => {
    const params = new URLSearchParams();
    if (query.slot !== undefined) params.set('slot', String(query.slot));
    if (query.participant !== undefined) params.set('participant', query.participant);
    params.set('limit', String(query.limit ?? 100));
    return getJson<{ trades: TradeJson[] }>(`/v1/trades?${params.toString()}`);
  },
  receipt: (id: string) => getJson<unknown>(`/v1/receipts/${encodeURIComponent(id)}`),
  submitTx: (hex: string) => postJson<{ hash: string; expectedHeight: number }>('/v1/txs', { hex }),
  simRuns: () => getJson<{ runs: SimRun[] }>('/v1/sim/runs'),
  simSummary: (name: string) => getJson<Record<string, unknown>>(`/v1/sim/runs/${encodeURIComponent(name)}/summary`),
  simHomes: (name: string) => getJson<SimHomes>(`/v1/sim/runs/${encodeURIComponent(name)}/homes`),
  simFileUrl: (name: string, file: string) =>
    `/v1/sim/runs/${encodeURIComponent(name)}/files/${encodeURIComponent(file)}`,
};
