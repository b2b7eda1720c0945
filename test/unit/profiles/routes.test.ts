// /profiles routes with inject(): the real ProfileManager behind the
// controller, a local subscription server, and the engine's reload recorded.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { NULL_LOGGER } from '../../../main/core/logger.js';
import { createController } from '../../../main/controller/server.js';
import { ProfileManager } from '../../../main/profiles/manager.js';
import { profilesView } from '../../../main/profiles/api-view.js';
import { createFakeDeps } from '../controller/fake-deps.js';
import { goodConfig, scratchHome, serve, silentLogger, startServer } from './fixtures.js';

const SECRET = 's3';
const srv = await startServer();
const h = scratchHome();
const reloads: string[] = [];
const pm = new ProfileManager({ home: h.home, logger: silentLogger(), downloadOptions: { timeoutMs: 1500 }, reload: async (f) => void reloads.push(f) });
const deps = Object.assign(createFakeDeps(), { profiles: profilesView(pm) });
const c = createController(deps, { listen: '127.0.0.1:19091', secret: SECRET, cors: { allowOrigins: ['*'], allowPrivateNetwork: false }, uiDir: null, logger: NULL_LOGGER });
after(async () => {
  await c.close();
  await srv.close();
  h.cleanup();
});

async function req(method: string, url: string, body?: unknown) {
  const r = await c.app.inject({
    method: method as 'GET',
    url,
    headers: { host: '127.0.0.1:19091', authorization: `Bearer ${SECRET}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
  });
  return { status: r.statusCode, json: r.body ? JSON.parse(r.body) : undefined };
}

test('first run: no profiles, no active one', async () => {
  const r = await req('GET', '/profiles');
  assert.equal(r.status, 200);
  assert.deepEqual(r.json, { profiles: [], active: '' });
});

test('import by URL, update, edit the override, activate, rename, delete', async () => {
  srv.on('/api-sub', serve(goodConfig('api.example'), { 'subscription-userinfo': 'upload=10; download=20; total=100; expire=0' }));
  const add = await req('POST', '/profiles', { url: srv.url('/api-sub'), name: 'Airport', interval: 7200 });
  assert.equal(add.status, 201);
  const id = add.json.id as string;
  assert.deepEqual({ ...add.json, id: '', updated: 0 }, {
    id: '', name: 'Airport', type: 'url', url: srv.url('/api-sub'), path: '', interval: 7200, updated: 0, active: false, override: false,
    userinfo: { upload: 10, download: 20, total: 100, expire: 0 }, error: null, failures: 0,
  });

  srv.on('/api-sub', (_q, res) => res.writeHead(500).end());
  const failed = await req('PUT', `/profiles/${id}`);
  assert.equal(failed.status, 400);
  assert.equal(failed.json.code, 'SY_ERR_PROFILE_HTTP_STATUS');
  const listed = await req('GET', '/profiles');
  assert.equal(listed.json.profiles[0].error.code, 'SY_ERR_PROFILE_HTTP_STATUS');

  const ov = await req('PUT', `/profiles/${id}/override`, { payload: 'append-rules:\n  - DOMAIN,x.example,REJECT\n' });
  assert.equal(ov.status, 200);
  assert.equal(ov.json.override, true);
  assert.deepEqual((await req('GET', `/profiles/${id}/override`)).json, { payload: 'append-rules:\n  - DOMAIN,x.example,REJECT\n' });
  const badOv = await req('PUT', `/profiles/${id}/override`, { payload: 'prepend-rules:\n  - DOMAIN,x.example,NOWHERE\n' });
  assert.equal(badOv.status, 400);
  assert.equal(badOv.json.code, 'SY_ERR_PROFILE_INVALID');
  assert.match(badOv.json.message, /effective\.yaml:\d+:\d+/);

  srv.on('/api-sub', serve(goodConfig('api2.example')));
  const upd = await req('PUT', `/profiles/${id}`);
  assert.equal(upd.status, 200);
  assert.equal(upd.json.error, null);

  const act = await req('POST', `/profiles/${id}/activate`);
  assert.equal(act.status, 200);
  assert.equal(act.json.active, true);
  assert.equal(reloads.length, 1);
  const eff = readFileSync(reloads[0]!, 'utf8');
  assert.match(eff, /api2\.example/);
  assert.match(eff, /DOMAIN,x\.example,REJECT/, 'the override survived the update');
  assert.equal((await req('GET', '/profiles')).json.active, id);

  assert.equal((await req('PATCH', `/profiles/${id}`, { name: 'Renamed' })).json.name, 'Renamed');
  const del = await req('DELETE', `/profiles/${id}`);
  assert.equal(del.status, 400);
  assert.equal(del.json.code, 'SY_ERR_PROFILE_ACTIVE');

  const local = await req('POST', '/profiles', { name: 'Pasted', payload: goodConfig('pasted.example') });
  assert.equal(local.status, 201);
  assert.equal(local.json.type, 'local');
  assert.equal((await req('DELETE', '/profiles/Pasted')).status, 204);
  assert.equal((await req('GET', '/profiles/Pasted/override')).status, 404);
});

test('bad requests are coded 400s naming the field', async () => {
  for (const body of [{}, { url: 'http://a.example/', payload: 'x' }, { url: 5 }, { url: 'http://a.example/', interval: -1 }, { url: 'http://a.example/', interval: 1.5 }]) {
    const r = await req('POST', '/profiles', body);
    assert.equal(r.status, 400, JSON.stringify(body));
    assert.equal(r.json.code, 'SY_ERR_API_BAD_REQUEST');
  }
  const badUrl = await req('POST', '/profiles', { url: 'file:///etc/passwd' });
  assert.equal(badUrl.json.code, 'SY_ERR_PROFILE_BAD_URL');
  assert.equal((await req('PATCH', '/profiles/x', {})).status, 400);
  assert.equal((await req('PUT', '/profiles/x/override', { text: 'a' })).status, 400);
  const missing = await req('PUT', '/profiles/nope');
  assert.equal(missing.status, 404);
  assert.equal(missing.json.code, 'SY_ERR_PROFILE_NOT_FOUND');
});

test('a core without profiles answers 501', async () => {
  const bare = createController(createFakeDeps(), { listen: '127.0.0.1:19092', secret: '', cors: { allowOrigins: ['*'], allowPrivateNetwork: false }, uiDir: null, logger: NULL_LOGGER });
  const r = await bare.app.inject({ method: 'GET', url: '/profiles', headers: { host: '127.0.0.1:19092' } });
  assert.equal(r.statusCode, 501);
  await bare.close();
});
