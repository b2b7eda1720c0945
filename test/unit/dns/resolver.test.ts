import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import net from 'node:net';
import dnsPacket from 'dns-packet';
import { UpstreamResolver } from '../../../main/dns/resolver.js';
import { parseNameserver, parseNameservers } from '../../../main/dns/nameserver.js';
import { createHostsTable } from '../../../main/dns/hosts.js';
import { SyError } from '../../../main/core/errors.js';
import { createLogHub, type LogRecord } from '../../../main/core/logger.js';
import { startBlackhole, startTestUpstream, type TestUpstream } from './upstream-fixture.js';

let up: TestUpstream;
let hole: { address: string; close(): void };
before(async () => {
  up = await startTestUpstream();
  hole = await startBlackhole();
});
after(async () => {
  await up.close();
  hole.close();
});

const make = (extra: Partial<ConstructorParameters<typeof UpstreamResolver>[0]> = {}) =>
  new UpstreamResolver({ nameservers: [up.address], timeoutMs: 1000, ...extra });

test('nameserver forms: udp://, tcp://, tls://, https://, plain ip, ip:port, [v6]:port; quic/dhcp/system skipped with a warning', () => {
  assert.deepEqual(parseNameserver('udp://192.0.2.1:5353'), { proto: 'udp', host: '192.0.2.1', port: 5353, family: 4, path: '', skipCertVerify: false, proxy: '', params: {}, raw: 'udp://192.0.2.1:5353' });
  assert.equal(parseNameserver('tcp://192.0.2.1')!.port, 53);
  assert.equal(parseNameserver('192.0.2.1')!.proto, 'udp');
  assert.equal(parseNameserver('192.0.2.1:54')!.port, 54);
  assert.deepEqual(parseNameserver('[2001:db8::53]:53')!.host, '2001:db8::53');
  assert.equal(parseNameserver('2001:db8::53')!.family, 6);
  const doh = parseNameserver('https://dns.example/dns-query#skip-cert-verify=true&h3=true')!;
  assert.deepEqual([doh.proto, doh.host, doh.port, doh.family, doh.path, doh.skipCertVerify], ['https', 'dns.example', 443, 0, '/dns-query', true]);
  assert.equal(parseNameserver('https://192.0.2.1')!.path, '/dns-query');
  assert.equal(parseNameserver('https://dns.example:8443/q?ct=1')!.path, '/q?ct=1');
  assert.deepEqual([parseNameserver('tls://dns.example')!.port, parseNameserver('tls://[2001:db8::1]:8853')!.port], [853, 8853]);
  assert.deepEqual([parseNameserver('udp://dns.example')!.host, parseNameserver('udp://dns.example')!.family], ['dns.example', 0]);
  assert.equal(parseNameserver('tls://192.0.2.1#PROXY')!.proxy, 'PROXY');
  const r = parseNameservers(['https://dns.example/dns-query#h3=true', 'quic://192.0.2.1', 'tls://192.0.2.1#Proxy', '192.0.2.2']);
  assert.equal(r.servers.length, 3);
  // #Proxy is a route (dialed through that outbound, dns/proxied.ts), not an ignored parameter.
  assert.deepEqual(r.warnings.map((w) => w.code), ['SY_ERR_DNS_IGNORED_PARAM', 'SY_ERR_DNS_UNSUPPORTED_NAMESERVER']);
  for (const bad of ['ftp://192.0.2.1', '192.0.2.1:99999', '', 'tls://192.0.2.1/path', 'udp://', 'udp://a b']) {
    assert.throws(() => parseNameserver(bad), (e: unknown) => e instanceof SyError && e.code === 'SY_ERR_DNS_BAD_NAMESERVER', bad);
  }
});

test('A and AAAA answers; resolve() returns both families and fills the host cache', async () => {
  const r = make();
  const a = await r.query('a.test', 'A');
  assert.equal(a.rcode, 'NOERROR');
  assert.deepEqual(a.answers.map((x) => (x as { data: unknown }).data), ['192.0.2.10']);
  assert.deepEqual((await r.resolve('A.TEST.')).sort(), ['192.0.2.10', '2001:db8::10']);
  assert.equal(r.hostCache.hostOf('192.0.2.10'), 'a.test');
  assert.equal(r.hostCache.hostOf('2001:db8::10'), 'a.test');
});

