// Access control: Bearer secret compared in constant time, 401 bodies as
// mihomo's, the Host check against DNS rebinding on loopback, refusal to
// serve a non-loopback address without a secret, CORS and Private Network Access.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { NULL_LOGGER } from '../../../main/core/logger.js';
import { createController } from '../../../main/controller/server.js';
import { allowedHosts, isLoopbackHost, secretEquals } from '../../../main/controller/security.js';
import { createFakeDeps } from './fake-deps.js';
import { harness, SECRET } from './helpers.js';

const h = harness();
after(() => h.c.close());

test('secretEquals: equal strings only, any lengths', () => {
  assert.equal(secretEquals('abc', 'abc'), true);
  assert.equal(secretEquals('abc', 'abd'), false);
  assert.equal(secretEquals('abc', 'abcd'), false);
  assert.equal(secretEquals('', 'x'), false);
  assert.equal(secretEquals('', ''), true);
});

test('every route needs the Bearer secret: missing or wrong -> 401 {"message":"Unauthorized"}', async () => {
  for (const auth of [undefined, '', 'Bearer', 'Bearer wrong', `bearer ${SECRET}`, `Basic ${SECRET}`, `Bearer ${SECRET}x`]) {
    for (const url of ['/version', '/configs', '/proxies', '/connections', '/rules']) {
      const headers: Record<string, string> = { host: '127.0.0.1:19090' };
      if (auth !== undefined) headers.authorization = auth;
      const r = await h.c.app.inject({ url, headers });
      assert.equal(r.statusCode, 401, `${url} ${auth}`);
      assert.equal(JSON.parse(r.body).message, 'Unauthorized');
    }
  }
  assert.equal((await h.req('GET', '/version')).status, 200);
});

test('?token= is accepted only on a WebSocket upgrade, never for plain requests', async () => {
  const r = await h.c.app.inject({ url: `/version?token=${SECRET}`, headers: { host: '127.0.0.1:19090' } });
  assert.equal(r.statusCode, 401);
});

test('without a secret on loopback every route is open', async () => {
  const open = harness({ secret: '' });
  try {
    const r = await open.c.app.inject({ url: '/version', headers: { host: '127.0.0.1:19090' } });
    assert.equal(r.statusCode, 200);
  } finally {
    await open.c.close();
  }
});

test('Host check on loopback: localhost, 127.0.0.1, [::1] with the port pass; anything else is 403', async () => {
  for (const host of ['127.0.0.1:19090', 'localhost:19090', '[::1]:19090', 'LOCALHOST:19090']) {
    assert.equal((await h.req('GET', '/version', { headers: { host } })).status, 200, host);
  }
  for (const host of ['evil.example:19090', '127.0.0.1:80', 'localhost', '127.0.0.1.nip.io:19090', '']) {
    const r = await h.req('GET', '/version', { headers: { host } });
    assert.equal(r.status, 403, host);
    assert.equal(r.json.code, 'SY_ERR_API_FORBIDDEN_HOST');
  }
  // also before auth and for the dashboard files
  assert.equal((await h.c.app.inject({ url: '/ui/', headers: { host: 'evil.example:19090' } })).statusCode, 403);
});

test('no Host check when bound to a non-loopback address (with a secret)', async () => {
  const lan = createController(createFakeDeps(), { listen: '0.0.0.0:19091', secret: 's', cors: { allowOrigins: ['*'], allowPrivateNetwork: false }, uiDir: null, logger: NULL_LOGGER });
  try {
    const r = await lan.app.inject({ url: '/version', headers: { host: '192.0.2.1:19091', authorization: 'Bearer s' } });
    assert.equal(r.statusCode, 200);
  } finally {
    await lan.close();
  }
});

test('refuses a non-loopback address without a secret, and malformed listen addresses', () => {
  const mk = (listen: string, secret = '') => () =>
    createController(createFakeDeps(), { listen, secret, cors: { allowOrigins: [], allowPrivateNetwork: false }, uiDir: null, logger: NULL_LOGGER });
  for (const listen of ['0.0.0.0:9090', ':9090', '[::]:9090', '192.0.2.1:9090']) {
    assert.throws(mk(listen), (e: { code?: string }) => e.code === 'SY_ERR_API_INSECURE_LISTEN', listen);
  }
  for (const listen of ['nonsense', '127.0.0.1', '127.0.0.1:99999', '']) {
    assert.throws(mk(listen, 's'), (e: { code?: string }) => e.code === 'SY_ERR_API_BAD_LISTEN', listen);
  }
  assert.doesNotThrow(mk('127.0.0.1:9090'));
  assert.doesNotThrow(mk('[::1]:9090'));
});

test('isLoopbackHost and allowedHosts', () => {
  assert.equal(isLoopbackHost('127.0.0.1'), true);
  assert.equal(isLoopbackHost('127.9.9.9'), true);
  assert.equal(isLoopbackHost('[::1]'), true);
  assert.equal(isLoopbackHost('localhost'), true);
  assert.equal(isLoopbackHost('0.0.0.0'), false);
  assert.equal(isLoopbackHost('::'), false);
  assert.ok(allowedHosts('127.0.0.2', 9090).has('127.0.0.2:9090'));
});

test('CORS preflight: answered without the secret, with methods, headers and Private Network Access', async () => {
  const r = await h.c.app.inject({
    method: 'OPTIONS',
    url: '/proxies/Proxy',
    headers: {
      host: '127.0.0.1:19090',
      origin: 'http://192.0.2.50:8080',
      'access-control-request-method': 'PUT',
      'access-control-request-headers': 'authorization,content-type',
      'access-control-request-private-network': 'true',
    },
  });
  assert.equal(r.statusCode, 204);
  assert.equal(r.headers['access-control-allow-origin'], '*');
  assert.match(String(r.headers['access-control-allow-methods']), /PATCH/);
  assert.match(String(r.headers['access-control-allow-headers']), /Authorization/);
  assert.equal(r.headers['access-control-allow-private-network'], 'true');
  const g = await h.req('GET', '/version', { headers: { origin: 'http://192.0.2.50:8080' } });
  assert.equal(g.headers['access-control-allow-origin'], '*');
});

test('CORS with an origin list: only listed origins are allowed; PNA off is not announced', async () => {
  const x = harness({ cors: { allowOrigins: ['http://dash.example'], allowPrivateNetwork: false } });
  try {
    const pre = (origin: string) =>
      x.c.app.inject({ method: 'OPTIONS', url: '/version', headers: { host: '127.0.0.1:19090', origin, 'access-control-request-method': 'GET', 'access-control-request-private-network': 'true' } });
    const ok = await pre('http://dash.example');
    assert.equal(ok.headers['access-control-allow-origin'], 'http://dash.example');
    assert.equal(ok.headers['access-control-allow-private-network'], undefined);
    const no = await pre('http://evil.example');
    assert.equal(no.headers['access-control-allow-origin'], undefined);
  } finally {
    await x.c.close();
  }
});
