// Geodata in the running core: missing GeoSite.dat / ASN.mmdb that the rules
// need is downloaded in the background THROUGH THE RULES (here: a SOCKS5
// upstream in the test, which records what it was asked for), validated,
// installed atomically, and the rules are recompiled so the inactive rules
// become active. Bad bodies, oversize bodies and HTTP errors keep the last
// good copy with a located warning and are retried with backoff;
// geo-auto-update refreshes on an interval and swaps only on change.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEngine } from '../../../main/engine.js';
import { createLogHub, type LogRecord } from '../../../main/core/logger.js';
import { newMetadata } from '../../../main/core/metadata.js';
import { SyError } from '../../../main/core/errors.js';
import { DOMAIN_TYPE as T, encodeGeoSite } from '../../../main/geodata/geosite.js';
import { geoFileOf, startGeoData, updateGeoFile, type GeoKind } from '../../../main/engine/geodata.js';
import type { Dial } from '../../../main/fetch/http-get.js';
import type { Config } from '../../../main/config/types.js';
import { buildMmdb } from '../rules/mmdb-writer.js';
import { startSocks5Recorder } from '../dns/socks5-recorder.js';

const root = mkdtempSync(join(tmpdir(), 'sy-geodata-'));
after(() => rmSync(root, { recursive: true, force: true }));

const DAT1 = encodeGeoSite({ TESTCAT: [{ type: T.Domain, value: 'cat.example' }] });
const DAT2 = encodeGeoSite({ TESTCAT: [{ type: T.Domain, value: 'cat.example' }, { type: T.Full, value: 'new.example' }] });
const ASN = buildMmdb([['198.51.100.0/24', { autonomous_system_number: 64500, autonomous_system_organization: 'Doc AS' }]], 'GeoLite2-ASN');

/** An HTTP server whose answer the test switches; honours If-None-Match; counts requests. */
async function geoServer() {
  const state = { body: DAT1 as Buffer, status: 200, etag: '"v1"', requests: 0, conditional: 0, hold: null as Promise<void> | null };
  const srv = http.createServer(async (req, res) => {
    state.requests++;
    if (state.hold) await state.hold;
    if (req.headers['if-none-match']) state.conditional++;
    if (state.status !== 200) {
      res.writeHead(state.status).end('nope');
      return;
    }
    if (req.headers['if-none-match'] === state.etag) {
      res.writeHead(304).end();
      return;
    }
    res.writeHead(200, { etag: state.etag, 'content-length': state.body.length }).end(state.body);
  });
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const port = (srv.address() as net.AddressInfo).port;
  return { state, port, close: () => new Promise<void>((r) => srv.close(() => r())) };
}

const direct = (port: number): Dial => (_dst, signal) =>
  new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port, signal });
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });

