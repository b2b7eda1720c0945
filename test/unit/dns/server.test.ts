import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { createDnsServer, type DnsServer } from '../../../main/dns/server.js';
import { createFakeIpPool } from '../../../main/dns/fake-ip-pool.js';
import { UpstreamResolver } from '../../../main/dns/resolver.js';
import { createHostsTable } from '../../../main/dns/hosts.js';
import { NULL_LOGGER } from '../../../main/core/logger.js';
import { SyError } from '../../../main/core/errors.js';
import { startTestUpstream, startBlackhole, type TestUpstream } from './upstream-fixture.js';
import { queryPacket, tcpQueries, udpQuery, udpRaw } from './client.js';

let up: TestUpstream;
const servers: DnsServer[] = [];
before(async () => {
  up = await startTestUpstream();
});
after(async () => {
  for (const s of servers) await s.close();
  await up.close();
});

const many = Array.from({ length: 40 }, (_, i) => `192.0.2.${100 + i}`);
async function start(extra: Partial<Parameters<typeof createDnsServer>[0]> & { range6?: string } = {}) {
  const fakeIp = createFakeIpPool({ range: '198.18.0.1/16', range6: extra.range6 ?? '', filter: ['a.test', '+.alias.test'] });
  const upstream = new UpstreamResolver({ nameservers: [up.address], timeoutMs: 1000 });
  const hosts = createHostsTable({ 'router.lan': ['192.0.2.1'], 'many.lan': many, 'v6.lan': ['2001:db8::1'] });
  const server = createDnsServer({ listen: { host: '127.0.0.1', port: 0 }, mode: 'fake-ip', fakeIp, upstream, hosts, logger: NULL_LOGGER, ipv6: true, ...extra });
  servers.push(server);
  await server.start();
  return { server, port: server.address().port, fakeIp, upstream };
}

test('fake-ip: A answered from the pool with TTL 1; the same name keeps its IP', async () => {
  const { port, fakeIp } = await start();
  const r = await udpQuery(port, 'www.Example.com', 'A');
  assert.equal(r.rcode, 'NOERROR');
  assert.equal(r.answers!.length, 1);
  const a = r.answers![0]! as { data: string; ttl: number; name: string };
  assert.ok(fakeIp.contains(a.data) && a.data.startsWith('198.18.'));
  assert.equal(a.ttl, 1);
  assert.equal(a.name, 'www.Example.com', 'the question name is echoed as asked');
  assert.equal(fakeIp.lookupHost(a.data), 'www.example.com');
  assert.equal((await udpQuery(port, 'www.example.com', 'A')).answers![0]!.data, a.data);
  assert.equal(up.count('www.example.com'), 0, 'fake answers never touch the upstream');
});

test('fake-ip: an IP literal asked as a name answers itself, never a fake IP', async () => {
  const { port, fakeIp } = await start();
  assert.deepEqual((await udpQuery(port, '192.0.2.77', 'A')).answers.map((x) => x.data), ['192.0.2.77']);
  assert.equal((await udpQuery(port, '192.0.2.77', 'AAAA')).answers.length, 0);
  assert.equal(fakeIp.size(4), 0);
});

test('fake-ip-filter names get the real answer from upstream', async () => {
  const { port } = await start();
  assert.deepEqual((await udpQuery(port, 'a.test', 'A')).answers!.map((x) => x.data), ['192.0.2.10']);
  const alias = await udpQuery(port, 'alias.test', 'A');
  assert.deepEqual(alias.answers!.map((x) => x.type), ['CNAME', 'CNAME', 'A']);
});

test('AAAA: fake v6 with a v6 range, empty without one, empty with ipv6 off', async () => {
  const v6 = await start({ range6: 'fdfe:dcba:9876::1/64' });
  const r6 = await udpQuery(v6.port, 'six.example', 'AAAA');
  assert.ok(v6.fakeIp.contains(r6.answers![0]!.data as string));
  const noRange = await start();
  const e = await udpQuery(noRange.port, 'six.example', 'AAAA');
  assert.equal(e.rcode, 'NOERROR');
  assert.equal(e.answers!.length, 0);
  const off = await start({ ipv6: false, mode: 'redir-host' });
  const o = await udpQuery(off.port, 'a.test', 'AAAA');
  assert.equal(o.rcode, 'NOERROR');
  assert.equal(o.answers!.length, 0);
  assert.equal(up.count('a.test', 'AAAA'), 0, 'ipv6 off: AAAA never asked upstream');
});

