// The controller's own HTTP layer (main/controller/http/): route precedence,
// params, HEAD, body limits and refused WebSocket upgrades over real sockets.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { connect } from 'node:net';
import { Router } from '../../../main/controller/http/router.js';
import { harness, SECRET, type Harness } from './helpers.js';

test('router: static beats :param beats *, params are decoded, no trailing-slash folding', () => {
  const r = new Router<string>();
  r.add('GET', '/providers/proxies/:provider/:name', 'member');
  r.add('GET', '/providers/proxies/:provider/healthcheck', 'health');
  r.add('GET', '/ui', 'ui');
  r.add('GET', '/ui/*', 'ui-any');
  r.add('GET', '/proxies/:name', 'proxy');
  assert.equal(r.find('GET', '/providers/proxies/p1/healthcheck')?.value, 'health');
  assert.deepEqual(r.find('GET', '/providers/proxies/p1/hk%2001')?.params, { provider: 'p1', name: 'hk 01' });
  assert.equal(r.find('GET', '/ui')?.value, 'ui');
  assert.deepEqual(r.find('GET', '/ui/')?.params, { '*': '' });
  assert.deepEqual(r.find('GET', '/ui/a/b.js')?.params, { '*': 'a/b.js' });
  assert.equal(r.find('GET', '/proxies/'), null, 'an empty :param does not match');
  assert.equal(r.find('GET', '/proxies/a/'), null);
  assert.equal(r.find('PUT', '/proxies/a'), null);
  assert.throws(() => r.find('GET', '/proxies/%ff'), (e: { code?: string }) => e.code === 'SY_ERR_API_BAD_REQUEST');
  assert.throws(() => r.add('GET', '/proxies/:other', 'x') ?? r.add('GET', '/proxies/:name', 'y'), (e: { code?: string }) => e.code === 'SY_ERR_API_BAD_ROUTE');
  assert.throws(() => r.add('GET', '/a/*/b', 'x'), (e: { code?: string }) => e.code === 'SY_ERR_API_BAD_ROUTE');
});

let h: Harness;
let port = 0;
before(async () => {
  h = harness({ listen: '127.0.0.1:0' });
  await h.c.start();
  port = h.c.address().port;
});
after(() => h.c.close());

function request(method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, headers: { host: `127.0.0.1:${port}`, authorization: `Bearer ${SECRET}`, ...headers } }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

test('real HTTP: JSON answers with length, HEAD without a body, 404 with mihomo body, keep-alive works', async () => {
  const v = await request('GET', '/version');
  assert.equal(v.status, 200);
  assert.match(String(v.headers['content-type']), /^application\/json/);
  assert.equal(Number(v.headers['content-length']), Buffer.byteLength(v.body));
  const head = await request('HEAD', '/version');
  assert.equal(head.status, 200);
  assert.equal(head.body, '');
  const nf = await request('GET', '/version/');
  assert.equal(nf.status, 404);
  assert.deepEqual(JSON.parse(nf.body), { message: 'Resource not found', code: 'SY_ERR_API_NOT_FOUND' });
});

test('real HTTP: a body over the limit is 413 and the connection is closed; bad JSON is 400', async () => {
  const big = await request('PUT', '/storage/big', JSON.stringify({ s: 'x'.repeat((1 << 20) + 2048) }), { 'content-type': 'application/json' });
  assert.equal(big.status, 413);
  assert.equal(JSON.parse(big.body).code, 'SY_ERR_API_TOO_LARGE');
  const bad = await request('PATCH', '/configs', '{nope', { 'content-type': 'text/plain' });
  assert.equal(bad.status, 400);
  assert.equal(JSON.parse(bad.body).code, 'SY_ERR_API_BAD_REQUEST');
});

/** Sends a raw WebSocket upgrade and returns the status line. */
function upgrade(path: string, auth: boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => {
      s.write(
        [`GET ${path} HTTP/1.1`, `Host: 127.0.0.1:${port}`, 'Upgrade: websocket', 'Connection: Upgrade', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Version: 13', ...(auth ? [`Authorization: Bearer ${SECRET}`] : []), '', ''].join('\r\n'),
      );
    });
    let text = '';
    s.on('data', (d) => (text += d));
    s.on('close', () => resolve(text.split('\r\n')[0] ?? ''));
    s.on('error', reject);
    s.setTimeout(3000, () => {
      s.destroy();
      resolve(text.split('\r\n')[0] ?? '');
    });
  });
}

test('WebSocket upgrades to a non-stream route are 404, to an unknown route 404, without the secret 401 (and closed)', async () => {
  assert.match(await upgrade('/version', true), /^HTTP\/1\.1 404/);
  assert.match(await upgrade('/nope', true), /^HTTP\/1\.1 404/);
  assert.match(await upgrade('/traffic', false), /^HTTP\/1\.1 401/);
  assert.match(await upgrade('/logs?level=nope', true), /^HTTP\/1\.1 400/);
});

test('close() ends an open NDJSON stream and idle keep-alive connections at once (not after the grace period)', async () => {
  const x = harness({ listen: '127.0.0.1:0' });
  await x.c.start();
  const p = x.c.address().port;
  const agent = new http.Agent({ keepAlive: true });
  try {
    const headers = { host: `127.0.0.1:${p}`, authorization: `Bearer ${SECRET}` };
    await new Promise<void>((r, j) => http.get({ host: '127.0.0.1', port: p, path: '/version', agent, headers }, (res) => res.resume().on('end', () => r())).on('error', j));
    const streamEnded = new Promise<void>((r, j) => http.get({ host: '127.0.0.1', port: p, path: '/traffic', agent, headers }, (res) => res.resume().on('end', () => r())).on('error', j));
    await new Promise((r) => setTimeout(r, 100));
    const t = Date.now();
    await x.c.close();
    await streamEnded;
    assert.ok(Date.now() - t < 500, `close took ${Date.now() - t} ms`);
  } finally {
    agent.destroy();
    await x.c.close();
  }
});
