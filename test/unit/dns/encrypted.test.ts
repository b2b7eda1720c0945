// DoT and DoH upstreams against real local TLS servers with a certificate made
// by openssl for this run; default-nameserver resolving their host names.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { UpstreamResolver } from '../../../main/dns/resolver.js';
import { DEFAULT_SOCKET_FACTORY, type DnsSocketFactory } from '../../../main/dns/exchange.js';
import { SyError } from '../../../main/core/errors.js';
import { createLogHub, type LogRecord } from '../../../main/core/logger.js';
import { A, AAAA, makeCert, startDohZone, startDotZone, startUdpZone, type Cert, type Zone, type ZoneServer } from './zone-fixture.js';

const zone: Zone = (name, type) => {
  switch (name) {
    case 'a.test': return { answers: type === 'A' ? [A(name, '192.0.2.10')] : type === 'AAAA' ? [AAAA(name, '2001:db8::10')] : [] };
    case 'garbage.test': return 'garbage';
    case 'slow.test': return 'silent';
    case 'close.test': return 'close';
    case 'random.test': return 'random';
    case 'http500.test': return { http: 500 };
    case 'html.test': return { http: 200, type: 'text/html', body: Buffer.from('<html></html>') };
    default: return { rcode: 3, answers: [] };
  }
};
// The bootstrap (default-nameserver) zone: the DoH/DoT servers' names.
const bootZone: Zone = (name, type) =>
  ['doh.test', 'dot.test', 'wrong.test'].includes(name) && type === 'A' ? { answers: [A(name, '127.0.0.1')] } : { answers: [] };

let cert: Cert;
let dot: ZoneServer;
let doh: ZoneServer;
let boot: ZoneServer;
before(async () => {
  cert = makeCert();
  [dot, doh, boot] = await Promise.all([startDotZone(zone, cert), startDohZone(zone, cert), startUdpZone(bootZone)]);
});
after(async () => {
  await Promise.all([dot.close(), doh.close(), boot.close()]);
});

/** The default factory, counting the TCP sockets it hands out. */
function counting(): DnsSocketFactory & { tcpCount: number } {
  const f = {
    tcpCount: 0,
    udp: DEFAULT_SOCKET_FACTORY.udp,
    tcp(family: 4 | 6): net.Socket {
      f.tcpCount++;
      return DEFAULT_SOCKET_FACTORY.tcp(family);
    },
  };
  return f;
}

const isCode = (code: string, re?: RegExp) => (e: unknown) => e instanceof SyError && e.code === code && (!re || re.test(e.message));

function make(nameservers: string[], extra: Partial<ConstructorParameters<typeof UpstreamResolver>[0]> = {}): UpstreamResolver {
  const r = new UpstreamResolver({ nameservers, timeoutMs: 1500, tls: { ca: cert.cert }, defaultNameservers: [`127.0.0.1:${boot.port}`], ...extra });
  return r;
}

test('DoT: answers over TLS; one connection (from the injected factory) carries sequential and pipelined queries', async (t) => {
  const sockets = counting();
  const r = make([`tls://127.0.0.1:${dot.port}`], { sockets, cache: { maxEntries: 0 } });
  t.after(() => r.close());
  const before = dot.connections;
  assert.deepEqual(await r.resolve('a.test'), ['192.0.2.10', '2001:db8::10']);
  for (let i = 0; i < 3; i++) assert.equal((await r.query('a.test', 'A')).rcode, 'NOERROR');
  const names = Array.from({ length: 20 }, (_, i) => `n${i}.test`);
  const all = await Promise.all(names.map((n) => r.query(n, 'A')));
  assert.ok(all.every((x) => x.rcode === 'NXDOMAIN'));
  assert.equal(dot.connections - before, 1, 'one TLS connection for everything');
  assert.equal(sockets.tcpCount, 1, 'its TCP socket came from the factory');
});

