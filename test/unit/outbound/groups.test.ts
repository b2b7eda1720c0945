// Groups over real sockets: select persists its choice, url-test picks the
// fastest member (real HTTP CONNECT proxies with different delays), fallback
// moves on when its first member dies (a real dante stopped mid-test),
// load-balance hashes consistently, nested groups give leaf-first chains.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { buildOutbounds, type OutboundSet } from '../../../main/outbound/build.js';
import { plainSocketFactory } from '../../../main/outbound/socket-factory.js';
import { memoryStateStore } from '../../../main/outbound/state-store.js';
import { NULL_LOGGER } from '../../../main/core/logger.js';
import type { Config } from '../../../main/config/types.js';
import { danteAvailable, startDante } from '../../helpers/dante.js';
import { connectProxy, httpServer, meta, tableResolver } from './peers.js';
import { group, proxy } from './configs.js';

const sets: OutboundSet[] = [];
function build(cfg: Pick<Config, 'proxies' | 'proxyGroups'>, state = memoryStateStore()) {
  const set = buildOutbounds(cfg, { sockets: plainSocketFactory, resolver: tableResolver(), state, logger: NULL_LOGGER, connectTimeoutMs: 2000 });
  sets.push(set);
  return set;
}
after(() => sets.forEach((s) => s.close()));

let web: Awaited<ReturnType<typeof httpServer>>;
before(async () => {
  web = await httpServer(0);
});
after(() => web.close());

test('select: default is the first usable member, the choice persists across rebuilds, unknown members are refused', () => {
  const cfg = {
    proxies: [proxy({ name: 'vm', type: 'vmess', supported: false }), proxy({ name: 'a' }), proxy({ name: 'b' })],
    proxyGroups: [group({ name: 'sel', type: 'select', proxies: ['vm', 'a', 'b'] })],
  };
  const state = memoryStateStore();
  const s1 = build(cfg, state);
  const sel = s1.group('sel')!;
  assert.equal(sel.now(), 'a', 'the unsupported vmess member is skipped');
  sel.select!('b');
  assert.deepEqual(sel.pick(meta())?.chain, ['b', 'sel']);
  assert.throws(() => sel.select!('nope'), { code: 'SY_ERR_NET_BAD_MEMBER' });
  const s2 = build(cfg, state);
  assert.equal(s2.group('sel')!.now(), 'b', 'restored from the StateStore');
  assert.equal(s2.get('vm')?.type, 'Vmess');
  assert.equal(s2.get('vm')?.alive(), false);
});

test('url-test picks the fastest member and respects tolerance', async (t) => {
  const slow = await connectProxy(300);
  const fast = await connectProxy(20);
  t.after(() => Promise.all([slow.close(), fast.close()]));
  const url = `http://127.0.0.1:${web.port}/generate_204`;
  const cfg = {
    proxies: [proxy({ name: 'slow', type: 'http', port: slow.port }), proxy({ name: 'fast', type: 'http', port: fast.port })],
    proxyGroups: [
      group({ name: 'auto', type: 'url-test', proxies: ['slow', 'fast'], url, interval: 300 }),
      group({ name: 'sticky', type: 'url-test', proxies: ['slow', 'fast'], url, interval: 300, tolerance: 5000 }),
    ],
  };
  const set = build(cfg);
  const auto = set.group('auto')!;
  const sticky = set.group('sticky')!;
  assert.equal(auto.now(), 'slow', 'before any test: the first member');
  assert.equal(sticky.now(), 'slow');
  await auto.checkNow();
  await sticky.checkNow();
  assert.equal(auto.now(), 'fast');
  assert.equal(sticky.now(), 'slow', 'within tolerance the current member stays');
  const slowDelay = set.get('slow')!.history().at(-1)!.delay;
  const fastDelay = set.get('fast')!.history().at(-1)!.delay;
  assert.ok(slowDelay >= 300 && fastDelay < slowDelay, `slow ${slowDelay} ms, fast ${fastDelay} ms`);
  assert.deepEqual(auto.pick(meta({ host: 'example.com' }))?.chain, ['fast', 'auto']);
});

test('fallback moves to the next member when the first dies', { skip: !danteAvailable() && 'dante-server is not installed' }, async (t) => {
  const dante = await startDante();
  t.after(() => dante.stop());
  const url = `http://127.0.0.1:${web.port}/`;
  const set = build({
    proxies: [proxy({ name: 'up', port: dante.port })],
    proxyGroups: [group({ name: 'fb', type: 'fallback', proxies: ['up', 'DIRECT'], url, interval: 300 })],
  });
  const fb = set.group('fb')!;
  await fb.checkNow();
  assert.equal(fb.now(), 'up');
  assert.ok(set.get('up')!.alive());
  await dante.stop();
  await fb.checkNow();
  assert.equal(set.get('up')!.alive(), false);
  assert.equal(fb.now(), 'DIRECT');
  assert.deepEqual(fb.pick(meta())?.chain, ['DIRECT', 'fb']);
  assert.equal(set.get('up')!.history().at(-1)!.delay, 0, 'the failed test is recorded as 0');
});

