// The engine as a whole, in-process on loopback (no capture, no TPROXY):
// a mixed-port client through the rules, the controller driving it, and a
// reload that keeps established connections and refuses a bad config.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEngine } from '../../../main/engine.js';
import { createLogHub } from '../../../main/core/logger.js';

const BASE = 20000 + (process.pid % 4000) * 2;
const MIXED = BASE;
const API = BASE + 1;
const SECRET = 'unit-secret';

/** A temp dir, removed after the test. */
function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'sy-engine-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A loopback echo server, closed after the test: its port. */
async function echoPort(t: TestContext): Promise<number> {
  const echo = net.createServer((s) => s.pipe(s));
  echo.listen(0, '127.0.0.1');
  await once(echo, 'listening');
  t.after(() => echo.close());
  return (echo.address() as net.AddressInfo).port;
}

function config(rules: string[], extra = ''): string {
  return `mixed-port: ${MIXED}
tproxy-port: 0
external-controller: 127.0.0.1:${API}
secret: ${SECRET}
dns: { enable: false }
${extra}
rules:
${rules.map((r) => `  - ${r}`).join('\n')}
`;
}

async function api(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`http://127.0.0.1:${API}${path}`, {
    method,
    headers: { authorization: `Bearer ${SECRET}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null };
}

/** CONNECT through the mixed port (HTTP proxy), returns the tunnel socket. */
async function connectVia(host: string, port: number): Promise<net.Socket> {
  const s = net.connect(MIXED, '127.0.0.1');
  await once(s, 'connect');
  s.write(`CONNECT ${host}:${port} HTTP/1.1\r\nHost: ${host}:${port}\r\n\r\n`);
  const [head] = (await once(s, 'data')) as [Buffer];
  if (!/^HTTP\/1\.1 200/.test(head.toString())) {
    s.destroy();
    throw new Error(`CONNECT refused: ${head.toString().split('\r\n')[0]}`);
  }
  return s;
}

/** The mixed port answers CONNECT before dialing (as mihomo); a REJECT then resets the tunnel without relaying. */
async function rejected(host: string, port: number): Promise<boolean> {
  let s: net.Socket;
  try {
    s = await connectVia(host, port);
  } catch {
    return true;
  }
  s.on('error', () => {});
  s.write('ping');
  return new Promise((resolve) => {
    const t = setTimeout(() => {
      s.destroy();
      resolve(false);
    }, 3000);
    s.once('data', () => {
      clearTimeout(t);
      s.destroy();
      resolve(false);
    });
    s.once('close', () => {
      clearTimeout(t);
      resolve(true);
    });
  });
}

test('engine: rules, mode switch, reload keeps connections, a bad reload changes nothing', { timeout: 60_000 }, async (t) => {
  const dir = tempDir(t);
  const ePort = await echoPort(t); // an echo target

  const file = join(dir, 'config.yaml');
  writeFileSync(file, config([`DST-PORT,${ePort},REJECT`, 'MATCH,DIRECT']));
  const hub = createLogHub({ sink: null });
  const engine = await startEngine({ configFile: file, logHub: hub, native: null });
  t.after(() => engine.stop());

  await t.test('the rule rejects the echo port', async () => {
    assert.equal(await rejected('127.0.0.1', ePort), true);
  });

  await t.test('PATCH mode direct bypasses the rules at once; rule mode restores them', async () => {
    assert.equal((await api('PATCH', '/configs', { mode: 'direct' })).status, 204);
    const s = await connectVia('127.0.0.1', ePort);
    s.write('ping');
    const [d] = (await once(s, 'data')) as [Buffer];
    assert.equal(d.toString(), 'ping');
    s.destroy();
    assert.equal((await api('GET', '/configs')).json.mode, 'direct');
    assert.equal((await api('PATCH', '/configs', { mode: 'rule' })).status, 204);
    assert.equal(await rejected('127.0.0.1', ePort), true);
  });

  let held: net.Socket;
  await t.test('a good reload applies new rules and keeps an established connection', async () => {
    assert.equal((await api('PATCH', '/configs', { mode: 'direct' })).status, 204);
    held = await connectVia('127.0.0.1', ePort);
    assert.equal((await api('PATCH', '/configs', { mode: 'rule' })).status, 204);
    const r = await api('PUT', '/configs', { payload: config(['MATCH,DIRECT']) });
    assert.equal(r.status, 204, JSON.stringify(r.json));
    const rules = (await api('GET', '/rules')).json.rules;
    assert.deepEqual(rules.map((x: { type: string }) => x.type), ['Match']);
    held.write('still-here');
    const [d] = (await once(held, 'data')) as [Buffer];
    assert.equal(d.toString(), 'still-here', 'the connection opened before the reload still relays');
    const s = await connectVia('127.0.0.1', ePort);
    s.destroy();
  });

  await t.test('a bad reload answers 400 with a located error and the running config stays', async () => {
    const r = await api('PUT', '/configs', { payload: 'rules:\n  - DOMAIN-SUFFIX,x.test,NOWHERE\n' });
    assert.equal(r.status, 400, JSON.stringify(r.json));
    assert.match(r.json.message, /2:5/);
    assert.match(r.json.message, /NOWHERE/);
    const rules = (await api('GET', '/rules')).json.rules;
    assert.deepEqual(rules.map((x: { type: string }) => x.type), ['Match']);
    held.write('after-bad-reload');
    const [d] = (await once(held, 'data')) as [Buffer];
    assert.equal(d.toString(), 'after-bad-reload');
    held.destroy();
  });

  await t.test('the connection table shows the relayed connection with its rule, and DELETE closes it', async () => {
    const s = await connectVia('127.0.0.1', ePort);
    s.write('x');
    await once(s, 'data');
    const snap = (await api('GET', '/connections')).json;
    const c = snap.connections.find((x: any) => x.metadata.destinationPort === String(ePort));
    assert.ok(c, JSON.stringify(snap));
    assert.equal(c.rule, 'Match');
    assert.deepEqual(c.chains, ['DIRECT']);
    assert.equal(c.metadata.type, 'HTTP');
    const closed = new Promise((r) => s.once('close', r));
    assert.equal((await api('DELETE', `/connections/${c.id}`)).status, 204);
    await closed;
  });

  await t.test('PATCH sniffing and allow-lan are applied and reported', async () => {
    assert.equal((await api('PATCH', '/configs', { sniffing: false })).status, 204);
    assert.equal((await api('GET', '/configs')).json.sniffing, false);
    assert.equal((await api('PATCH', '/configs', { 'allow-lan': true })).status, 204);
    assert.equal((await api('GET', '/configs')).json['allow-lan'], true);
    const s = await connectVia('127.0.0.1', ePort); // still serving after the rebind
    s.destroy();
    assert.equal((await api('PATCH', '/configs', { 'allow-lan': false })).status, 204);
  });
});

test('engine: PROCESS-NAME matches the local program that opened the connection', { timeout: 30_000 }, async (t) => {
  const dir = tempDir(t);
  const ePort = await echoPort(t);
  const file = join(dir, 'config.yaml');
  // this test runs in node, so its connections through the mixed port come from "node"
  writeFileSync(file, config([`AND,((PROCESS-NAME,NODE),(DST-PORT,${ePort})),REJECT`, 'MATCH,DIRECT']));
  const engine = await startEngine({ configFile: file, logHub: createLogHub({ sink: null }), native: null });
  t.after(() => engine.stop());
  assert.equal(await rejected('127.0.0.1', ePort), true, 'rejected: the process is node (case-insensitive)');
  const closed = (await api('GET', '/connections/closed')).json.connections;
  const c = closed.find((x: any) => x.metadata.destinationPort === String(ePort));
  assert.equal(c.metadata.process, 'node');
  assert.equal(c.metadata.uid, process.getuid!());
  assert.equal(c.rule, 'AND');
});

test('engine: a rule without its data (IP-ASN, no ASN.mmdb) loads inactive and /rules says why', { timeout: 30_000 }, async (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'config.yaml');
  writeFileSync(file, config(['IP-ASN,13335,REJECT', 'MATCH,DIRECT']));
  const engine = await startEngine({ configFile: file, logHub: createLogHub({ sink: null }), native: null });
  t.after(() => engine.stop());
  const rules = (await api('GET', '/rules')).json.rules;
  assert.equal(rules[0].type, 'IPASN');
  assert.match(rules[0].extra.inactive, /ASN/);
  assert.equal(rules[1].extra.inactive, undefined);
});

test('engine: a subscription with a placeholder URL starts empty and reports why (no crash, no fetch)', { timeout: 30_000 }, async (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'config.yaml');
  writeFileSync(file, config(['RULE-SET,sub,REJECT', 'MATCH,DIRECT'], 'rule-providers:\n  sub: {type: http, behavior: domain, url: "replace with your subscription URL", interval: 3600}\n'));
  const engine = await startEngine({ configFile: file, logHub: createLogHub({ sink: null }), native: null });
  t.after(() => engine.stop());
  let p: any;
  for (let i = 0; i < 50; i++) {
    p = (await api('GET', '/providers/rules')).json.providers.sub;
    if (p.lastError) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(p.ruleCount, 0);
  assert.match(p.lastError, /SY_ERR_|URL|url/i);
  assert.equal((await api('PUT', '/providers/rules/sub')).status, 503);
});

test('engine: a config that does not load refuses to start and leaves nothing listening', async (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'config.yaml');
  writeFileSync(file, config(['MATCH,NOWHERE']));
  await assert.rejects(startEngine({ configFile: file, logHub: createLogHub({ sink: null }), native: null }), /NOWHERE/);
  const probe = net.createServer();
  probe.listen(MIXED, '127.0.0.1');
  await once(probe, 'listening');
  probe.close();
});