test('DoH: POST application/dns-message with id 0 over keep-alive HTTPS; host name resolved by default-nameserver', async (t) => {
  const sockets = counting();
  const r = make([`https://doh.test:${doh.port}/dns-query`], { sockets, cache: { maxEntries: 0 } });
  t.after(() => r.close());
  const conns = doh.connections;
  const bootAsked = boot.count('doh.test');
  assert.deepEqual(await r.resolve('a.test'), ['192.0.2.10', '2001:db8::10']);
  const afterFirst = doh.connections - conns;
  assert.ok(afterFirst >= 1 && afterFirst <= 2, 'A and AAAA asked concurrently: at most two connections');
  for (let i = 0; i < 3; i++) assert.equal((await r.query('a.test', 'A')).rcode, 'NOERROR');
  assert.equal(doh.connections - conns, afterFirst, 'keep-alive: sequential queries reuse the connections');
  assert.ok(doh.requests.every((x) => x === 'POST /dns-query application/dns-message'), doh.requests.join());
  assert.ok(boot.count('doh.test') > bootAsked, 'the bootstrap server was asked for doh.test');
  assert.equal(sockets.tcpCount, afterFirst, 'every connection on a socket from the factory');
  assert.equal(r.hostCache.hostOf('192.0.2.10'), 'a.test');
});

test('a DoH URL with a custom path and an IP host (checked against the IP SAN)', async (t) => {
  const r = make([`https://127.0.0.1:${doh.port}/resolve?x=1`]);
  t.after(() => r.close());
  assert.equal((await r.query('a.test', 'AAAA')).answers.length, 1);
  assert.ok(doh.requests.includes('POST /resolve?x=1 application/dns-message'));
});

test('certificate verification is on: an untrusted or misnamed certificate is SY_ERR_DNS_TLS_CERT naming the server', async (t) => {
  const untrustedDoh = make([`https://doh.test:${doh.port}/dns-query`], { tls: undefined });
  const untrustedDot = make([`tls://dot.test:${dot.port}`], { tls: undefined });
  const wrongName = make([`tls://wrong.test:${dot.port}`]);
  const wrongDoh = make([`https://wrong.test:${doh.port}/dns-query`]);
  t.after(() => [untrustedDoh, untrustedDot, wrongName, wrongDoh].forEach((r) => r.close()));
  await assert.rejects(untrustedDoh.query('a.test', 'A'), isCode('SY_ERR_DNS_TLS_CERT', /https:\/\/doh\.test/));
  await assert.rejects(untrustedDot.query('a.test', 'A'), isCode('SY_ERR_DNS_TLS_CERT', /tls:\/\/dot\.test/));
  await assert.rejects(wrongName.query('a.test', 'A'), isCode('SY_ERR_DNS_TLS_CERT', /wrong\.test.*ALTNAME/));
  await assert.rejects(wrongDoh.query('a.test', 'A'), isCode('SY_ERR_DNS_TLS_CERT', /wrong\.test/));
  assert.deepEqual(await untrustedDoh.resolve('a.test'), [], 'resolve() never rejects');
});

test('#skip-cert-verify=true accepts an untrusted certificate', async (t) => {
  const r = make([`tls://wrong.test:${dot.port}#skip-cert-verify=true`, `https://wrong.test:${doh.port}/dns-query#skip-cert-verify=true`], { tls: undefined });
  t.after(() => r.close());
  assert.equal((await r.query('a.test', 'A')).rcode, 'NOERROR');
});

test('host-name servers without default-nameserver: a coded warning, then SY_ERR_DNS_BOOTSTRAP naming the server', async (t) => {
  const hub = createLogHub({ sink: null });
  const recs: LogRecord[] = [];
  hub.subscribe((x) => recs.push(x));
  const r = make([`tls://dot.test:${dot.port}`], { defaultNameservers: [], logger: hub.logger });
  t.after(() => r.close());
  assert.deepEqual(recs.map((x) => x.fields.code), ['SY_ERR_DNS_BOOTSTRAP']);
  await assert.rejects(r.query('a.test', 'A'), isCode('SY_ERR_DNS_BOOTSTRAP', /tls:\/\/dot\.test/));
  const unknown = make([`tls://nowhere.test:${dot.port}`]);
  t.after(() => unknown.close());
  await assert.rejects(unknown.query('a.test', 'A'), isCode('SY_ERR_DNS_BOOTSTRAP', /no address/));
  const recs3: LogRecord[] = [];
  const hub3 = createLogHub({ sink: null });
  hub3.subscribe((x) => recs3.push(x));
  make([`127.0.0.1:${boot.port}`], { defaultNameservers: [], fallback: [`tls://dot.test:${dot.port}`], logger: hub3.logger }).close();
  assert.ok(recs3.some((x) => x.fields.code === 'SY_ERR_DNS_BOOTSTRAP'), 'also for host names only in fallback');
  const recs2: LogRecord[] = [];
  hub.subscribe((x) => recs2.push(x));
  make([`127.0.0.1:${boot.port}`], { defaultNameservers: ['tls://dot.test'], logger: hub.logger }).close();
  assert.ok(recs2.some((x) => x.fields.code === 'SY_ERR_DNS_BAD_NAMESERVER' && /default-nameserver entries must be IP/.test(x.msg)));
});

