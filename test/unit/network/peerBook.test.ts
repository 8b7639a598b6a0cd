import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  BAN_MS,
  BAN_SCORE,
  BASE_BACKOFF_MS,
  MAX_BACKOFF_MS,
  normalizePeerUrl,
  PeerBook,
} from '../../../src/network/peerBook.js';
import { assertThrowsCoded } from '../../helpers/assertions.js';

const SELF = 'http://127.0.0.1:5001';
const PEER = 'http://127.0.0.1:5002';

describe('normalizePeerUrl', () => {
  it('reduces a URL to its origin', () => {
    assert.equal(normalizePeerUrl('http://127.0.0.1:5002/'), PEER);
    assert.equal(normalizePeerUrl('https://node.example:8443'), 'https://node.example:8443');
  });

  for (const bad of ['127.0.0.1:5002', 'ftp://x:1', 'http://127.0.0.1:5002/v1', 'http://x:1/?a=1', 'not a url']) {
    it(`INVALID_ARGUMENT for ${bad}`, () => {
      assertThrowsCoded(() => normalizePeerUrl(bad, 'nodes[0]'), 'INVALID_ARGUMENT', 'nodes[0]');
    });
  }

  it('INVALID_ARGUMENT for a non-string', () => {
    assertThrowsCoded(() => normalizePeerUrl(42), 'INVALID_ARGUMENT', 'url');
  });
});

describe('PeerBook', () => {
  it('adds once, refuses itself, removes', () => {
    const book = new PeerBook(SELF);
    const first = book.add(PEER, 0);
    assert.ok(first.ok && first.added);
    const again = book.add(PEER, 0);
    assert.ok(again.ok && !again.added);
    assert.equal(book.size, 1);
    assert.deepEqual(book.add(SELF, 0), { ok: false, reason: 'a node is not its own peer' });
    assert.equal(book.remove(PEER), true);
    assert.equal(book.remove(PEER), false);
    assert.equal(book.size, 0);
  });

  it('refuses peers beyond the limit', () => {
    const book = new PeerBook(SELF, 1);
    assert.ok(book.add(PEER, 0).ok);
    assert.equal(book.add('http://127.0.0.1:5003', 0).ok, false);
  });

  it(`drops and bans a peer whose score reaches ${BAN_SCORE}, for ${BAN_MS} ms`, () => {
    const book = new PeerBook(SELF);
    book.add(PEER, 0);
    assert.equal(book.penalize(PEER, 50, 1_000), false);
    assert.equal(book.get(PEER)?.score, -50);
    assert.equal(book.penalize(PEER, 50, 1_000), true);
    assert.equal(book.has(PEER), false);
    assert.equal(book.isBanned(PEER, 1_000 + BAN_MS - 1), true);
    assert.equal(book.add(PEER, 1_000 + BAN_MS - 1).ok, false);
    assert.equal(book.isBanned(PEER, 1_000 + BAN_MS), false);
    assert.ok(book.add(PEER, 1_000 + BAN_MS).ok);
  });

  it('rewards up to 100', () => {
    const book = new PeerBook(SELF);
    book.add(PEER, 0);
    for (let i = 0; i < 150; i++) book.reward(PEER);
    assert.equal(book.get(PEER)?.score, 100);
  });

  it('backs off exponentially after failures and resets on success', () => {
    const book = new PeerBook(SELF);
    book.add(PEER, 0);
    book.markFailure(PEER, 1_000);
    assert.equal(book.get(PEER)?.retryAtMs, 1_000 + BASE_BACKOFF_MS);
    book.markFailure(PEER, 1_000);
    assert.equal(book.get(PEER)?.retryAtMs, 1_000 + 2 * BASE_BACKOFF_MS);
    for (let i = 0; i < 30; i++) book.markFailure(PEER, 1_000);
    assert.equal(book.get(PEER)?.retryAtMs, 1_000 + MAX_BACKOFF_MS);
    book.markSuccess(PEER, 2_000);
    assert.deepEqual(
      {
        failures: book.get(PEER)?.failures,
        retryAtMs: book.get(PEER)?.retryAtMs,
        lastSeenMs: book.get(PEER)?.lastSeenMs,
      },
      { failures: 0, retryAtMs: 0, lastSeenMs: 2_000 },
    );
  });
});
