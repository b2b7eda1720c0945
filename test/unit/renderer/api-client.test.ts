import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiClient, ApiFailure } from '../../../renderer/src/api/client.js';

// A real HTTP server answering like the controller does.
const server = createServer((req, res) => {
  if (req.headers.authorization !== 'Bearer good') {
    res.writeHead(401, { 'content-type': 'application/json' });
    return void res.end(JSON.stringify({ code: 'SY_ERR_API_UNAUTHORIZED', message: 'missing or wrong secret' }));
  }
  if (req.url?.startsWith('/match')) return void res.end(JSON.stringify({ target: 'DIRECT', rule: 'Match', payload: '', index: 2, chain: [], q: req.url }));
  if (req.url === '/proxies/a%2Fb' && req.method === 'PUT') {
    res.writeHead(400, { 'content-type': 'application/json' });
    return void res.end(JSON.stringify({ code: 'SY_ERR_API_NOT_SELECTOR', message: 'a/b is not a select group' }));
  }
  if (req.url === '/broken') return void res.writeHead(502).end('Bad Gateway');
  res.writeHead(204).end();
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
after(() => server.close());
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

test('401 is an ApiFailure marked unauthorized, with the server code', async () => {
  await assert.rejects(new ApiClient(base, 'bad').version(), (e: unknown) => {
    assert.ok(e instanceof ApiFailure);
    assert.equal(e.unauthorized, true);
    assert.equal(e.code, 'SY_ERR_API_UNAUTHORIZED');
    return true;
  });
});
test('error bodies keep their code and message; names are URL-encoded', async () => {
  await assert.rejects(new ApiClient(base, 'good').selectProxy('a/b', 'x'), { code: 'SY_ERR_API_NOT_SELECTOR', message: 'a/b is not a select group', status: 400 });
});
test('a non-JSON error is HTTP_<status> with the body text', async () => {
  const c = new ApiClient(base, 'good') as unknown as { call: (m: string, p: string) => Promise<unknown> };
  await assert.rejects(c.call('GET', '/broken'), { code: 'HTTP_502', message: 'Bad Gateway' });
});
test('an unreachable controller is NETWORK', async () => {
  await assert.rejects(new ApiClient('http://127.0.0.1:1', '', 2000).version(), { code: 'NETWORK', status: 0 });
});
test('match sends only the given fields; 204 answers resolve to undefined', async () => {
  const c = new ApiClient(base, 'good');
  const r = (await c.match({ host: 'example.com', port: '443', network: 'tcp' })) as unknown as { q: string };
  assert.equal(r.q, '/match?host=example.com&port=443&network=tcp');
  assert.equal(await c.closeConnection('x y'), undefined);
});