test('DoH garbage: non-DNS body, HTTP 500, wrong content type are SY_ERR_DNS_UPSTREAM; the next query still works', async (t) => {
  const r = make([`https://doh.test:${doh.port}/dns-query`]);
  t.after(() => r.close());
  await assert.rejects(r.query('garbage.test', 'A'), isCode('SY_ERR_DNS_UPSTREAM', /malformed/));
  await assert.rejects(r.query('http500.test', 'A'), isCode('SY_ERR_DNS_UPSTREAM', /HTTP 500/));
  await assert.rejects(r.query('html.test', 'A'), isCode('SY_ERR_DNS_UPSTREAM', /text\/html/));
  await assert.rejects(r.query('close.test', 'A'), (e: unknown) => e instanceof SyError && e.code.startsWith('SY_ERR_DNS_'));
  assert.equal((await r.query('a.test', 'A')).rcode, 'NOERROR');
});

test('DoT garbage frame: SY_ERR_DNS_UPSTREAM, the connection is replaced and the next query works', async (t) => {
  const r = make([`tls://dot.test:${dot.port}`]);
  t.after(() => r.close());
  await assert.rejects(r.query('garbage.test', 'A'), isCode('SY_ERR_DNS_UPSTREAM', /malformed/));
  await assert.rejects(r.query('close.test', 'A'), isCode('SY_ERR_DNS_UPSTREAM', /closed/));
  assert.equal((await r.query('a.test', 'A')).rcode, 'NOERROR');
});

test('slow servers: SY_ERR_DNS_TIMEOUT within the timeout, for DoT and DoH', async (t) => {
  const r1 = make([`tls://dot.test:${dot.port}`], { timeoutMs: 700 });
  const r2 = make([`https://doh.test:${doh.port}/dns-query`], { timeoutMs: 700 });
  t.after(() => { r1.close(); r2.close(); });
  for (const r of [r1, r2]) {
    const t0 = Date.now();
    await assert.rejects(r.query('slow.test', 'A'), isCode('SY_ERR_DNS_TIMEOUT'));
    assert.ok(Date.now() - t0 < 2500);
    assert.equal((await r.query('a.test', 'A')).rcode, 'NOERROR', 'still usable afterwards');
  }
});

test('a kept-alive connection the server dropped is replaced transparently (DoT and DoH)', async (t) => {
  const r = make([`tls://dot.test:${dot.port}`], { cache: { maxEntries: 0 } });
  const h = make([`https://doh.test:${doh.port}/dns-query`], { cache: { maxEntries: 0 } });
  t.after(() => { r.close(); h.close(); });
  assert.equal((await r.query('a.test', 'A')).rcode, 'NOERROR');
  assert.equal((await h.query('a.test', 'A')).rcode, 'NOERROR');
  dot.dropConnections();
  doh.dropConnections();
  await new Promise((res) => setTimeout(res, 50));
  assert.equal((await r.query('a.test', 'A')).rcode, 'NOERROR');
  assert.equal((await h.query('a.test', 'A')).rcode, 'NOERROR');
});