test('hosts entries are answered locally, by family', async () => {
  const { port } = await start();
  assert.deepEqual((await udpQuery(port, 'router.lan', 'A')).answers!.map((x) => x.data), ['192.0.2.1']);
  const aaaa = await udpQuery(port, 'router.lan', 'AAAA');
  assert.equal(aaaa.rcode, 'NOERROR');
  assert.equal(aaaa.answers!.length, 0);
  assert.deepEqual((await udpQuery(port, 'v6.lan', 'AAAA')).answers!.map((x) => x.data), ['2001:db8::1']);
});

test('other types are forwarded; NXDOMAIN and SERVFAIL pass through', async () => {
  const { port } = await start();
  assert.equal((await udpQuery(port, 'a.test', 'MX')).rcode, 'NOERROR');
  assert.equal(up.count('a.test', 'MX'), 1);
  assert.equal((await udpQuery(port, 'nope.test', 'TXT')).rcode, 'NXDOMAIN');
  assert.equal((await udpQuery(port, 'fail.test', 'TXT')).rcode, 'SERVFAIL');
});

test('an unreachable upstream gives SERVFAIL, not silence', async () => {
  const hole = await startBlackhole();
  try {
    const upstream = new UpstreamResolver({ nameservers: [hole.address], timeoutMs: 200 });
    const server = createDnsServer({ listen: { host: '127.0.0.1', port: 0 }, mode: 'normal', upstream, logger: NULL_LOGGER, ipv6: true });
    servers.push(server);
    await server.start();
    assert.equal((await udpQuery(server.address().port, 'a.test', 'A')).rcode, 'SERVFAIL');
  } finally {
    hole.close();
  }
});

test('redir-host: real answers, and the host cache learns ip -> name', async () => {
  const { port, upstream } = await start({ mode: 'redir-host' });
  assert.deepEqual((await udpQuery(port, 'www.test', 'A')).rcode, 'NXDOMAIN');
  assert.deepEqual((await udpQuery(port, 'alias.test', 'A')).answers!.at(-1)!.data, '192.0.2.10');
  assert.equal(upstream.hostCache.hostOf('192.0.2.10'), 'alias.test');
});

test('fake-ip: HTTPS/SVCB records are empty for fake-ip names (no real address hints, no ECH), forwarded for filtered names', async () => {
  const { port } = await start();
  const https = 'UNKNOWN_65' as Parameters<typeof udpQuery>[2];
  const r = await udpQuery(port, 'www.example.net', https);
  assert.equal(r.rcode, 'NOERROR');
  assert.equal(r.answers.length, 0);
  assert.equal(up.count('www.example.net'), 0);
  await udpQuery(port, 'a.test', https);
  assert.equal(up.count('a.test', 'UNKNOWN_65'), 1);
});

test('PTR of a fake IP names its host', async () => {
  const { port, fakeIp } = await start();
  const ip = fakeIp.allocate('ptr.example', 4);
  const rev = ip.split('.').reverse().join('.') + '.in-addr.arpa';
  assert.equal((await udpQuery(port, rev, 'PTR')).answers![0]!.data, 'ptr.example');
  assert.equal((await udpQuery(port, '254.254.18.198.in-addr.arpa', 'PTR')).rcode, 'NXDOMAIN');
});

test('UDP answers too big for 512 bytes are truncated (TC) unless EDNS allows more; TCP gets everything', async () => {
  const { port } = await start();
  const plain = await udpQuery(port, 'many.lan', 'A');
  assert.equal(plain.flag_tc, true);
  assert.equal(plain.answers!.length, 0);
  assert.equal((await udpQuery(port, 'many.lan', 'A', true)).answers!.length, 40);
  const [viaTcp] = await tcpQueries(port, [queryPacket('many.lan', 'A')]);
  assert.equal(viaTcp!.answers!.length, 40);
});