test('a group with no usable member picks nothing (the tunnel rejects), never DIRECT', () => {
  const set = build({
    proxies: [proxy({ name: 'ss1', type: 'ss', supported: false })],
    proxyGroups: [
      group({ name: 'fb', type: 'fallback', proxies: ['ss1'] }),
      group({ name: 'lb', type: 'load-balance', proxies: ['ss1'] }),
      group({ name: 'sel', type: 'select', proxies: ['ss1'] }),
    ],
  });
  for (const g of ['fb', 'lb', 'sel']) assert.equal(set.group(g)!.pick(meta()), null, g);
  assert.equal(set.group('fb')!.alive(), false);
});

test('load-balance: the same destination keeps its member; a dead member only moves its own destinations', () => {
  const set = build({
    proxies: ['p1', 'p2', 'p3'].map((name) => proxy({ name })),
    proxyGroups: [group({ name: 'lb', type: 'load-balance', proxies: ['p1', 'p2', 'p3'] })],
  });
  const lb = set.group('lb')!;
  const hosts = Array.from({ length: 300 }, (_, i) => `h${i}.example.com`);
  const before = new Map(hosts.map((h) => [h, lb.pick(meta({ host: h }))!.leaf.name]));
  const used = new Set(before.values());
  assert.equal(used.size, 3, 'all members get destinations');
  for (const h of hosts) assert.equal(lb.pick(meta({ host: h }))!.leaf.name, before.get(h));
  (set.get('p2') as unknown as { health: { record(d: number): void } }).health.record(0); // p2 fails its check
  for (const h of hosts) {
    const now = lb.pick(meta({ host: h }))!.leaf.name;
    assert.notEqual(now, 'p2');
    if (before.get(h) !== 'p2') assert.equal(now, before.get(h), `${h} stays`);
  }
});

test('nested groups: chain is leaf first, outer group last; GLOBAL lists everything', () => {
  const set = build({
    proxies: [proxy({ name: 'a' })],
    proxyGroups: [group({ name: 'inner', type: 'select', proxies: ['a'] }), group({ name: 'outer', type: 'select', proxies: ['inner', 'DIRECT'] })],
  });
  assert.deepEqual(set.group('outer')!.pick(meta())?.chain, ['a', 'inner', 'outer']);
  assert.deepEqual(set.group('GLOBAL')!.members, ['DIRECT', 'REJECT', 'a', 'inner', 'outer']);
  assert.deepEqual(set.all().slice(0, 4).map((o) => o.type), ['Direct', 'Reject', 'RejectDrop', 'Pass']);
});

test('TargetCheck: built-ins, PASS, missing targets, and UDP to TCP-only proxies and groups', () => {
  const set = build({
    proxies: [proxy({ name: 'tcponly', udp: false }), proxy({ name: 'both' }), proxy({ name: 'h', type: 'http' })],
    proxyGroups: [group({ name: 'g', type: 'select', proxies: ['tcponly', 'both'] }), group({ name: 'gp', type: 'select', proxies: ['PASS'] })],
  });
  assert.equal(set.status('DIRECT', 'udp'), 'ok');
  assert.equal(set.status('REJECT', 'tcp'), 'ok');
  assert.equal(set.status('REJECT-DROP', 'udp'), 'ok');
  assert.equal(set.status('PASS', 'tcp'), 'pass');
  assert.equal(set.status('gp', 'tcp'), 'pass');
  assert.equal(set.status('nope', 'tcp'), 'missing');
  assert.equal(set.status('tcponly', 'tcp'), 'ok');
  assert.equal(set.status('tcponly', 'udp'), 'no-udp');
  assert.equal(set.status('h', 'udp'), 'no-udp');
  assert.equal(set.status('g', 'udp'), 'no-udp', 'current pick is TCP-only');
  set.group('g')!.select!('both');
  assert.equal(set.status('g', 'udp'), 'ok');
});

