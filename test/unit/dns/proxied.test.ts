// Nameservers through outbounds, in a whole engine on loopback: `#UP`
// fragments dial that SOCKS5 upstream (a recorder in the test proves each
// query went through it): udp:// over UDP ASSOCIATE (as mihomo), tcp://,
// tls:// and https:// over CONNECT (SOCKS5 and HTTP upstreams) with the
// server's name sent to the proxy;
// `#DIRECT` stays direct; respect-rules routes the servers by the rules;
// UDP through an upstream without UDP fails coded; unknown fragment names and
// respect-rules without proxy-server-nameserver are located config errors.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dnsPacket from 'dns-packet';
import { startEngine, type Engine } from '../../../main/engine.js';
import { createLogHub } from '../../../main/core/logger.js';
import { SyError } from '../../../main/core/errors.js';
import { parseConfig } from '../../../main/config/load.js';
import { A, makeCert, startDohZone, startDotZone, startUdpZone, type Zone, type ZoneServer } from './zone-fixture.js';
import { startSocks5Recorder, type Socks5Recorder } from './socks5-recorder.js';

const answering = (ip: string): Zone => (name, type) => ({ answers: type === 'A' ? [A(name, ip)] : [] });

/** A plain TCP DNS server (2-byte length prefix). */
async function startTcpZone(zone: Zone): Promise<ZoneServer & { close(): Promise<void> }> {
  const log: string[] = [];
  const srv = net.createServer((c) => {
    let acc = Buffer.alloc(0);
    c.on('error', () => {});
    c.on('data', (d) => {
      acc = Buffer.concat([acc, d]);
      while (acc.length >= 2 && acc.length >= 2 + acc.readUInt16BE(0)) {
        const req = dnsPacket.decode(acc.subarray(2, 2 + acc.readUInt16BE(0)));
        acc = acc.subarray(2 + acc.readUInt16BE(0));
        const q = req.questions![0]!;
        log.push(`${q.name} ${q.type}`);
        const r = zone(q.name, q.type) as { answers: dnsPacket.Answer[] };
        const msg = dnsPacket.encode({ type: 'response', id: req.id, flags: dnsPacket.RECURSION_AVAILABLE, questions: [q], answers: r.answers });
        const len = Buffer.alloc(2);
        len.writeUInt16BE(msg.length);
        c.write(Buffer.concat([len, msg]));
      }
    });
  });
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  return {
    port: (srv.address() as net.AddressInfo).port, log, connections: 0, requests: [],
    count: (n) => log.filter((l) => l.split(' ')[0] === n).length,
    dropConnections() {},
    close: () => new Promise<void>((r) => srv.close(() => r())),
  };
}

/** An HTTP CONNECT proxy that records its targets and sends them to `route`. */
async function startConnectProxy(route: (host: string, port: number) => number) {
  const seen: string[] = [];
  const open = new Set<net.Socket>();
  const srv = net.createServer((c) => {
    open.add(c);
    c.on('close', () => open.delete(c));
    c.on('error', () => {});
    c.once('data', (d) => {
      const m = /^CONNECT ([^\s:]+|\[[^\]]+\]):(\d+) HTTP\/1\.[01]\r\n/.exec(d.toString('latin1'));
      if (!m) return void c.end('HTTP/1.1 400 Bad Request\r\n\r\n');
      seen.push(`${m[1]}:${m[2]}`);
      const up = net.connect(route(m[1]!, Number(m[2])), '127.0.0.1');
      open.add(up);
      up.on('error', () => c.destroy());
      up.once('connect', () => {
        c.write('HTTP/1.1 200 Connection established\r\n\r\n');
        c.pipe(up).pipe(c);
      });
    });
  });
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  return {
    port: (srv.address() as net.AddressInfo).port,
    seen,
    close: () => new Promise<void>((r) => {
      for (const s of open) s.destroy();
      srv.close(() => r());
    }),
  };
}