test('a refused DoT/DoH port is a coded error, not a crash', async (t) => {
  const port = await new Promise<number>((res) => { const s = net.createServer().listen(0, '127.0.0.1', () => { const p = (s.address() as net.AddressInfo).port; s.close(() => res(p)); }); });
  const r = make([`tls://127.0.0.1:${port}`, `https://127.0.0.1:${port}/dns-query`]);
  t.after(() => r.close());
  await assert.rejects(r.query('a.test', 'A'), (e: unknown) => e instanceof SyError && e.code === 'SY_ERR_DNS_RESOLVE' && /ECONNREFUSED/.test(e.message));
});

test('random bytes from DoT and DoH servers: only coded errors (or a valid answer), never a crash', async (t) => {
  const r = make([`tls://dot.test:${dot.port}`], { timeoutMs: 150, cache: { maxEntries: 0 } });
  const h = make([`https://doh.test:${doh.port}/dns-query`], { timeoutMs: 150, cache: { maxEntries: 0 } });
  t.after(() => { r.close(); h.close(); });
  for (const res of [r, h]) {
    for (let i = 0; i < 25; i++) {
      await res.query('random.test', 'A').then(
        () => {},
        (e: unknown) => assert.ok(e instanceof SyError && e.code.startsWith('SY_ERR_DNS_'), String(e)),
      );
    }
    // Usable afterwards (a few tries: 150 ms is tight for a fresh handshake on a loaded machine).
    let rcode = '';
    for (let i = 0; i < 4 && rcode !== 'NOERROR'; i++) rcode = await res.query('a.test', 'A').then((x) => x.rcode, (e: unknown) => String(e));
    assert.equal(rcode, 'NOERROR', 'usable afterwards');
  }
});

test('a server that accepts TCP but never completes the TLS handshake: SY_ERR_DNS_TIMEOUT, no hang', async (t) => {
  const socks = new Set<net.Socket>();
  const mute = net.createServer((s) => { socks.add(s); s.on('error', () => {}); });
  await new Promise<void>((res) => mute.listen(0, '127.0.0.1', res));
  t.after(() => { for (const s of socks) s.destroy(); mute.close(); });
  const port = (mute.address() as net.AddressInfo).port;
  const r = make([`tls://127.0.0.1:${port}`, `https://127.0.0.1:${port}/dns-query`], { timeoutMs: 200 });
  t.after(() => r.close());
  const t0 = Date.now();
  await assert.rejects(r.query('a.test', 'A'), isCode('SY_ERR_DNS_TIMEOUT'));
  await assert.rejects(r.query('b.test', 'A'), isCode('SY_ERR_DNS_TIMEOUT'));
  assert.ok(Date.now() - t0 < 2000);
});

test('DoH under concurrency: 30 queries in flight share at most 4 keep-alive connections', async (t) => {
  const r = make([`https://doh.test:${doh.port}/dns-query`], { cache: { maxEntries: 0 } });
  t.after(() => r.close());
  const before = doh.connections;
  const all = await Promise.all(Array.from({ length: 30 }, (_, i) => r.query(`p${i}.test`, 'A')));
  assert.ok(all.every((x) => x.rcode === 'NXDOMAIN'));
  const opened = doh.connections - before;
  assert.ok(opened >= 1 && opened <= 4, `opened ${opened}`);
});

test('a server name with several addresses: after one refuses, the next dial uses another (DoT and DoH)', async (t) => {
  // 127.0.0.2 is loopback with nothing listening on these ports: refused.
  const twoAddrs = await startUdpZone((name, type) =>
    ['doh.test', 'dot.test'].includes(name) && type === 'A' ? { answers: [A(name, '127.0.0.2'), A(name, '127.0.0.1')] } : { answers: [] });
  t.after(() => twoAddrs.close());
  for (const server of [`tls://dot.test:${dot.port}`, `https://doh.test:${doh.port}/dns-query`]) {
    const r = make([server], { defaultNameservers: [`127.0.0.1:${twoAddrs.port}`], ipv6: false });
    t.after(() => r.close());
    await assert.rejects(r.query('a.test', 'A'), isCode('SY_ERR_DNS_RESOLVE', /ECONNREFUSED/));
    assert.equal((await r.query('a.test', 'A')).rcode, 'NOERROR', server);
  }
});
