// http proxy providers against a real local subscription server: the first
// download, ETag/304, 500, oversized, garbage YAML and a slow server — every
// failure keeps the last good list (in memory and on disk) — the last good
// copy loaded offline at start-up, refresh with backoff, subscription-userinfo.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isSyError } from '../../../main/core/errors.js';
import { UnsupportedOutbound } from '../../../main/outbound/unsupported.js';
import { body, build, config, recordingLogger, subscriptionServer, type Built } from './helpers.js';

const home = mkdtempSync(join(tmpdir(), 'sy-pp-http-'));
const cleanups: (() => unknown)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
  rmSync(home, { recursive: true, force: true });
});

const FIRST = body([{ name: '🇭🇰 HK 01' }, { name: '🇯🇵 JP 01', type: 'http', port: 2 }, { name: '🇺🇸 US vmess', type: 'vmess' }]);

function yaml(url: string, extra = ''): string {
  return [
    'proxy-providers:',
    '  sub:',
    '    type: http',
    `    url: "${url}"`,
    '    interval: 3600',
    '    path: ./proxies/sub.yaml',
    extra,
    'proxy-groups:',
    '  - {name: all, type: select, use: [sub]}',
    '  - {name: hk, type: select, use: [sub], filter: "HK|港"}',
    'rules: ["MATCH,all"]',
    '',
  ].join('\n');
}

async function setup(extra = '', opts: { fetchTimeoutMs?: number } = {}) {
  const srv = await subscriptionServer();
  cleanups.push(() => srv.close());
  const dir = mkdtempSync(join(home, 'c-'));
  const logger = recordingLogger();
  const b: Built = await build(config(yaml(srv.url, extra), dir), { logger, fetchTimeoutMs: opts.fetchTimeoutMs });
  cleanups.push(() => b.close());
  const p = b.loaded.providers.get('sub')!;
  return { srv, dir, logger, b, p, cache: join(dir, 'proxies', 'sub.yaml') };
}

async function rejectsWith(p: Promise<unknown>, code: string) {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(isSyError(e), String(e));
    assert.equal(e.code, code, e.message);
    return true;
  });
}

test('no local copy: starts empty with a warning; update downloads, writes the copy and fills the groups', async () => {
  const { srv, logger, b, p, cache } = await setup();
  assert.equal(b.loaded.errors.length, 0);
  assert.deepEqual(p.members(), []);
  assert.ok(logger.records.some((r) => r.level === 'warn' && /no usable local copy/.test(r.msg)));
  assert.deepEqual(b.outbounds.group('all')!.members, []);
  assert.equal(b.outbounds.group('all')!.pick({} as never), null, 'an empty group has no usable member');

  srv.answer = () => ({ body: FIRST, headers: { etag: '"v1"', 'subscription-userinfo': 'upload=100; download=200; total=1000; expire=2218532293' } });
  await p.update();
  assert.equal(readFileSync(cache, 'utf8'), FIRST);
  assert.deepEqual(p.proxies().map((x) => x.name), ['🇭🇰 HK 01', '🇯🇵 JP 01', '🇺🇸 US vmess']);
  assert.deepEqual(b.outbounds.group('all')!.members, ['🇭🇰 HK 01', '🇯🇵 JP 01', '🇺🇸 US vmess']);
  assert.deepEqual(b.outbounds.group('hk')!.members, ['🇭🇰 HK 01']);
  assert.ok(b.outbounds.get('🇺🇸 US vmess') instanceof UnsupportedOutbound, 'vmess loads as an unavailable member');
  assert.equal(b.outbounds.get('🇺🇸 US vmess')!.alive(), false);
  assert.ok(b.outbounds.all().some((o) => o.name === '🇯🇵 JP 01'), '/proxies lists provider proxies');
  assert.deepEqual(p.subscriptionInfo(), { Upload: 100, Download: 200, Total: 1000, Expire: 2218532293 });
  assert.equal(srv.requests[0]!['user-agent'], 'clash.meta');
  const unsupportedWarnings = logger.records.filter((r) => r.fields.code === 'SY_ERR_CONFIG_UNSUPPORTED_PROXY');
  assert.equal(unsupportedWarnings.length, 1, 'one warning for the one vmess proxy');
});

