import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BoundedBuffer, StreamHub, backoffDelay, type SocketLike } from '../../../renderer/src/api/stream-hub.js';
import { resolveController, streamUrl } from '../../../renderer/src/api/controller-address.js';
import { filterRows, sortRows, toRows, visibleRange } from '../../../renderer/src/utils/connections.js';
import { appendTraffic } from '../../../renderer/src/utils/traffic.js';
import type { ApiConnection } from '../../../main/controller/api-types.js';

/** Hand-driven timers and sockets: the hub's logic without a browser. */
function rig() {
  const timers: { at: number; fn: () => void; id: number }[] = [];
  let now = 0;
  let nextId = 1;
  const sockets: (SocketLike & { path: string; closed: boolean })[] = [];
  const hub = new StreamHub({
    connect: (path) => {
      const s = { path, closed: false, onopen: null, onmessage: null, onclose: null, onerror: null, close() { this.closed = true; } };
      sockets.push(s);
      return s;
    },
    timers: {
      setTimeout: (fn, ms) => (timers.push({ at: now + ms, fn, id: nextId }), nextId++),
      clearTimeout: (h) => {
        const i = timers.findIndex((t) => t.id === h);
        if (i >= 0) timers.splice(i, 1);
      },
    },
    flushMs: 100,
    maxBuffer: 3,
    backoffMs: { initial: 500, max: 4000 },
  });
  const advance = (ms: number) => {
    now += ms;
    for (;;) {
      timers.sort((a, b) => a.at - b.at);
      const t = timers[0];
      if (!t || t.at > now) break;
      timers.shift();
      t.fn();
    }
  };
  return { hub, sockets, advance, pending: () => timers.length };
}

test('one socket per path, shared by all subscribers; closed with the last one', () => {
  const { hub, sockets } = rig();
  const a = hub.subscribe('/traffic', { onBatch: () => {} });
  const b = hub.subscribe('/traffic', { onBatch: () => {} });
  const c = hub.subscribe('/logs?level=info', { onBatch: () => {} });
  assert.equal(sockets.length, 2);
  assert.equal(hub.refCount('/traffic'), 2);
  a();
  a(); // idempotent
  assert.equal(hub.refCount('/traffic'), 1);
  assert.equal(sockets[0]!.closed, false);
  b();
  assert.equal(sockets[0]!.closed, true);
  assert.equal(hub.status('/traffic'), 'closed');
  c();
  assert.equal(sockets[1]!.closed, true);
});

test('messages are batched per flush interval and the buffer is bounded (oldest dropped)', () => {
  const { hub, sockets, advance } = rig();
  const got: number[][] = [];
  hub.subscribe<number>('/traffic', { onBatch: (b) => got.push(b) });
  const s = sockets[0]!;
  s.onopen!();
  for (let i = 1; i <= 5; i++) s.onmessage!({ data: String(i) });
  s.onmessage!({ data: 'not json' });
  assert.deepEqual(got, [], 'nothing before the flush tick');
  advance(100);
  assert.deepEqual(got, [[3, 4, 5]]);
  advance(1000);
  assert.equal(got.length, 1, 'no empty batches');
});

test('an unexpected close reconnects with capped exponential backoff; a successful open resets it', () => {
  const { hub, sockets, advance } = rig();
  const statuses: string[] = [];
  hub.subscribe('/connections', { onBatch: () => {}, onStatus: (s) => statuses.push(s) });
  sockets[0]!.onclose!();
  assert.equal(hub.status('/connections'), 'reconnecting');
  advance(499);
  assert.equal(sockets.length, 1);
  advance(1);
  assert.equal(sockets.length, 2, 'retry after 500 ms');
  sockets[1]!.onclose!();
  advance(999);
  assert.equal(sockets.length, 2);
  advance(1);
  assert.equal(sockets.length, 3, 'then after 1000 ms');
  sockets[2]!.onopen!();
  assert.equal(hub.status('/connections'), 'open');
  sockets[2]!.onclose!();
  advance(500);
  assert.equal(sockets.length, 4, 'backoff reset after an open');
  assert.deepEqual(statuses.slice(0, 3), ['connecting', 'reconnecting', 'reconnecting']);
  assert.equal(backoffDelay(10, 500, 4000), 4000);
});

test('unsubscribing while reconnecting cancels the retry', () => {
  const { hub, sockets, advance, pending } = rig();
  const off = hub.subscribe('/memory', { onBatch: () => {} });
  sockets[0]!.onclose!();
  off();
  assert.equal(pending(), 0);
  advance(10000);
  assert.equal(sockets.length, 1);
});

test('BoundedBuffer counts what it dropped', () => {
  const b = new BoundedBuffer<number>(2);
  [1, 2, 3, 4].forEach((x) => b.push(x));
  assert.deepEqual(b.drain(), [3, 4]);
  assert.equal(b.dropped, 2);
  assert.equal(b.size, 0);
});

