/**
 * A small HTTP client for the commands that talk to a running node (`--node <url>`): JSON in and out, the node's
 * coded errors passed on as they are, and signing of market transactions on this side — the private key never
 * leaves the user's machine (seed 003 Figs. 3–4: the sender signs, every node verifies).
 */

import { devKeyPair } from '../chain/devAccounts.js';
import type { KeyPair } from '../crypto/index.js';
import { ERROR_CODES, type ErrorCode, GridPeerError } from '../errors/index.js';
import { createMarketTx, encodeTx, type MarketPayloads, type MarketTxKind } from '../ledger/tx.js';
import { readKeyFile } from '../node/keyFile.js';

export const DEFAULT_NODE_URL = 'http://127.0.0.1:5001';

export class NodeClient {
  readonly baseUrl: string;

  constructor(url: string = DEFAULT_NODE_URL) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new GridPeerError('INVALID_ARGUMENT', `--node must be a URL such as ${DEFAULT_NODE_URL}`, {
        field: '--node',
        value: url,
      });
    }
    this.baseUrl = parsed.origin;
  }

  /**
   * @throws GridPeerError PEER_UNREACHABLE when the node does not answer; the node's own code (with its status)
   * when it refuses.
   */
  async request(method: 'GET' | 'POST', path: string, body?: unknown): Promise<Record<string, unknown>> {
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(30_000),
      });
    } catch (error) {
      throw new GridPeerError('PEER_UNREACHABLE', `no answer from ${this.baseUrl}: ${(error as Error).message}`, {
        url: this.baseUrl,
      });
    }
    const json = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    if (!response.ok) {
      const code = typeof json['code'] === 'string' && json['code'] in ERROR_CODES ? json['code'] : 'TX_INVALID';
      const details = (json['details'] ?? {}) as Record<string, unknown>;
      const rule = typeof details['rule'] === 'string' ? ` [${details['rule']}]` : '';
      throw new GridPeerError(code as ErrorCode, `${String(json['message'] ?? response.statusText)}${rule}`, details);
    }
    return json;
  }

  get(path: string): Promise<Record<string, unknown>> {
    return this.request('GET', path);
  }

  post(path: string, body: unknown): Promise<Record<string, unknown>> {
    return this.request('POST', path, body);
  }

  /**
   * Signs a market transaction with `signer` (the chain id and next nonce come from the node) and submits it.
   * @param waitMs when > 0, polls until the transaction is in a block or the time is up.
   */
  async submitMarketTx<K extends MarketTxKind>(
    kind: K,
    payload: MarketPayloads[K],
    signer: KeyPair,
    waitMs = 0,
  ): Promise<{ hash: string; expectedHeight: number; confirmedHeight?: number }> {
    const status = await this.get('/v1/status');
    const account = await this.get(`/v1/accounts/${signer.address}`);
    const tx = createMarketTx(
      kind,
      payload,
      { chainId: Number(status['chainId']), nonce: Number(account['nextNonce']), timestampMs: Date.now() },
      signer,
    );
    const submitted = await this.post('/v1/txs', { hex: Buffer.from(encodeTx(tx)).toString('hex') });
    const hash = String(submitted['hash']);
    const expectedHeight = Number(submitted['expectedHeight']);
    if (waitMs <= 0) return { hash, expectedHeight };
    const deadline = Date.now() + waitMs;
    while (Date.now() < deadline) {
      const found = await this.get(`/v1/txs/${hash}`).catch(() => null);
      if (found?.['status'] === 'confirmed') {
        return { hash, expectedHeight, confirmedHeight: Number(found['blockHeight']) };
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new GridPeerError('TX_NOT_FOUND', `transaction ${hash} was not in a block within ${waitMs} ms`, { hash });
  }
}

/**
 * The signing key of a command: a key file (`--key`), or on a dev network a named dev account (`--as Admin`,
 * `--as Prosumer1`; their keys are public, never use them for value).
 * @throws GridPeerError INVALID_ARGUMENT when neither or both are given.
 */
export function signerOf(options: { key?: string; as?: string }): KeyPair {
  if ((options.key === undefined) === (options.as === undefined)) {
    throw new GridPeerError('INVALID_ARGUMENT', 'give the signing key: --key <file>, or --as <dev account>', {
      field: '--key',
    });
  }
  return options.key !== undefined ? readKeyFile(options.key) : devKeyPair(options.as!, '--as');
}

/** The smart-meter key of a dev account (what `--as <name>` households register as their meter). */
export function devMeterKeyPair(name: string): KeyPair {
  return devKeyPair(`${name} meter`, '--as');
}