const dir = mkdtempSync(join(tmpdir(), 'sy-dns-proxied-'));
let socks: Socks5Recorder;
let httpProxy: Awaited<ReturnType<typeof startConnectProxy>>;
let engine: Engine;
const zones: Record<string, ZoneServer> = {};

before(async () => {
  const cert = makeCert();
  zones.udp = await startUdpZone(answering('203.0.113.1'));
  zones.tcp = await startTcpZone(answering('203.0.113.2'));
  zones.dot = await startDotZone(answering('203.0.113.3'), cert);
  zones.doh = await startDohZone(answering('203.0.113.4'), cert);
  zones.rules = await startUdpZone(answering('203.0.113.5'));
  zones.direct = await startUdpZone(answering('203.0.113.6'));
  // proxy-server-nameserver: the only place the upstream's own name resolves.
  zones.psn = await startUdpZone((name, type) => ({ answers: type !== 'A' ? [] : [A(name, name === 'socks.example.test' ? '127.0.0.1' : '203.0.113.7')] }));
  const map: Record<string, number> = {
    '192.0.2.53:53': zones.udp.port, '192.0.2.54:53': zones.tcp.port, 'dot.test:853': zones.dot.port,
    'doh.test:443': zones.doh.port, '192.0.2.55:53': zones.rules.port, '192.0.2.56:53': zones.udp.port,
  };
  socks = await startSocks5Recorder((host, port) => ({ host: '127.0.0.1', port: map[`${host}:${port}`] ?? 9 }));
  httpProxy = await startConnectProxy((host, port) => map[`${host}:${port}`] ?? 9);
  const file = join(dir, 'config.yaml');
  writeFileSync(file, `mixed-port: 0
tproxy-port: 0
external-controller: ''
proxies:
  - { name: UP, type: socks5, server: socks.example.test, port: ${socks.port}, udp: true }
  - { name: NOUDP, type: socks5, server: 127.0.0.1, port: ${socks.port}, udp: false }
  - { name: HP, type: http, server: 127.0.0.1, port: ${httpProxy.port} }
proxy-groups:
  - { name: G, type: select, proxies: [UP] }
dns:
  enable: false
  ipv6: false
  respect-rules: true
  proxy-server-nameserver: ['udp://127.0.0.1:${zones.psn.port}']
  nameserver: ['udp://192.0.2.55']
  nameserver-policy:
    '+.udp.test': 'udp://192.0.2.53#G'
    '+.tcp.test': 'tcp://192.0.2.54#UP'
    '+.dot.test': 'tls://dot.test#UP&skip-cert-verify=true'
    '+.doh.test': 'https://doh.test/dns-query#UP&skip-cert-verify=true'
    '+.direct.test': 'udp://127.0.0.1:${zones.direct.port}#DIRECT'
    '+.noudp.test': 'udp://192.0.2.56#NOUDP'
    '+.viahttp.test': 'https://doh.test/dns-query#HP&skip-cert-verify=true'
    '+.tcphttp.test': 'tcp://192.0.2.54#HP'
rules:
  - IP-CIDR,192.0.2.55/32,UP
  - MATCH,DIRECT
`);
  engine = await startEngine({ configFile: file, logHub: createLogHub({ sink: null }), native: null, uiDir: null });
});

after(async () => {
  await engine?.stop();
  await socks?.close();
  await httpProxy?.close();
  await Promise.all(Object.values(zones).map((z) => z.close()));
  rmSync(dir, { recursive: true, force: true });
});

const resolve = (name: string) => engine.dns.resolver.resolve(name);
const saw = (cmd: 'udp' | 'connect', host: string, port: number) => socks.seen.some((s) => s.cmd === cmd && s.host === host && s.port === port);

test('udp:// with #group: the query goes through the upstream\'s UDP ASSOCIATE', async () => {
  assert.deepEqual(await resolve('a.udp.test'), ['203.0.113.1']);
  assert.ok(saw('udp', '192.0.2.53', 53), JSON.stringify(socks.seen));
  assert.equal(zones.udp!.count('a.udp.test'), 1);
});