test('controller address: URL params, then the Electron bridge, then saved, then same origin', () => {
  const base = { hash: '', origin: 'http://192.0.2.1:9090', protocol: 'http:' };
  assert.deepEqual(resolveController({ ...base, search: '?host=192.0.2.7&port=9999&secret=s' }), { baseUrl: 'http://192.0.2.7:9999', secret: 's', source: 'url' });
  assert.deepEqual(resolveController({ ...base, search: '', hash: '#/rules?host=2001:db8::1&port=1&secret=x' }), { baseUrl: 'http://[2001:db8::1]:1', secret: 'x', source: 'url' });
  assert.deepEqual(resolveController({ ...base, search: '?secret=abc' }), { baseUrl: 'http://192.0.2.1:9090', secret: 'abc', source: 'url' });
  const file = { search: '', hash: '', origin: 'null', protocol: 'file:' };
  assert.deepEqual(resolveController({ ...file, bridge: { url: 'http://127.0.0.1:9090/', secret: 'b' } }), { baseUrl: 'http://127.0.0.1:9090', secret: 'b', source: 'bridge' });
  assert.equal(resolveController({ ...file, saved: { baseUrl: 'http://h:1', secret: '' } }).source, 'saved');
  assert.equal(resolveController(file).source, 'none');
  assert.equal(resolveController({ ...base, search: '' }).source, 'same-origin');
  assert.equal(streamUrl('http://127.0.0.1:9090', '/logs?level=info', 'a b'), 'ws://127.0.0.1:9090/logs?level=info&token=a+b');
  assert.equal(streamUrl('https://gw:1', '/traffic', ''), 'wss://gw:1/traffic');
});

function conn(id: string, host: string, up: number, down: number, rule = 'DomainSuffix', chains = ['up1', 'Proxy']): ApiConnection {
  return {
    id, upload: up, download: down, start: '2026-11-22T12:00:00Z', chains, providerChains: [], rule, rulePayload: 'example.com',
    metadata: {
      network: 'tcp', type: 'Socks5', sourceIP: '192.0.2.10', destinationIP: '203.0.113.5', sourceGeoIP: null, destinationGeoIP: null,
      sourceIPASN: '', destinationIPASN: '', sourcePort: '50000', destinationPort: '443', inboundIP: '127.0.0.1', inboundPort: '7890',
      inboundName: 'mixed', inboundUser: '', host, dnsMode: 'normal', uid: 0, process: '', processPath: '', specialProxy: '',
      specialRules: '', remoteDestination: '', dscp: 0, sniffHost: '',
    },
  };
}

test('rows: host or IP, rule with payload, chain group first, speeds from the previous snapshot', () => {
  const r1 = toRows([conn('a', 'www.example.com', 100, 1000)], new Map(), 0);
  assert.equal(r1[0]!.rule, 'DomainSuffix(example.com)');
  assert.equal(r1[0]!.chain, 'Proxy → up1');
  assert.equal(r1[0]!.destination, '203.0.113.5:443');
  const r2 = toRows([conn('a', 'www.example.com', 600, 3000)], new Map(r1.map((r) => [r.id, r])), 2000);
  assert.equal(r2[0]!.upSpeed, 250);
  assert.equal(r2[0]!.downSpeed, 1000);
  assert.equal(toRows([conn('b', '', 0, 0)], new Map(), 0)[0]!.host, '203.0.113.5');
});

test('filter (all terms, field:value) and sort (stable) on 5,000 rows', () => {
  const conns = Array.from({ length: 5000 }, (_, i) => conn(String(i), i % 2 ? `a${i}.example.org` : `b${i}.test`, i, 5000 - i, i % 3 ? 'Match' : 'DomainSuffix'));
  const rows = toRows(conns, new Map(), 0);
  const t0 = performance.now();
  const f = filterRows(rows, 'example.org rule:match');
  const s = sortRows(f, { key: 'download', desc: true });
  const ms = performance.now() - t0;
  assert.ok(f.every((r) => r.host.includes('example.org') && r.rule.startsWith('Match')));
  assert.equal(f.length, conns.filter((_, i) => i % 2 && i % 3).length);
  for (let i = 1; i < s.length; i++) assert.ok(s[i - 1]!.download >= s[i]!.download);
  assert.ok(ms < 200, `filter+sort took ${ms.toFixed(1)} ms`);
  assert.deepEqual(filterRows(rows, '  ').length, 5000);
});

test('virtual window renders only what is in view plus overscan', () => {
  assert.deepEqual(visibleRange(0, 680, 34, 5000), { start: 0, end: 28 });
  assert.deepEqual(visibleRange(34 * 1000, 680, 34, 5000), { start: 992, end: 1028 });
  assert.deepEqual(visibleRange(34 * 4990, 680, 34, 5000), { start: 4982, end: 5000 });
});

test('traffic window keeps the last 300 samples', () => {
  let s = { t: [] as number[], up: [] as number[], down: [] as number[] };
  for (let i = 0; i < 400; i++) s = appendTraffic(s, [{ up: i, down: 2 * i, upTotal: 0, downTotal: 0 }], 1000 + i);
  assert.equal(s.t.length, 300);
  assert.equal(s.t[299], 1399);
  assert.equal(s.up[0], 100);
});