test('testDelay: records into the history (bounded), times out with a coded error, unknown names are refused', async (t) => {
  const slowWeb = await httpServer(800);
  t.after(() => slowWeb.close());
  const set = build({ proxies: [], proxyGroups: [] });
  const d = await set.testDelay('DIRECT', `http://127.0.0.1:${web.port}/`, 2000);
  assert.ok(d >= 1);
  assert.equal(set.get('DIRECT')!.history().at(-1)!.delay, d);
  await assert.rejects(set.testDelay('DIRECT', `http://127.0.0.1:${slowWeb.port}/`, 150), { code: 'SY_ERR_NET_TIMEOUT' });
  assert.equal(set.get('DIRECT')!.history().at(-1)!.delay, 0);
  await assert.rejects(set.testDelay('DIRECT', `http://127.0.0.1:${web.port}/`, 2000, '200'), { code: 'SY_ERR_NET_DELAY' });
  await assert.rejects(set.testDelay('nope', 'http://127.0.0.1/', 100), { code: 'SY_ERR_NET_UNKNOWN_OUTBOUND' });
  for (let i = 0; i < 12; i++) await set.testDelay('DIRECT', `http://127.0.0.1:${web.port}/`, 2000);
  assert.equal(set.get('DIRECT')!.history().length, 10);
});

test('start() runs health checks on an interval; close() stops them', async (t) => {
  const counted = await httpServer(0);
  t.after(() => counted.close());
  const set = build({
    proxies: [],
    proxyGroups: [group({ name: 'fb', type: 'fallback', proxies: ['DIRECT'], url: `http://127.0.0.1:${counted.port}/`, interval: 1 })],
  });
  set.start();
  await new Promise((r) => setTimeout(r, 1300));
  set.close();
  const hits = counted.hits();
  assert.ok(hits >= 2, `initial check + one interval, got ${hits}`);
  await new Promise((r) => setTimeout(r, 1100));
  assert.equal(counted.hits(), hits, 'no checks after close()');
});

test('lazy: a group nobody uses is not tested; once used, it is', async (t) => {
  const counted = await httpServer(0);
  t.after(() => counted.close());
  const set = build({
    proxies: [],
    proxyGroups: [group({ name: 'lz', type: 'url-test', proxies: ['DIRECT'], url: `http://127.0.0.1:${counted.port}/`, interval: 1, lazy: true })],
  });
  set.start();
  const keep = setTimeout(() => {}, 5000);
  t.after(() => clearTimeout(keep));
  await new Promise((r) => setTimeout(r, 1200));
  assert.equal(counted.hits(), 0, 'unused: no checks');
  set.group('lz')!.pick(meta({ host: 'a.example' }));
  await new Promise((r) => setTimeout(r, 1100));
  set.close();
  assert.ok(counted.hits() >= 1, 'used: checked on the next interval');
});

test('testGroup: delays of the members that answered; failures are absent and recorded as 0', async (t) => {
  const dead = await connectProxy(0);
  const deadPort = dead.port;
  await dead.close();
  const set = build({
    proxies: [proxy({ name: 'gone', type: 'http', port: deadPort })],
    proxyGroups: [group({ name: 'g', type: 'fallback', proxies: ['gone', 'DIRECT'] })],
  });
  const res = await set.testGroup('g', `http://127.0.0.1:${web.port}/`, 2000);
  assert.deepEqual(Object.keys(res), ['DIRECT']);
  assert.ok(res.DIRECT! >= 1);
  assert.equal(set.get('gone')!.history().at(-1)!.delay, 0);
  assert.equal(set.group('g')!.now(), 'DIRECT');
  await assert.rejects(set.testGroup('DIRECT', 'http://127.0.0.1/', 100), { code: 'SY_ERR_NET_UNKNOWN_OUTBOUND' });
  void t;
});

test('url-test and fallback: a pinned member wins while usable; unpin returns to the strategy', async () => {
  const set = build({
    proxies: [proxy({ name: 'a' }), proxy({ name: 'b' })],
    proxyGroups: [group({ name: 'fb', type: 'fallback', proxies: ['a', 'b'] }), group({ name: 'ut', type: 'url-test', proxies: ['a', 'b'] })],
  });
  for (const name of ['fb', 'ut']) {
    const g = set.group(name)!;
    assert.equal(g.now(), 'a');
    g.pin!('b');
    assert.equal(g.fixed!(), 'b');
    assert.equal(g.now(), 'b');
    assert.throws(() => g.pin!('zzz'), { code: 'SY_ERR_NET_BAD_MEMBER' });
    g.unpin!();
    assert.equal(g.fixed!(), '');
    assert.equal(g.now(), 'a');
  }
  const fb = set.group('fb')!;
  fb.pin!('b');
  (set.get('b') as unknown as { health: { record(d: number): void } }).health.record(0);
  assert.equal(fb.now(), 'a', 'a dead pinned member is passed over');
  assert.equal(set.group('GLOBAL')!.pin, undefined, 'select groups are not pinnable');
});