test('every failed update keeps the last good list, in memory and on disk', async () => {
  const { srv, b, p, cache } = await setup('    size-limit: 4096', { fetchTimeoutMs: 300 });
  srv.answer = () => ({ body: FIRST, headers: { etag: '"v1"' } });
  await p.update();
  const good = () => {
    assert.deepEqual(p.proxies().map((x) => x.name), ['🇭🇰 HK 01', '🇯🇵 JP 01', '🇺🇸 US vmess']);
    assert.equal(readFileSync(cache, 'utf8'), FIRST);
    assert.equal(b.outbounds.group('all')!.members.length, 3);
  };

  srv.answer = (req) => (req.headers['if-none-match'] === '"v1"' ? { status: 304 } : { body: 'proxies: []\n' });
  await p.update();
  good();

  srv.answer = () => ({ status: 500, body: 'oops' });
  await rejectsWith(p.update(), 'SY_ERR_PROXY_PROVIDER_HTTP_STATUS');
  good();

  srv.answer = () => ({ body: `proxies:\n${'  - {name: x, type: socks5, server: 127.0.0.1, port: 1}\n'.repeat(200)}` });
  await rejectsWith(p.update(), 'SY_ERR_PROXY_PROVIDER_TOO_LARGE');
  good();

  srv.answer = () => ({ body: 'proxies: [ {name: broken\n  : : ]]' });
  await rejectsWith(p.update(), 'SY_ERR_PROXY_PROVIDER_PARSE');
  good();

  srv.answer = () => ({ body: '<html>login required</html>' });
  await rejectsWith(p.update(), 'SY_ERR_PROXY_PROVIDER_PARSE');
  good();

  srv.answer = () => ({ body: 'proxies:\n  - {name: a, type: socks5, server: 127.0.0.1}\n' });
  await assert.rejects(p.update(), (e: unknown) => isSyError(e) && e.code === 'SY_ERR_PROXY_PROVIDER_PARSE' && /port/.test(e.message));
  good();

  srv.answer = () => ({ body: FIRST, delayMs: 2000 });
  const t0 = Date.now();
  await rejectsWith(p.update(), 'SY_ERR_PROXY_PROVIDER_TIMEOUT');
  assert.ok(Date.now() - t0 < 1500, 'the timeout is honoured');
  good();
});

test('chunked oversized bodies (no Content-Length) are refused too', async () => {
  const { srv, p } = await setup('    size-limit: 1024');
  srv.answer = () => ({ body: Buffer.from(`proxies:\n${'  - {name: x, type: socks5, server: 127.0.0.1, port: 1}\n'.repeat(100)}`), headers: { 'transfer-encoding': 'chunked' } });
  await rejectsWith(p.update(), 'SY_ERR_PROXY_PROVIDER_TOO_LARGE');
  assert.deepEqual(p.proxies(), []);
});

test('start-up loads the last good copy offline (the server is gone)', async () => {
  const dir = mkdtempSync(join(home, 'offline-'));
  mkdirSync(join(dir, 'proxies'));
  writeFileSync(join(dir, 'proxies', 'sub.yaml'), FIRST);
  const b = await build(config(yaml('http://127.0.0.1:9/sub'), dir));
  cleanups.push(() => b.close());
  assert.deepEqual(b.outbounds.group('hk')!.members, ['🇭🇰 HK 01']);
  assert.equal(b.loaded.providers.get('sub')!.vehicleType, 'HTTP');
  assert.ok(b.loaded.providers.get('sub')!.updatedAt());
});

test('the background refresh downloads when the copy is missing, and retries with backoff after failures', async () => {
  const { srv, p, cache } = await setup();
  let n = 0;
  srv.answer = () => (++n < 3 ? { status: 503 } : { body: FIRST });
  (p as unknown as { deps: { retryBaseMs: number } }).deps.retryBaseMs = 50;
  p.start();
  const deadline = Date.now() + 5000;
  while (!existsSync(cache) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
  assert.ok(existsSync(cache), 'downloaded after two failures');
  assert.equal(n, 3);
  assert.equal(p.proxies().length, 3);
});

test('select keeps its choice across an update while the member is still there, and moves on when it is gone', async () => {
  const { srv, b, p } = await setup();
  srv.answer = () => ({ body: FIRST });
  await p.update();
  const all = b.outbounds.group('all')!;
  all.select!('🇯🇵 JP 01');
  srv.answer = () => ({ body: body([{ name: 'new' }, { name: '🇯🇵 JP 01', type: 'http', port: 2 }]) });
  await p.update();
  assert.equal(all.now(), '🇯🇵 JP 01');
  srv.answer = () => ({ body: body([{ name: 'new' }]) });
  await p.update();
  assert.equal(all.now(), 'new');
});