test('tcp://, tls:// and https:// with #UP: CONNECT through the upstream, host names sent to the proxy', async () => {
  assert.deepEqual(await resolve('a.tcp.test'), ['203.0.113.2']);
  assert.ok(saw('connect', '192.0.2.54', 53));
  assert.deepEqual(await resolve('a.dot.test'), ['203.0.113.3']);
  assert.ok(saw('connect', 'dot.test', 853), 'DoT server name resolved by the proxy, no default-nameserver needed');
  assert.deepEqual(await resolve('a.doh.test'), ['203.0.113.4']);
  assert.ok(saw('connect', 'doh.test', 443));
});

test('an HTTP CONNECT upstream carries tcp:// and https:// servers too', async () => {
  assert.deepEqual(await resolve('a.viahttp.test'), ['203.0.113.4']);
  assert.deepEqual(await resolve('a.tcphttp.test'), ['203.0.113.2']);
  assert.deepEqual(httpProxy.seen, ['doh.test:443', '192.0.2.54:53']);
});

test('respect-rules: a server without #name goes where the rules send its address', async () => {
  assert.deepEqual(await resolve('www.example.test'), ['203.0.113.5']);
  assert.ok(saw('udp', '192.0.2.55', 53), 'IP-CIDR,192.0.2.55/32,UP chose the upstream');
  assert.ok(zones.psn!.count('socks.example.test') >= 1, 'the upstream\'s own name came from proxy-server-nameserver (no loop through the rules)');
  assert.equal(zones.rules!.count('socks.example.test'), 0);
});

test('#DIRECT and proxy-server-nameserver stay direct', async () => {
  const before = socks.seen.length;
  assert.deepEqual(await resolve('a.direct.test'), ['203.0.113.6']);
  assert.deepEqual(await engine.dns.proxyServerResolver.resolve('proxy.example.test'), ['203.0.113.7']);
  assert.equal(socks.seen.length, before, 'the upstream saw nothing');
});

test('udp:// through an upstream without UDP fails with SY_ERR_DNS_PROXY', async () => {
  await assert.rejects(engine.dns.resolver.query('a.noudp.test', 'A'), (e: unknown) => e instanceof SyError && e.code === 'SY_ERR_DNS_PROXY' && /tcp:\/\//.test(e.message));
  assert.deepEqual(await resolve('b.noudp.test'), [], 'resolve() never rejects');
});

test('config: an unknown #name and respect-rules without proxy-server-nameserver are located errors', () => {
  const bad = parseConfig(`proxies:\n  - { name: UP, type: socks5, server: 127.0.0.1, port: 1080 }\ndns:\n  nameserver: ['udp://192.0.2.53#Up', 'tls://192.0.2.1#RULES', 'udp://192.0.2.2#DIRECT']\n  respect-rules: true\nrules:\n  - MATCH,DIRECT\n`, join(dir, 'bad.yaml'), { home: dir });
  const msgs = bad.errors.map((e) => e.message);
  assert.ok(msgs.some((m) => /bad\.yaml:4:\d+ dns\.nameserver\[0\]/.test(m) && /"Up"/.test(m) && /did you mean "UP"/.test(m)), msgs.join('\n'));
  assert.ok(msgs.some((m) => /bad\.yaml:5:\d+ dns\.respect-rules/.test(m) && /proxy-server-nameserver/.test(m)), msgs.join('\n'));
  assert.equal(msgs.length, 2, '#RULES and #DIRECT are fine');
  // With proxy providers the name may come from one: a warning, located.
  const soft = parseConfig(`proxy-providers:\n  sub: { type: inline, payload: [] }\ndns:\n  nameserver: ['udp://192.0.2.53#FromSub']\nrules:\n  - MATCH,DIRECT\n`, join(dir, 'soft.yaml'), { home: dir });
  assert.deepEqual(soft.errors.map((e) => e.message), []);
  assert.ok(soft.warnings.some((w) => w.code === 'SY_ERR_CONFIG_UNKNOWN_TARGET' && /soft\.yaml:4:\d+ dns\.nameserver\[0\]/.test(w.message)));
});