async function until(what: string, ok: () => boolean, ms = 8000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function recordingHub() {
  const hub = createLogHub({ sink: null, level: 'debug' });
  const records: LogRecord[] = [];
  hub.subscribe((r) => records.push(r));
  return { hub, records };
}

test('missing GeoSite and ASN data are downloaded through the proxy the rules choose; the rules become active', async (t) => {
  const web = await geoServer();
  const asnWeb = await geoServer();
  asnWeb.state.body = ASN;
  const socks = await startSocks5Recorder((host, port) => ({ host: '127.0.0.1', port: host === 'geo.example' ? web.port : host === 'asn.example' ? asnWeb.port : port }));
  const dir = join(root, 'engine');
  mkdirSync(dir);
  const file = join(dir, 'config.yaml');
  writeFileSync(file, `mixed-port: 0
tproxy-port: 0
external-controller: ''
dns: { enable: false }
geox-url:
  geosite: http://geo.example/geosite.dat
  asn: http://asn.example/GeoLite2-ASN.mmdb
proxies:
  - { name: UP, type: socks5, server: 127.0.0.1, port: ${socks.port} }
rules:
  - OR,((DOMAIN,geo.example),(DOMAIN,asn.example)),UP
  - GEOSITE,testcat,REJECT
  - IP-ASN,64500,REJECT-DROP,no-resolve
  - MATCH,DIRECT
`);
  const { hub, records } = recordingHub();
  const engine = await startEngine({ configFile: file, logHub: hub, native: null, uiDir: null, geodata: { backoffBaseMs: 50 } });
  t.after(async () => {
    await engine.stop();
    await socks.close();
    await web.close();
    await asnWeb.close();
  });
  const rules = () => engine.generation().rules.rules;
  await until('both rules active', () => rules()[1]!.inactive === undefined && rules()[2]!.inactive === undefined);
  assert.ok(socks.seen.some((s) => s.cmd === 'connect' && s.host === 'geo.example' && s.port === 80), JSON.stringify(socks.seen));
  assert.ok(socks.seen.some((s) => s.cmd === 'connect' && s.host === 'asn.example'), JSON.stringify(socks.seen));
  assert.deepEqual(readFileSync(join(dir, 'GeoSite.dat')), DAT1);
  assert.ok(existsSync(join(dir, 'ASN.mmdb')));
  const decide = async (host: string, ip = '') =>
    (await engine.generation().rules.decide(newMetadata({ network: 'tcp', type: 'Inner', host, dstIP: ip, dstPort: 443 }), { resolver: { resolve: async () => [] } })).target;
  assert.equal(await decide('www.cat.example'), 'REJECT');
  assert.equal(await decide('', '198.51.100.9'), 'REJECT-DROP');
  assert.equal(await decide('other.example'), 'DIRECT');
  assert.ok(records.some((r) => r.level === 'warning' && /geodata geosite missing/.test(r.msg)), 'the missing data is reported');
  assert.ok(records.some((r) => r.msg === 'rules recompiled'));
});

function cfg(dir: string, extra: Partial<Config> = {}): Config {
  return { file: join(dir, 'config.yaml'), home: dir, rules: [{ raw: 'GEOSITE,testcat,REJECT', where: 'x' }], subRules: {}, dns: { nameserverPolicy: {}, fakeIpFilter: [] }, ...extra } as unknown as Config;
}

test('500, a body that does not decode and an oversize body keep the last good copy, with coded errors', async (t) => {
  const web = await geoServer();
  t.after(() => web.close());
  const dir = join(root, 'bad');
  mkdirSync(dir);
  const f = geoFileOf('geosite', cfg(dir, { geoxUrl: { geosite: `http://127.0.0.1:${web.port}/g.dat`, asn: '' } } as Partial<Config>));
  assert.equal((await updateGeoFile(f, direct(web.port))).status, 'updated');
  const good = readFileSync(f.target);
  web.state.status = 500;
  await assert.rejects(updateGeoFile(f, direct(web.port)), (e) => e instanceof SyError && e.code === 'SY_ERR_PROVIDER_HTTP_STATUS');
  web.state.status = 200;
  web.state.body = Buffer.from('this is not a GeoSiteList \u0000\u00ff\u00ff');
  web.state.etag = '"garbage"';
  await assert.rejects(updateGeoFile(f, direct(web.port)), (e) => e instanceof SyError && e.code === 'SY_ERR_RULE_GEOSITE_DATA');
  web.state.body = DAT2;
  web.state.etag = '"big"';
  await assert.rejects(updateGeoFile({ ...f, sizeLimit: 10 }, direct(web.port)), (e) => e instanceof SyError && e.code === 'SY_ERR_PROVIDER_TOO_LARGE');
  assert.deepEqual(readFileSync(f.target), good, 'the last good copy is kept');
  // An ASN URL that serves a GeoSite file: rejected by the mmdb check.
  const a = geoFileOf('asn', cfg(dir, { geoxUrl: { geosite: '', asn: `http://127.0.0.1:${web.port}/asn.mmdb` } } as Partial<Config>));
  await assert.rejects(updateGeoFile(a, direct(web.port)), (e) => e instanceof SyError && e.code === 'SY_ERR_RULE_ASN_DB');
  assert.equal(existsSync(a.target), false);
  // A Country mmdb is no ASN database either.
  web.state.body = buildMmdb([['198.51.100.0/24', { country: { iso_code: 'ZZ' } }]], 'GeoLite2-Country');
  web.state.etag = '"country"';
  await assert.rejects(updateGeoFile(a, direct(web.port)), (e) => e instanceof SyError && e.code === 'SY_ERR_RULE_ASN_DB');
});

test('a failed first download is a warning, retried with backoff until it lands', async (t) => {
  const web = await geoServer();
  t.after(() => web.close());
  web.state.status = 503;
  const dir = join(root, 'retry');
  mkdirSync(dir);
  const { hub, records } = recordingHub();
  const updated: GeoKind[] = [];
  const h = startGeoData({
    config: cfg(dir, { geoxUrl: { geosite: `http://127.0.0.1:${web.port}/g.dat`, asn: '' } } as Partial<Config>),
    dial: direct(web.port), logger: hub.logger, backoffBaseMs: 40, random: () => 0.5,
    onUpdated: async (k) => void updated.push(k),
  });
  t.after(() => h.stop());
  await until('two failed attempts', () => web.state.requests >= 2);
  const warn = records.find((r) => r.level === 'warning' && /geodata refresh failed/.test(r.msg));
  assert.ok(warn, 'a warning per failure');
  assert.match(String((warn!.fields.error as Error).message), /geox-url\.geosite/, 'located at the config key');
  web.state.status = 200;
  await until('the download', () => updated.length === 1);
  assert.deepEqual(readFileSync(join(dir, 'GeoSite.dat')), DAT1);
  const n = web.state.requests;
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(web.state.requests, n, 'without geo-auto-update nothing more is fetched');
});

test('geo-auto-update refreshes on the interval and swaps only when the data changed', async (t) => {
  const web = await geoServer();
  t.after(() => web.close());
  const dir = join(root, 'auto');
  mkdirSync(dir);
  const config = cfg(dir, { geoAutoUpdate: true, geoxUrl: { geosite: `http://127.0.0.1:${web.port}/g.dat`, asn: '' } } as Partial<Config>);
  const f = geoFileOf('geosite', config);
  await updateGeoFile(f, direct(web.port));
  const updated: GeoKind[] = [];
  const { hub } = recordingHub();
  const h = startGeoData({ config, dial: direct(web.port), logger: hub.logger, intervalS: 0.1, random: () => 0.5, onUpdated: async (k) => void updated.push(k) });
  t.after(() => h.stop());
  await until('a conditional refresh', () => web.state.conditional >= 2);
  assert.equal(updated.length, 0, '304: nothing swapped');
  web.state.body = DAT2;
  web.state.etag = '"v2"';
  await until('the new data', () => updated.length === 1);
  assert.deepEqual(readFileSync(f.target), DAT2);
  const c = web.state.conditional;
  await until('another refresh', () => web.state.conditional > c + 1);
  assert.equal(updated.length, 1, 'unchanged again: no second swap');
});

test('GEOSITE lines only inside a classical rule set also fetch the data; the set matches once it lands', async (t) => {
  const web = await geoServer();
  const dir = join(root, 'sets');
  mkdirSync(dir);
  writeFileSync(join(dir, 'cls.list'), 'GEOSITE,testcat\nDOMAIN,plain.example\n');
  const file = join(dir, 'config.yaml');
  writeFileSync(file, `mixed-port: 0
tproxy-port: 0
external-controller: ''
dns: { enable: false }
geox-url: { geosite: 'http://127.0.0.1:${web.port}/geosite.dat' }
rule-providers:
  cls: { type: file, behavior: classical, format: text, path: ./cls.list }
rules:
  - RULE-SET,cls,REJECT
  - MATCH,DIRECT
`);
  const engine = await startEngine({ configFile: file, logHub: createLogHub({ sink: null }), native: null, uiDir: null, geodata: { backoffBaseMs: 50 } });
  t.after(async () => {
    await engine.stop();
    await web.close();
  });
  const decide = async (host: string) =>
    (await engine.generation().rules.decide(newMetadata({ network: 'tcp', type: 'Inner', host, dstPort: 443 }), { resolver: { resolve: async () => [] } })).target;
  await until('the set to match GEOSITE entries', () => existsSync(join(dir, 'GeoSite.dat')) && engine.generation().providers.get('cls')!.lastWarnings().length === 0);
  assert.equal(await decide('www.cat.example'), 'REJECT');
  assert.equal(await decide('plain.example'), 'REJECT');
  assert.equal(web.state.requests, 1);
});

test('a download that lands after stop() installs the file but recompiles nothing', async (t) => {
  const web = await geoServer();
  t.after(() => web.close());
  let release!: () => void;
  web.state.hold = new Promise<void>((r) => (release = r));
  const dir = join(root, 'late');
  mkdirSync(dir);
  const updated: GeoKind[] = [];
  const h = startGeoData({
    config: cfg(dir, { geoxUrl: { geosite: `http://127.0.0.1:${web.port}/g.dat`, asn: '' } } as Partial<Config>),
    dial: direct(web.port), logger: recordingHub().hub.logger, onUpdated: async (k) => void updated.push(k),
  });
  await until('the request', () => web.state.requests === 1);
  h.stop();
  release();
  await until('the file', () => existsSync(join(dir, 'GeoSite.dat')));
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(updated, []);
});

test('a malformed local GeoSite.dat does not stop the core: reported, rules inactive, downloaded again unconditionally', async (t) => {
  const web = await geoServer();
  const dir = join(root, 'malformed');
  mkdirSync(dir);
  writeFileSync(join(dir, 'GeoSite.dat'), 'garbage, not a GeoSiteList \u00ff\u00ff\u00ff');
  // Validators that match the server's: a conditional request would get 304 and keep the garbage.
  writeFileSync(join(dir, 'GeoSite.dat.meta.json'), JSON.stringify({ etag: '"v1"', lastModified: '', sha256: '' }));
  const file = join(dir, 'config.yaml');
  writeFileSync(file, `mixed-port: 0
tproxy-port: 0
external-controller: ''
dns: { enable: false }
geox-url: { geosite: 'http://127.0.0.1:${web.port}/geosite.dat' }
rules:
  - GEOSITE,testcat,REJECT
  - MATCH,DIRECT
`);
  const { hub, records } = recordingHub();
  const engine = await startEngine({ configFile: file, logHub: hub, native: null, uiDir: null, geodata: { backoffBaseMs: 50 } });
  t.after(async () => {
    await engine.stop();
    await web.close();
  });
  assert.ok(records.some((r) => r.level === 'warning' && r.fields.code === 'SY_ERR_RULE_GEOSITE_DATA' && /treated as missing/.test(r.msg)));
  await until('the rule to become active', () => engine.generation().rules.rules[0]!.inactive === undefined);
  assert.equal(web.state.conditional, 0, 'the bad copy\'s validators were not sent');
  assert.deepEqual(readFileSync(join(dir, 'GeoSite.dat')), DAT1);
});
