import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createCoreClient, normalizeBaseUrl } from '../../../main/electron/core-client.js';
import { resolveShellOptions } from '../../../main/electron/shell-options.js';
import { ShellError } from '../../../main/electron/errors.js';

// A real HTTP server speaking the controller's wire format for the calls the shell makes.
const seen: { method: string; url: string; auth: string; body: string }[] = [];
const server = createServer((req: IncomingMessage, res) => {
  let body = '';
  req.on('data', (d: Buffer) => (body += d.toString()));
  req.on('end', () => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', auth: req.headers.authorization ?? '', body });
    if (req.headers.authorization !== 'Bearer s3cret') return void res.writeHead(401).end(JSON.stringify({ message: 'Unauthorized' }));
    if (req.url === '/configs' && req.method === 'PATCH' && body.includes('"bogus"')) {
      res.writeHead(400, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify({ code: 'SY_ERR_API_BAD_REQUEST', message: 'mode must be rule, global or direct' }));
    }
    if (req.url === '/providers/rules') {
      return void res.end(JSON.stringify({ providers: {
        a: { name: 'a', vehicleType: 'HTTP' }, b: { name: 'b', vehicleType: 'File' }, 'c d': { name: 'c d', vehicleType: 'HTTP' },
      } }));
    }
    if (req.url === '/providers/rules/c%20d') return void res.writeHead(502).end(JSON.stringify({ message: 'download failed' }));
    if (req.method === 'PATCH' || req.method === 'DELETE' || req.method === 'PUT') return void res.writeHead(204).end();
    res.end(JSON.stringify({ mode: 'rule' }));
  });
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
after(() => server.close());
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

test('calls carry the Bearer secret and JSON bodies', async () => {
  const c = createCoreClient({ baseUrl: base, secret: 's3cret' });
  assert.equal((await c.configs()).mode, 'rule');
  await c.patchConfigs({ mode: 'global' });
  await c.closeAllConnections();
  const patch = seen.find((s) => s.method === 'PATCH');
  assert.deepEqual(JSON.parse(patch!.body), { mode: 'global' });
  assert.ok(seen.some((s) => s.method === 'DELETE' && s.url === '/connections'));
});
test('a wrong secret is SY_ERR_APP_CONTROLLER_AUTH', async () => {
  await assert.rejects(createCoreClient({ baseUrl: base, secret: 'nope' }).configs(), { code: 'SY_ERR_APP_CONTROLLER_AUTH' });
});
test('an error body is passed on with its code', async () => {
  await assert.rejects(createCoreClient({ baseUrl: base, secret: 's3cret' }).patchConfigs({ mode: 'bogus' }), (e: unknown) => {
    assert.ok(e instanceof ShellError);
    assert.equal(e.code, 'SY_ERR_APP_CONTROLLER_ANSWER');
    assert.match(e.message, /400.*SY_ERR_API_BAD_REQUEST: mode must be/);
    return true;
  });
});
test('an unreachable controller is SY_ERR_APP_CONTROLLER_UNREACHABLE', async () => {
  const dead = createServer();
  await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r));
  const port = (dead.address() as AddressInfo).port;
  await new Promise<void>((r) => dead.close(() => r()));
  await assert.rejects(createCoreClient({ baseUrl: `127.0.0.1:${port}`, secret: '', timeoutMs: 2000 }).version(), { code: 'SY_ERR_APP_CONTROLLER_UNREACHABLE' });
});
test('update subscriptions updates HTTP providers only and reports the failures', async () => {
  const failed = await createCoreClient({ baseUrl: base, secret: 's3cret' }).updateAllRuleProviders();
  assert.deepEqual(failed.map((f) => f.name), ['c d']);
  assert.match(failed[0]!.error, /download failed/);
  assert.ok(seen.some((s) => s.method === 'PUT' && s.url === '/providers/rules/a'));
  assert.ok(!seen.some((s) => s.method === 'PUT' && s.url === '/providers/rules/b'));
});
test('controller addresses are normalised; non-http is refused', () => {
  assert.equal(normalizeBaseUrl('127.0.0.1:9090'), 'http://127.0.0.1:9090');
  assert.equal(normalizeBaseUrl('https://gw.example:9090/x'), 'https://gw.example:9090');
  assert.throws(() => normalizeBaseUrl('ftp://x'), { code: 'SY_ERR_APP_BAD_OPTION' });
});
test('shell options: flags beat environment beat the config file; 0.0.0.0 becomes loopback', () => {
  const files: Record<string, string> = { '/def.yaml': "external-controller: '0.0.0.0:9097'\nsecret: filesecret\n" };
  const src = { argv: [], env: {}, defaultConfig: '/def.yaml', exists: (p: string) => p in files, readText: (p: string) => files[p]! };
  assert.deepEqual(resolveShellOptions(src), { controller: 'http://127.0.0.1:9097', secret: 'filesecret', configPath: '/def.yaml', hidden: false });
  assert.equal(resolveShellOptions({ ...src, env: { SWITCHYARD_CONTROLLER: '127.0.0.2:1', SWITCHYARD_SECRET: 'e' } }).secret, 'e');
  const o = resolveShellOptions({ ...src, argv: ['--controller=10.0.0.1:2', '--secret=f', '--hidden'] });
  assert.equal(o.controller, 'http://10.0.0.1:2');
  assert.equal(o.secret, 'f');
  assert.equal(o.hidden, true);
  files['/bad.yaml'] = 'a: [';
  assert.throws(() => resolveShellOptions({ ...src, defaultConfig: '/bad.yaml' }), { code: 'SY_ERR_APP_BAD_OPTION' });
});