test('TCP: several queries on one connection are all answered', async () => {
  const { port } = await start();
  const names = ['x1.example', 'a.test', 'router.lan', 'nope.test', 'x2.example'];
  const replies = await tcpQueries(port, names.map((n, i) => queryPacket(n, n === 'nope.test' ? 'TXT' : 'A', 100 + i)));
  assert.deepEqual(replies.map((r) => r.id).sort(), [100, 101, 102, 103, 104]);
  const byId = new Map(replies.map((r) => [r.id, r]));
  assert.equal(byId.get(101)!.answers![0]!.data, '192.0.2.10');
  assert.equal(byId.get(103)!.rcode, 'NXDOMAIN');
});

test('TCP: idle connections are closed after the idle timeout', async () => {
  const { port } = await start({ tcpIdleMs: 150 });
  const s = net.connect(port, '127.0.0.1');
  const t0 = Date.now();
  await new Promise<void>((r) => s.on('close', () => r()));
  const took = Date.now() - t0;
  assert.ok(took >= 100 && took < 2000, `closed after ${took} ms`);
});

test('malformed queries: FORMERR when the header is readable, silence otherwise, responses ignored', async () => {
  const { port } = await start();
  const junk = Buffer.concat([Buffer.from([0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0]), Buffer.from([0x3f, 0x61])]);
  const r = await udpRaw(port, junk);
  assert.equal(r!.id, 0x1234);
  assert.equal(r!.rcode, 'FORMERR');
  assert.equal(await udpRaw(port, Buffer.from([1, 2, 3]), 200), null);
  const resp = Buffer.from(queryPacket('a.test', 'A'));
  resp[2]! |= 0x80; // QR: a response
  assert.equal(await udpRaw(port, resp, 200), null);
  const two = Buffer.from(queryPacket('a.test', 'A'));
  two.writeUInt16BE(0, 4); // QDCOUNT 0
  assert.equal((await udpRaw(port, two))!.rcode, 'FORMERR');
  const notify = Buffer.from(queryPacket('a.test', 'A'));
  notify[2] = (notify[2]! & 0x87) | (4 << 3); // opcode NOTIFY
  assert.equal((await udpRaw(port, notify))!.rcode, 'NOTIMP');
});

test('lifecycle: address() before start is a coded error; close is idempotent; a taken port is SY_ERR_DNS_LISTEN', async () => {
  const upstream = new UpstreamResolver({ nameservers: [up.address] });
  const s = createDnsServer({ listen: { host: '127.0.0.1', port: 0 }, mode: 'normal', upstream, logger: NULL_LOGGER, ipv6: true });
  assert.throws(() => s.address(), (e: unknown) => e instanceof SyError && e.code === 'SY_ERR_DNS_LISTEN');
  await s.start();
  const clash = createDnsServer({ listen: { host: '127.0.0.1', port: s.address().port }, mode: 'normal', upstream, logger: NULL_LOGGER, ipv6: true });
  await assert.rejects(clash.start(), (e: unknown) => e instanceof SyError && e.code === 'SY_ERR_DNS_LISTEN');
  await s.close();
  await s.close();
  await clash.close();
});

test('TCP: a client that half-closes after its queries still gets every answer', async () => {
  const { port } = await start();
  const s = net.connect(port, '127.0.0.1');
  const chunks: Buffer[] = [];
  s.on('data', (d: Buffer) => chunks.push(d));
  const msgs = [queryPacket('h1.example', 'A', 1), queryPacket('a.test', 'A', 2)];
  s.end(Buffer.concat(msgs.flatMap((m) => { const l = Buffer.alloc(2); l.writeUInt16BE(m.length); return [l, m]; })));
  await new Promise<void>((r, j) => { s.on('close', () => r()); setTimeout(() => j(new Error('not closed')), 2000).unref(); });
  const all = Buffer.concat(chunks);
  const ids: number[] = [];
  for (let o = 0; o + 2 <= all.length; o += 2 + all.readUInt16BE(o)) ids.push(all.readUInt16BE(o + 2));
  assert.deepEqual(ids.sort(), [1, 2]);
});
