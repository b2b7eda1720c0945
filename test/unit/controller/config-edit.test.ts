// GET /configs/raw and POST /configs/edit against a running engine (in-process,
// loopback, no capture): an edit is written to the file with its comments and
// takes effect at once (/rules); a bad edit answers with the core's located
// message and leaves the file and the running config unchanged; the active
// profile's edits go to its override layer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEngine } from '../../../main/engine.js';
import { createLogHub, NULL_LOGGER } from '../../../main/core/logger.js';
import { createController } from '../../../main/controller/server.js';
import type { ConfigFileView } from '../../../main/controller/deps.js';
import { createFakeDeps } from './fake-deps.js';

const BASE = 20100 + (process.pid % 3000) * 2;
const SECRET = 'edit-secret';

function client(port: number) {
  return async (method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> => {
    const res = await fetch(`http://127.0.0.1:${port}${path}`, {
      method,
      headers: { authorization: `Bearer ${SECRET}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : null };
  };
}

const config = (api: number) => `# edited from the dashboard
mixed-port: 0
tproxy-port: 0
external-controller: 127.0.0.1:${api} # loopback only
secret: ${SECRET}
dns: { enable: false }
proxies:
  - {name: home, type: socks5, server: 192.0.2.10, port: 1080} # my box
proxy-groups:
  - {name: Proxy, type: select, proxies: [home, DIRECT]}
rules:
  - DOMAIN,a.example,DIRECT # first
  - MATCH,Proxy
`;

test('POST /configs/edit on a plain config file', { timeout: 30_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sy-edit-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'config.yaml');
  writeFileSync(file, config(BASE));
  const engine = await startEngine({ configFile: file, logHub: createLogHub({ sink: null }), native: null, uiDir: null });
  t.after(() => engine.stop());
  const api = client(BASE);

  await t.test('GET /configs/raw answers the running file', async () => {
    const r = await api('GET', '/configs/raw');
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, { path: file, payload: config(BASE), profile: '', bundled: false });
  });

  await t.test('an edit is written with comments kept and applies at once', async () => {
    const r = await api('POST', '/configs/edit', { ops: [
      { op: 'rule.insert', index: 0, rule: 'DOMAIN-SUFFIX,b.example,REJECT' },
      { op: 'proxy.put', proxy: { name: 'lab', type: 'socks5', server: '198.51.100.7', port: 1081, udp: true } },
      { op: 'group.add-member', group: 'Proxy', name: 'lab' },
    ] });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    const text = readFileSync(file, 'utf8');
    assert.equal(r.json.payload, text);
    for (const c of ['# edited from the dashboard', '# loopback only', '# my box', '# first']) assert.ok(text.includes(c), c);
    const rules = (await api('GET', '/rules')).json.rules;
    assert.deepEqual(rules.map((x: any) => `${x.type},${x.payload},${x.proxy}`).slice(0, 2), ['DomainSuffix,b.example,REJECT', 'Domain,a.example,DIRECT']);
    const proxies = (await api('GET', '/proxies')).json.proxies;
    assert.ok(proxies.lab, 'the new upstream is served');
    assert.ok(proxies.Proxy.all.includes('lab'));
  });

  await t.test('a bad edit answers 400 with the located message and changes nothing', async () => {
    const before = readFileSync(file, 'utf8');
    const rulesBefore = (await api('GET', '/rules')).json.rules.length;
    const r = await api('POST', '/configs/edit', { ops: [{ op: 'rule.insert', index: 0, rule: 'DOMAIN,c.example,NOWHERE' }] });
    assert.equal(r.status, 400);
    assert.match(r.json.message, /rules\[0\]/);
    assert.match(r.json.message, /NOWHERE/);
    assert.equal(readFileSync(file, 'utf8'), before);
    assert.equal((await api('GET', '/rules')).json.rules.length, rulesBefore);
    const shape = await api('POST', '/configs/edit', { ops: [{ op: 'rule.move', from: 0 }] });
    assert.equal(shape.status, 400);
    assert.equal(shape.json.code, 'SY_ERR_CONFIG_EDIT_OP');
    const missing = await api('POST', '/configs/edit', { ops: [{ op: 'rule.delete', index: 99 }] });
    assert.equal(missing.json.code, 'SY_ERR_CONFIG_EDIT_NOT_FOUND');
    assert.equal(readFileSync(file, 'utf8'), before);
  });
});

test('POST /configs/edit on the active profile writes its override', { timeout: 30_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sy-edit-prof-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'config.yaml');
  const api = client(BASE + 1);
  writeFileSync(file, config(BASE + 1));
  const engine = await startEngine({ configFile: file, profilesHome: dir, logHub: createLogHub({ sink: null }), native: null, uiDir: null });
  t.after(() => engine.stop());
  const add = await api('POST', '/profiles', { payload: config(BASE + 1), name: 'p' });
  assert.equal(add.status, 201, JSON.stringify(add.json));
  const act = await api('POST', `/profiles/${add.json.id}/activate`);
  assert.equal(act.status, 200, JSON.stringify(act.json));
  const raw = await api('GET', '/configs/raw');
  assert.equal(raw.json.profile, add.json.id);

  const r = await api('POST', '/configs/edit', { ops: [{ op: 'rule.insert', index: 0, rule: 'DOMAIN,mine.example,REJECT' }] });
  assert.equal(r.status, 200, JSON.stringify(r.json));
  const ov = await api('GET', `/profiles/${add.json.id}/override`);
  assert.match(ov.json.payload, /prepend-rules:\s*\n\s*- DOMAIN,mine\.example,REJECT/);
  assert.equal((await api('GET', '/rules')).json.rules[0].payload, 'mine.example');
  const refused = await api('POST', '/configs/edit', { ops: [{ op: 'rule.delete', index: 1 }] });
  assert.equal(refused.status, 400);
  assert.equal(refused.json.code, 'SY_ERR_CONFIG_EDIT_PROFILE');
});

// Route-level behaviour with the controller's fake deps (inject, no socket):
// the bundled default is never written, a failed write puts the engine back,
// and a core without a config file answers 501.

function injectWith(configFile: ConfigFileView | undefined) {
  const base = createFakeDeps();
  const deps = { ...base, ...(configFile ? { configFile } : {}) };
  const c = createController(deps, { listen: '127.0.0.1:19091', secret: SECRET, cors: { allowOrigins: ['*'], allowPrivateNetwork: true }, uiDir: null, logger: NULL_LOGGER });
  const req = async (method: 'GET' | 'POST', url: string, body?: unknown) => {
    const r = await c.app.inject({ method, url, headers: { host: '127.0.0.1:19091', authorization: `Bearer ${SECRET}`, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { payload: JSON.stringify(body) } : {}) });
    return { status: r.statusCode, json: r.body ? JSON.parse(r.body) : undefined };
  };
  return { req, reloads: base.state.reloads, close: () => c.close() };
}

test('the bundled default is edited into the config home: reload and write go to the new path', async (t) => {
  const writes: [string, string][] = [];
  const h = injectWith({
    read: async () => ({ path: '/home/u/.config/switchyard/config.yaml', payload: '# bundled\nrules:\n  - MATCH,DIRECT\n', running: '/app/rules/default.yaml' }),
    write: async (p, text) => void writes.push([p, text]),
  });
  t.after(() => h.close());
  const raw = await h.req('GET', '/configs/raw');
  assert.equal(raw.json.bundled, true);
  const r = await h.req('POST', '/configs/edit', { ops: [{ op: 'rule.insert', index: 0, rule: 'DOMAIN,a.example,REJECT' }] });
  assert.equal(r.status, 200, JSON.stringify(r.json));
  assert.deepEqual(writes.map((w) => w[0]), ['/home/u/.config/switchyard/config.yaml']);
  assert.match(writes[0]![1], /# bundled\nrules:\n {2}- DOMAIN,a\.example,REJECT\n {2}- MATCH,DIRECT/);
  assert.deepEqual(h.reloads.at(-1), { payload: writes[0]![1], path: '/home/u/.config/switchyard/config.yaml' });
});

test('a failed write reloads the old text and answers the error', async (t) => {
  const h = injectWith({
    read: async () => ({ path: '/etc/sy/config.yaml', payload: 'rules:\n  - MATCH,DIRECT\n' }),
    write: async () => {
      throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
    },
  });
  t.after(() => h.close());
  const r = await h.req('POST', '/configs/edit', { ops: [{ op: 'rule.delete', index: 0 }] });
  assert.equal(r.status, 400);
  assert.match(r.json.message, /cannot write the config file/);
  assert.deepEqual(h.reloads.at(-1), { payload: 'rules:\n  - MATCH,DIRECT\n', path: '/etc/sy/config.yaml' }, 'the engine is back on the file as it is');
});

test('without a config file view the routes answer 501', async (t) => {
  const h = injectWith(undefined);
  t.after(() => h.close());
  assert.equal((await h.req('GET', '/configs/raw')).status, 501);
  assert.equal((await h.req('POST', '/configs/edit', { ops: [{ op: 'rule.delete', index: 0 }] })).status, 501);
});