test('CNAME chains are followed; the host cache remembers the name asked for', async () => {
  const r = make({ ipv6: false });
  assert.deepEqual(await r.resolve('alias.test'), ['192.0.2.10']);
  assert.equal(r.hostCache.hostOf('192.0.2.10'), 'alias.test');
});

test('a truncated UDP answer is retried over TCP', async () => {
  const r = make();
  const before = up.count('big.test', 'A', 'tcp');
  const res = await r.query('big.test', 'A');
  assert.equal(res.answers.length, 3);
  assert.equal(up.count('big.test', 'A', 'tcp'), before + 1);
});

test('tcp:// nameservers are asked over TCP only', async () => {
  const r = new UpstreamResolver({ nameservers: [`tcp://${up.address}`], timeoutMs: 1000 });
  const udpBefore = up.count('a.test', 'MX', 'udp');
  const res = await r.query('a.test', 'MX');
  assert.equal(res.rcode, 'NOERROR');
  assert.equal(up.count('a.test', 'MX', 'tcp'), 1);
  assert.equal(up.count('a.test', 'MX', 'udp'), udpBefore);
});

test('servers are asked in parallel: a dead one does not delay the answer', async () => {
  const r = make({ nameservers: [hole.address, up.address], timeoutMs: 1500 });
  const t0 = Date.now();
  assert.deepEqual(await r.resolve('a.test'), ['192.0.2.10', '2001:db8::10']);
  assert.ok(Date.now() - t0 < 700, `took ${Date.now() - t0} ms`);
});

test('only dead servers: query rejects with SY_ERR_DNS_TIMEOUT after the timeout; resolve gives []', async () => {
  const r = make({ nameservers: [hole.address], timeoutMs: 300 });
  const t0 = Date.now();
  await assert.rejects(r.query('a.test', 'A'), (e: unknown) => e instanceof SyError && e.code === 'SY_ERR_DNS_TIMEOUT');
  const took = Date.now() - t0;
  assert.ok(took >= 250 && took < 1500, `took ${took} ms`);
  assert.deepEqual(await r.resolve('a.test'), []);
});

test('a slow server still answers within the timeout', async () => {
  const r = make();
  assert.deepEqual(await r.resolve('slow.test'), ['192.0.2.30']);
});

test('SERVFAIL is passed through but not cached; NXDOMAIN is cached briefly', async () => {
  const r = make();
  assert.equal((await r.query('fail.test', 'A')).rcode, 'SERVFAIL');
  assert.equal((await r.query('fail.test', 'A')).cached, false);
  assert.deepEqual(await r.resolve('fail.test'), []);
  const nx = await r.query('nope.test', 'A');
  assert.equal(nx.rcode, 'NXDOMAIN');
  assert.equal((await r.query('nope.test', 'A')).cached, true);
  assert.equal(r.cache.ttlOf(nx), 5, 'SOA minimum');
});

test('the cache respects TTLs: answers age, expire, and are asked again', async () => {
  let now = 1_000_000;
  const r = make({ cache: { now: () => now } });
  const first = await r.query('short.test', 'A');
  assert.equal(first.cached, false);
  const asked = up.count('short.test', 'A');
  now += 1000;
  const second = await r.query('short.test', 'A');
  assert.equal(second.cached, true);
  assert.equal((second.answers[0] as { ttl: number }).ttl, 1, 'TTL reduced by the time spent in the cache');
  assert.equal(up.count('short.test', 'A'), asked);
  now += 1500;
  assert.equal((await r.query('short.test', 'A')).cached, false, 'expired after 2 s');
  assert.equal(up.count('short.test', 'A'), asked + 1);
});

test('TTL clamp: min and max', async () => {
  let now = 0;
  const r = make({ cache: { now: () => now, minTtl: 10, maxTtl: 30 } });
  await r.query('short.test', 'A'); // ttl 2 -> 10
  now += 9000;
  assert.equal((await r.query('short.test', 'A')).cached, true);
  await r.query('a.test', 'A'); // ttl 60 -> 30
  now += 31000;
  assert.equal((await r.query('a.test', 'A')).cached, false);
});

test('identical concurrent questions share one exchange', async () => {
  const r = make();
  const before = up.count('slow.test', 'AAAA');
  await Promise.all([r.query('slow.test', 'AAAA'), r.query('slow.test', 'AAAA'), r.query('SLOW.test', 'AAAA')]);
  assert.equal(up.count('slow.test', 'AAAA'), before + 1);
});

