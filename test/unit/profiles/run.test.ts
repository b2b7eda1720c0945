// The whole path with a real core process: `switchyard run` without --config
// starts the active profile, the controller serves /profiles, activating
// another profile reloads the running core, and an override on the active
// profile takes effect at once. Loopback only (tproxy and DNS off, no capture).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { ProfileManager } from '../../../main/profiles/manager.js';
import { goodConfig, scratchHome, serve, silentLogger, startServer } from './fixtures.js';

const SECRET = 'run-secret';
// Ports outside the ephemeral range, distinct per test process.
const MIXED = 20000 + (process.pid % 4000) * 2;
const API = MIXED + 1;

function profileText(marker: string): string {
  return goodConfig(marker).replace('mixed-port: 7890', [`mixed-port: ${MIXED}`, 'tproxy-port: 0', 'dns: {enable: false}', `external-controller: 127.0.0.1:${API}`, `secret: ${SECRET}`].join('\n'));
}

const srv = await startServer();
const h = scratchHome();
let child: ChildProcess | null = null;
after(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  await srv.close();
  h.cleanup();
});

async function api(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const r = await fetch(`http://127.0.0.1:${API}${path}`, {
    method,
    headers: { authorization: `Bearer ${SECRET}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await r.text();
  return { status: r.status, json: text ? JSON.parse(text) : undefined };
}

test('run starts the active profile; the API switches and edits it live', { timeout: 60_000 }, async () => {
  const pm = new ProfileManager({ home: `${h.home}/switchyard`, logger: silentLogger() });
  srv.on('/run-a', serve(profileText('a.example'), { 'subscription-userinfo': 'upload=1; download=2; total=3; expire=0' }));
  const a = await pm.add({ url: srv.url('/run-a'), name: 'A' });
  const b = await pm.add({ payload: profileText('b.example'), name: 'B' });
  await pm.activate('A');

  const bin = new URL('../../../bin/switchyard.mjs', import.meta.url).pathname;
  child = spawn(process.execPath, [bin, 'run', '--no-capture'], { env: { ...process.env, XDG_CONFIG_HOME: h.home, HOME: h.home }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const t0 = Date.now();
  while (!out.includes('dashboard:') && Date.now() - t0 < 30_000 && child.exitCode === null) await new Promise((r) => setTimeout(r, 100));
  assert.match(out, new RegExp(`switchyard running with .*${a.id}\\.effective\\.yaml`), out);

  const list = await api('GET', '/profiles');
  assert.equal(list.status, 200);
  assert.equal(list.json.active, a.id);
  assert.deepEqual(list.json.profiles.map((p: { name: string }) => p.name), ['A', 'B']);
  assert.equal((await api('GET', '/match?host=www.a.example')).json.rule, 'DOMAIN-SUFFIX');

  const act = await api('POST', `/profiles/${b.id}/activate`);
  assert.equal(act.status, 200, JSON.stringify(act.json));
  assert.equal((await api('GET', '/match?host=www.b.example')).json.target, 'PROXY');
  assert.equal((await api('GET', '/match?host=www.a.example')).json.target, 'DIRECT', 'A is no longer running');

  const ov = await api('PUT', `/profiles/${b.id}/override`, { payload: 'prepend-rules:\n  - DOMAIN,mine.example,REJECT\n' });
  assert.equal(ov.status, 200, JSON.stringify(ov.json));
  assert.equal((await api('GET', '/match?host=mine.example')).json.target, 'REJECT');

  child.kill('SIGTERM');
  await new Promise((r) => child!.once('exit', r));
});
