// The connection table: mihomo's /connections shape, sampled byte counters,
// totals that survive closing, a bounded newest-first history, kill paths.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createConnectionTracker } from '../../../main/stats/tracker.js';
import { newMetadata } from '../../../main/core/metadata.js';
import { NULL_LOGGER } from '../../../main/core/logger.js';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function counters(init = { up: 0, down: 0 }) {
  const c = { ...init };
  return { c, counters: { upload: () => c.up, download: () => c.down } };
}

const meta = () =>
  newMetadata({ network: 'tcp', type: 'TProxy', srcIP: '192.0.2.10', srcPort: 40000, dstIP: '203.0.113.5', dstPort: 443, host: 'example.com', inboundPort: 7893 });

test('snapshot has mihomo field names and types: uuid v4 ids, RFC3339 start, ports as strings', () => {
  const t = createConnectionTracker({ logger: NULL_LOGGER, now: () => Date.UTC(2026, 10, 22, 12, 0, 0) });
  const { counters: k } = counters({ up: 10, down: 20 });
  t.open({ meta: meta(), chains: ['hk-01', 'Proxy'], rule: 'DomainSuffix', rulePayload: 'example.com' }, k, () => {});
  const s = t.snapshot();
  assert.equal(s.uploadTotal, 10);
  assert.equal(s.downloadTotal, 20);
  assert.ok(s.memory > 0);
  const c = s.connections[0]!;
  assert.match(c.id, UUID_V4);
  assert.equal(c.start, '2026-11-22T12:00:00.000Z');
  assert.deepEqual(c.chains, ['hk-01', 'Proxy']);
  assert.deepEqual(c.providerChains, ['', '']);
  assert.equal(c.rule, 'DomainSuffix');
  assert.equal(c.metadata.sourcePort, '40000');
  assert.equal(c.metadata.destinationPort, '443');
  assert.equal(c.metadata.inboundPort, '7893');
  assert.equal(c.metadata.sourceIP, '192.0.2.10');
  assert.equal(c.metadata.destinationIP, '203.0.113.5');
  assert.equal(c.metadata.host, 'example.com');
  assert.equal(c.metadata.type, 'TProxy');
  assert.equal(c.metadata.destinationGeoIP, null);
  assert.equal(c.metadata.uid, 0);
});

test('bytes are sampled from counters at read time, and update() patches what is known', () => {
  const t = createConnectionTracker({ logger: NULL_LOGGER });
  const { c, counters: k } = counters();
  const tc = t.open({ meta: meta(), chains: ['DIRECT'], rule: '', rulePayload: '' }, k, () => {});
  c.up = 100;
  c.down = 5000;
  tc.update({ chains: ['up-1', 'Proxy'], rule: 'Match' });
  const s = t.snapshot().connections[0]!;
  assert.equal(s.upload, 100);
  assert.equal(s.download, 5000);
  assert.deepEqual(s.chains, ['up-1', 'Proxy']);
  assert.equal(s.rule, 'Match');
});

test('closing moves a connection to the history with end time and reason; totals keep its bytes', () => {
  let clock = 1_000_000;
  const t = createConnectionTracker({ logger: NULL_LOGGER, now: () => clock });
  const a = counters({ up: 7, down: 9 });
  const b = counters({ up: 1, down: 2 });
  const ca = t.open({ meta: meta(), chains: ['DIRECT'], rule: '', rulePayload: '' }, a.counters, () => {});
  t.open({ meta: meta(), chains: ['DIRECT'], rule: '', rulePayload: '' }, b.counters, () => {});
  clock += 5000;
  ca.closed('reset');
  ca.closed('again'); // idempotent
  a.c.up = 1e9; // counters after close are not read any more
  assert.equal(t.size(), 1);
  assert.deepEqual(t.totals(), { upload: 8, download: 11 });
  const h = t.closedHistory();
  assert.equal(h.length, 1);
  assert.equal(h[0]!.id, ca.id);
  assert.equal(h[0]!.reason, 'reset');
  assert.equal(h[0]!.upload, 7);
  assert.equal(h[0]!.end, new Date(1_005_000).toISOString());
  const snap = t.snapshot();
  assert.equal(snap.uploadTotal, 8);
  assert.equal(snap.connections.length, 1);
});

test('history is bounded and newest first', () => {
  const t = createConnectionTracker({ logger: NULL_LOGGER, historySize: 3 });
  const ids: string[] = [];
  for (let i = 0; i < 10; i++) {
    const tc = t.open({ meta: meta(), chains: ['DIRECT'], rule: '', rulePayload: '' }, counters().counters, () => {});
    ids.push(tc.id);
    tc.closed('closed');
  }
  assert.deepEqual(t.closedHistory().map((c) => c.id), ids.slice(-3).reverse());
});

test('kill(id) calls the kill callback; unknown ids are false; killAll tolerates callbacks that close synchronously', () => {
  const t = createConnectionTracker({ logger: NULL_LOGGER });
  let killed = 0;
  const tcs: { closed(r: string): void; id: string }[] = [];
  for (let i = 0; i < 5; i++) {
    const tc = t.open({ meta: meta(), chains: ['DIRECT'], rule: '', rulePayload: '' }, counters().counters, () => {
      killed++;
      tc.closed('killed');
    });
    tcs.push(tc);
  }
  assert.equal(t.kill('no-such-id'), false);
  assert.equal(t.kill(tcs[0]!.id), true);
  assert.equal(killed, 1);
  assert.equal(t.kill(tcs[0]!.id), false);
  assert.equal(t.killAll(), 4);
  assert.equal(killed, 5);
  assert.equal(t.size(), 0);
  assert.equal(t.closedHistory()[0]!.reason, 'killed');
});

test('broken counters and kill callbacks do not break the table', () => {
  const t = createConnectionTracker({ logger: NULL_LOGGER });
  t.open({ meta: meta(), chains: ['DIRECT'], rule: '', rulePayload: '' }, { upload: () => { throw new Error('gone'); }, download: () => NaN }, () => {
    throw new Error('boom');
  });
  assert.deepEqual(t.totals(), { upload: 0, download: 0 });
  assert.equal(t.killAll(), 1);
});
