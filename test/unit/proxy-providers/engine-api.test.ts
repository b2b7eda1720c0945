// Proxy providers in a running engine (in-process, loopback, no capture):
// /providers/proxies in mihomo's shape (plus `default`), PUT update (204,
// then 503 with the reason while the last good list stays), healthcheck,
// /proxies listing provider proxies with provider-name, and a rule leading
// to a group whose only members are unsupported types: the connection is
// rejected (never DIRECT) with a log line and a connection record saying why.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEngine } from '../../../main/engine.js';
import { createLogHub, type LogRecord } from '../../../main/core/logger.js';
import { body, subscriptionServer } from './helpers.js';

const BASE = 24100 + (process.pid % 3000) * 2;
const MIXED = BASE;
const API = BASE + 1;
const SECRET = 'pp-secret';

async function api(method: string, path: string): Promise<{ status: number; json: any }> {
  const res = await fetch(`http://127.0.0.1:${API}${path}`, { method, headers: { authorization: `Bearer ${SECRET}` } });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null };
}

test('engine: proxy providers through the controller, and a group with no usable member rejects', { timeout: 30_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sy-pp-engine-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const srv = await subscriptionServer();
  t.after(() => srv.close());
  srv.answer = () => ({ body: body([{ name: '🇭🇰 HK 01' }, { name: '🇸🇬 SG ss', type: 'ss' }]), headers: { 'subscription-userinfo': 'upload=1; download=2; total=3; expire=4' } });
  const echo = net.createServer((s) => s.pipe(s));
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
  t.after(() => echo.close());
  const echoPort = (echo.address() as net.AddressInfo).port;
  writeFileSync(join(dir, 'local.yaml'), body([{ name: 'file-1' }]));
  const file = join(dir, 'config.yaml');
  writeFileSync(file, `mixed-port: ${MIXED}
tproxy-port: 0
external-controller: 127.0.0.1:${API}
secret: ${SECRET}
dns: { enable: false }
proxies:
  - {name: vm, type: vmess, server: 203.0.113.1, port: 443}
proxy-providers:
  sub: {type: http, url: "${srv.url}", interval: 3600, health-check: {enable: true, url: "http://127.0.0.1:${echoPort}/", interval: 600}}
  disk: {type: file, path: ./local.yaml}
  inl: {type: inline, payload: [{name: inline-trojan, type: trojan, server: 203.0.113.2, port: 443, password: x}]}
proxy-groups:
  - {name: all, type: select, include-all: true}
  - {name: dead, type: url-test, proxies: [vm], use: [inl]}
rules:
  - DST-PORT,${echoPort},dead
  - MATCH,DIRECT
`);
  const records: LogRecord[] = [];
  const hub = createLogHub({ sink: null });
  hub.subscribe((r) => records.push(r));
  const engine = await startEngine({ configFile: file, logHub: hub, native: null });
  t.after(() => engine.stop());

  await t.test('GET /providers/proxies lists default and every provider in mihomo shape', async () => {
    // The http provider had no local copy: it downloads in the background at start.
    const deadline = Date.now() + 5000;
    let r = await api('GET', '/providers/proxies');
    while (r.json.providers.sub.proxies.length === 0 && Date.now() < deadline) {
      await new Promise((res) => setTimeout(res, 50));
      r = await api('GET', '/providers/proxies');
    }
    assert.equal(r.status, 200);
    const { providers } = r.json;
    assert.deepEqual(Object.keys(providers).sort(), ['default', 'disk', 'inl', 'sub']);
    assert.equal(providers.default.vehicleType, 'Compatible');
    assert.ok(providers.default.proxies.some((p: any) => p.name === 'vm'));
    assert.ok(!providers.default.proxies.some((p: any) => p.name === '🇭🇰 HK 01'));
    const sub = providers.sub;
    assert.deepEqual(Object.keys(sub).sort(), ['expectedStatus', 'name', 'proxies', 'subscriptionInfo', 'testUrl', 'type', 'updatedAt', 'vehicleType']);
    assert.equal(sub.type, 'Proxy');
    assert.equal(sub.vehicleType, 'HTTP');
    assert.deepEqual(sub.proxies.map((p: any) => [p.name, p.type, p['provider-name']]), [['🇭🇰 HK 01', 'Socks5', 'sub'], ['🇸🇬 SG ss', 'Shadowsocks', 'sub']]);
    assert.deepEqual(sub.subscriptionInfo, { Upload: 1, Download: 2, Total: 3, Expire: 4 });
    assert.ok(!Number.isNaN(Date.parse(sub.updatedAt)));
    assert.equal(providers.disk.vehicleType, 'File');
    assert.equal(providers.inl.vehicleType, 'Inline');
    const all = (await api('GET', '/proxies/all')).json;
    assert.deepEqual(all.all, ['vm', '🇭🇰 HK 01', '🇸🇬 SG ss', 'file-1', 'inline-trojan']);
  });

  await t.test('PUT updates now; a failing update answers 503 with the reason and keeps the list', async () => {
    srv.answer = () => ({ body: body([{ name: '🇭🇰 HK 02' }]) });
    assert.equal((await api('PUT', '/providers/proxies/sub')).status, 204);
    assert.deepEqual((await api('GET', '/providers/proxies/sub')).json.proxies.map((p: any) => p.name), ['🇭🇰 HK 02']);
    assert.deepEqual((await api('GET', '/proxies/all')).json.all, ['vm', '🇭🇰 HK 02', 'file-1', 'inline-trojan']);
    srv.answer = () => ({ status: 500 });
    const r = await api('PUT', '/providers/proxies/sub');
    assert.equal(r.status, 503);
    assert.match(r.json.message, /SY_ERR_PROXY_PROVIDER_HTTP_STATUS|500/);
    assert.deepEqual((await api('GET', '/providers/proxies/sub')).json.proxies.map((p: any) => p.name), ['🇭🇰 HK 02']);
    assert.equal((await api('PUT', '/providers/proxies/nope')).status, 404);
  });

  await t.test('healthcheck tests the provider proxies', async () => {
    assert.equal((await api('GET', '/providers/proxies/sub/healthcheck')).status, 204);
    const p = (await api('GET', '/providers/proxies/sub/🇭🇰%20HK%2002')).json;
    assert.equal(p.history.length, 1, 'the check was recorded');
  });

  await t.test('a rule to a group of unsupported members is rejected with a reason, never sent DIRECT', async () => {
    const s = net.connect(MIXED, '127.0.0.1');
    await once(s, 'connect');
    s.on('error', () => {});
    s.write(`CONNECT 127.0.0.1:${echoPort} HTTP/1.1\r\nHost: 127.0.0.1:${echoPort}\r\n\r\n`);
    s.write('ping');
    let echoed = '';
    s.on('data', (d) => (echoed += d.toString()));
    await Promise.race([once(s, 'close'), new Promise((r) => setTimeout(r, 3000))]);
    s.destroy();
    assert.ok(!echoed.includes('ping'), 'nothing was relayed');
    assert.ok(records.some((r) => r.msg === 'connection rejected' && /group dead has no usable member/.test(JSON.stringify(r))));
    const deadline = Date.now() + 2000;
    while (!engine.tracker.closedHistory().some((c) => /no usable member/.test(c.reason)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    const rec = engine.tracker.closedHistory().find((c) => /no usable member/.test(c.reason));
    assert.ok(rec, 'the connection record says why');
    assert.deepEqual(rec.chains, ['dead']);
  });
});
