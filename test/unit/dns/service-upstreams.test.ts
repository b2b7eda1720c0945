// The DNS service built from a real config text with the upstream keys of
// real Clash configs: DoH by host name + default-nameserver, nameserver-policy,
// fallback, and the keys passed beside the config (proxy-server-nameserver,
// fallback-filter, respect-rules).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../../main/config/load.js';
import { createDnsService } from '../../../main/dns/service.js';
import { DEFAULT_SOCKET_FACTORY } from '../../../main/dns/exchange.js';
import { createLogHub, type LogRecord } from '../../../main/core/logger.js';
import { A, makeCert, startDohZone, startUdpZone, type Zone } from './zone-fixture.js';

const answering = (ip: string): Zone => (name, type) => ({ answers: type === 'A' ? [A(name, ip)] : [] });

test('config: https:// by host name via default-nameserver, nameserver-policy (geosite via matcher), fallback, proxy-server-nameserver', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sy-dns-up-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const cert = makeCert();
  const doh = await startDohZone(answering('203.0.113.7'), cert);
  const boot = await startUdpZone((name, type) => (name === 'doh.test' && type === 'A' ? { answers: [A(name, '127.0.0.1')] } : { answers: [] }));
  const corp = await startUdpZone(answering('192.0.2.8'));
  const fb = await startUdpZone(answering('198.51.100.9'));
  const proxyNs = await startUdpZone(answering('192.0.2.99'));
  t.after(() => Promise.all([doh, boot, corp, fb, proxyNs].map((s) => s.close())));
  const yaml = `
mode: rule
dns:
  enable: false
  ipv6: false
  default-nameserver: [127.0.0.1:${boot.port}]
  nameserver: ['https://doh.test:${doh.port}/dns-query']
  fallback: ['udp://127.0.0.1:${fb.port}']
  nameserver-policy:
    '+.corp.test': udp://127.0.0.1:${corp.port}
    'geosite:private': [udp://127.0.0.1:${corp.port}]
rules:
  - MATCH,DIRECT
`;
  const parsed = parseConfig(yaml, join(dir, 'config.yaml'), { home: dir });
  assert.deepEqual(parsed.errors.map((e) => e.message), []);
  const hub = createLogHub({ sink: null });
  const recs: LogRecord[] = [];
  hub.subscribe((x) => recs.push(x));
  const svc = createDnsService(parsed.config!, {
    logger: hub.logger,
    sockets: DEFAULT_SOCKET_FACTORY,
    tls: { ca: cert.cert },
    matchers: (kind, name) => (kind === 'geosite' && name === 'private' ? (h) => h.endsWith('.home') : null),
    geoip: (ip) => (ip === '203.0.113.7' ? 'CN' : ip === '203.0.113.66' ? 'US' : null),
    extra: { proxyServerNameserver: [`127.0.0.1:${proxyNs.port}`], fallbackFilter: { domain: ['+.blocked.test'] }, respectRules: true },
  });
  await svc.start();
  t.after(() => svc.close());
  assert.deepEqual(await svc.resolver.resolve('www.example.test'), ['203.0.113.7'], 'DoH by host name, CN answer trusted');
  assert.deepEqual(await svc.resolver.resolve('x.corp.test'), ['192.0.2.8']);
  assert.deepEqual(await svc.resolver.resolve('nas.home'), ['192.0.2.8'], 'geosite: key through the matcher');
  assert.deepEqual(await svc.resolver.resolve('a.blocked.test'), ['198.51.100.9'], 'fallback-filter domain');
  assert.deepEqual(await svc.proxyServerResolver.resolve('proxy.example.test'), ['192.0.2.99']);
  assert.equal(svc.proxyServerResolver.bootstrap, svc.resolver.bootstrap, 'one bootstrap resolver shared');
  assert.equal(doh.count('proxy.example.test'), 0, 'proxy server names go to proxy-server-nameserver only');
  assert.ok(recs.some((x) => x.fields.code === 'SY_ERR_DNS_IGNORED_PARAM' && /through RULES; dialed directly/.test(x.msg)), 'respect-rules without outbounds (no engine here): dialed directly, reported');
  assert.equal(recs.filter((x) => /not supported yet and is ignored/.test(x.msg)).length, 0, 'fallback and nameserver-policy are no longer ignored');
  assert.equal((await svc.queryForApi('www.example.test', 'A')).Status, 0);
});

test('without proxy-server-nameserver the proxies resolve through the main resolver', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sy-dns-up-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const parsed = parseConfig('mode: rule\ndns:\n  nameserver: [192.0.2.53]\nrules:\n  - MATCH,DIRECT\n', join(dir, 'config.yaml'), { home: dir });
  const svc = createDnsService(parsed.config!, { logger: createLogHub({ sink: null }).logger, sockets: DEFAULT_SOCKET_FACTORY });
  assert.equal(svc.proxyServerResolver, svc.resolver);
  await svc.close();
});

test('the DNS server forwards through DoT: fake-ip for ordinary names, real answers over TLS for filtered ones, hosts aliases', async (t) => {
  const { startDotZone } = await import('./zone-fixture.js');
  const { udpQuery, freePort } = await import('./client.js');
  const dir = mkdtempSync(join(tmpdir(), 'sy-dns-up-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const cert = makeCert();
  const dot = await startDotZone(answering('203.0.113.20'), cert);
  t.after(() => dot.close());
  const port = await freePort();
  const yaml = `
mode: rule
hosts:
  mirror.lan: real.example.test
dns:
  enable: true
  listen: 127.0.0.1:${port}
  ipv6: false
  enhanced-mode: fake-ip
  fake-ip-filter: ['+.example.test']
  nameserver: ['tls://127.0.0.1:${dot.port}']
rules:
  - MATCH,DIRECT
`;
  const parsed = parseConfig(yaml, join(dir, 'config.yaml'), { home: dir });
  assert.deepEqual(parsed.errors.map((e) => e.message), []);
  const svc = createDnsService(parsed.config!, { logger: createLogHub({ sink: null }).logger, sockets: DEFAULT_SOCKET_FACTORY, tls: { ca: cert.cert }, poolFile: '' });
  await svc.start();
  t.after(() => svc.close());
  const fake = (await udpQuery(port, 'www.other.test', 'A')).answers[0]!.data as string;
  assert.ok(svc.fakeIp!.contains(fake));
  assert.equal(dot.count('www.other.test'), 0, 'fake-ip names are not asked upstream');
  assert.equal((await udpQuery(port, 'a.example.test', 'A')).answers[0]!.data, '203.0.113.20');
  const alias = await udpQuery(port, 'mirror.lan', 'A');
  assert.deepEqual(alias.answers.map((a) => [a.type, a.data]), [['CNAME', 'real.example.test'], ['A', '203.0.113.20']]);
  assert.equal(dot.connections, 1);
});
