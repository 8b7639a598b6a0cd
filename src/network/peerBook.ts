/**
 * @module network/peerBook
 * The peers a node talks to (MISSION L6: "neighbours added and removed at run time"), their scores and their
 * back-off state. Only `network/` decides what a rejected block or transaction means for the peer that sent it
 * (DESIGN.md §6); the ledger just names the rule.
 */
import { GridPeerError } from '../errors/index.js';

/** A peer whose score falls to this is dropped and banned for {@link BAN_MS}. */
export const BAN_SCORE = -100;
export const BAN_MS = 10 * 60 * 1000;
/** Back-off after a failed delivery doubles from this up to {@link MAX_BACKOFF_MS}. */
export const BASE_BACKOFF_MS = 250;
export const MAX_BACKOFF_MS = 30_000;

export interface PeerInfo {
  readonly url: string;
  score: number;
  /** Consecutive failed requests. */
  failures: number;
  /** No request before this time (ms) after a failure. */
  retryAtMs: number;
  lastSeenMs: number | null;
  height: number | null;
  headHash: string | null;
}

/**
 * Normalises a peer URL (`http://127.0.0.1:5002/` → `http://127.0.0.1:5002`).
 * @throws GridPeerError INVALID_ARGUMENT naming `field` for anything but an http(s) origin.
 */
export function normalizePeerUrl(value: unknown, field = 'url'): string {
  if (typeof value !== 'string')
    throw new GridPeerError('INVALID_ARGUMENT', `${field} must be a URL string`, { field });
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new GridPeerError('INVALID_ARGUMENT', `${field} is not a URL: ${value.slice(0, 100)}`, { field });
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.pathname.replace(/\/$/, '') !== '' || url.search) {
    throw new GridPeerError('INVALID_ARGUMENT', `${field} must be an http(s) origin such as http://127.0.0.1:5002`, {
      field,
      value,
    });
  }
  return url.origin;
}

export class PeerBook {
  private readonly peers = new Map<string, PeerInfo>();
  private readonly banned = new Map<string, number>();

  constructor(
    private readonly selfUrl: string,
    private readonly maxPeers = 64,
  ) {}

  list(): PeerInfo[] {
    return [...this.peers.values()];
  }

  get(url: string): PeerInfo | undefined {
    return this.peers.get(url);
  }

  has(url: string): boolean {
    return this.peers.has(url);
  }

  get size(): number {
    return this.peers.size;
  }

  /**
   * @returns the peer, or the reason it cannot be added.
   */
  add(url: string, nowMs: number): { ok: true; peer: PeerInfo; added: boolean } | { ok: false; reason: string } {
    if (url === this.selfUrl) return { ok: false, reason: 'a node is not its own peer' };
    const bannedUntil = this.banned.get(url);
    if (bannedUntil !== undefined && bannedUntil > nowMs)
      return { ok: false, reason: 'peer is banned for sending invalid data' };
    const existing = this.peers.get(url);
    if (existing) return { ok: true, peer: existing, added: false };
    if (this.peers.size >= this.maxPeers) return { ok: false, reason: `peer limit ${this.maxPeers} reached` };
    const peer: PeerInfo = { url, score: 0, failures: 0, retryAtMs: 0, lastSeenMs: null, height: null, headHash: null };
    this.peers.set(url, peer);
    return { ok: true, peer, added: true };
  }

  remove(url: string): boolean {
    return this.peers.delete(url);
  }

  /** Lowers a peer's score; at {@link BAN_SCORE} it is dropped and banned. @returns true when it was dropped. */
  penalize(url: string, points: number, nowMs: number): boolean {
    const peer = this.peers.get(url);
    if (!peer) return false;
    peer.score -= points;
    if (peer.score > BAN_SCORE) return false;
    this.peers.delete(url);
    this.banned.set(url, nowMs + BAN_MS);
    return true;
  }

  reward(url: string, points = 1): void {
    const peer = this.peers.get(url);
    if (peer) peer.score = Math.min(100, peer.score + points);
  }

  markSuccess(url: string, nowMs: number): void {
    const peer = this.peers.get(url);
    if (!peer) return;
    peer.failures = 0;
    peer.retryAtMs = 0;
    peer.lastSeenMs = nowMs;
  }

  markFailure(url: string, nowMs: number): void {
    const peer = this.peers.get(url);
    if (!peer) return;
    peer.failures++;
    peer.retryAtMs = nowMs + Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** Math.min(peer.failures - 1, 16));
  }

  isBanned(url: string, nowMs: number): boolean {
    return (this.banned.get(url) ?? 0) > nowMs;
  }
}