test('sockets come from the injected factory', async () => {
  const made: string[] = [];
  const r = make({
    sockets: {
      udp: (f) => { made.push(`udp${f}`); return dgram.createSocket('udp4'); },
      tcp: (f) => { made.push(`tcp${f}`); return new net.Socket(); },
    },
  });
  await r.query('big.test', 'A');
  assert.deepEqual(made, ['udp4', 'tcp4']);
});

test('hosts entries and IP literals resolve without asking upstream', async () => {
  const r = make({ hosts: createHostsTable({ 'router.lan': ['192.0.2.1'], '+.nas.lan': ['192.0.2.2', '2001:db8::2'] }) });
  assert.deepEqual(await r.resolve('router.lan'), ['192.0.2.1']);
  assert.deepEqual(await r.resolve('x.nas.lan'), ['192.0.2.2', '2001:db8::2']);
  assert.deepEqual(await r.resolve('192.0.2.99'), ['192.0.2.99']);
  assert.equal(up.count('router.lan'), 0);
});

test('no usable nameserver: a coded warning at construction, coded rejection on query', async () => {
  const hub = createLogHub({ sink: null });
  const recs: LogRecord[] = [];
  hub.subscribe((x) => recs.push(x));
  const r = new UpstreamResolver({ nameservers: ['quic://dns.example'], logger: hub.logger });
  assert.deepEqual(recs.map((x) => x.fields.code), ['SY_ERR_DNS_UNSUPPORTED_NAMESERVER', 'SY_ERR_DNS_NO_NAMESERVER']);
  await assert.rejects(r.query('a.test', 'A'), (e: unknown) => e instanceof SyError && e.code === 'SY_ERR_DNS_NO_NAMESERVER');
});

test('a socket factory that fails (throws, or hands out a dead socket) gives a coded error, not a crash', async () => {
  const throwing = make({ sockets: { udp: () => { throw new Error('EPERM: no CAP_NET_ADMIN'); }, tcp: () => new net.Socket() } });
  await assert.rejects(throwing.query('a.test', 'A'), (e: unknown) => e instanceof SyError && e.code === 'SY_ERR_DNS_RESOLVE' && /EPERM/.test(e.message));
  const dead = make({ sockets: { udp: () => { const s = dgram.createSocket('udp4'); s.close(); return s; }, tcp: () => new net.Socket() } });
  await assert.rejects(dead.query('a.test', 'A'), (e: unknown) => e instanceof SyError && e.code.startsWith('SY_ERR_DNS_'));
  assert.deepEqual(await dead.resolve('a.test'), []);
});

test('#ecs=CIDR adds an EDNS Client Subnet option with the host bits cleared; a bad CIDR is a coded error', async (t) => {
  const { buildQuery } = await import('../../../main/dns/exchange.js');
  const ns = parseNameserver('tls://192.0.2.1#ecs=198.51.100.77/24&ecs-override=true')!;
  assert.deepEqual(ns.ecs, { family: 1, ip: '198.51.100.0', prefix: 24 });
  assert.deepEqual(parseNameserver('https://192.0.2.1/dns-query#ecs=2001:db8:1:2::5/48')!.ecs, { family: 2, ip: '2001:db8:1::', prefix: 48 });
  const opt = dnsPacket.decode(buildQuery({ name: 'a.test', type: 'A' }, 1, ns.ecs)).additionals!.find((a) => a.type === 'OPT') as dnsPacket.OptAnswer;
  const cs = opt.options[0] as unknown as { code: unknown; sourcePrefixLength: number; ip: string };
  assert.deepEqual([cs.code, cs.sourcePrefixLength, cs.ip], [8, 24, '198.51.100.0'], 'option 8 = CLIENT_SUBNET');
  assert.equal((dnsPacket.decode(buildQuery({ name: 'a.test', type: 'A' }, 1)).additionals![0] as dnsPacket.OptAnswer).options.length, 0);
  for (const bad of ['udp://192.0.2.1#ecs=nope', 'udp://192.0.2.1#ecs=192.0.2.0/33']) {
    assert.throws(() => parseNameserver(bad), (e: unknown) => e instanceof SyError && e.code === 'SY_ERR_DNS_BAD_NAMESERVER', bad);
  }
  // Over the wire: the upstream still answers a query that carries the option.
  const r = new UpstreamResolver({ nameservers: [`udp://${up.address}#ecs=198.51.100.0/24`], timeoutMs: 1000 });
  t.after(() => r.close());
  assert.equal((await r.query('a.test', 'A')).rcode, 'NOERROR');
});
