// file and inline providers, downloads through the provider's `proxy` (a real
// HTTP CONNECT upstream), a missing file as a located start error, and a
// randomised check that provider bodies only ever fail with coded errors.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isSyError } from '../../../main/core/errors.js';
import { parseProxyProviderBody } from '../../../main/config/proxy-provider-body.js';
import { connectProxy } from '../outbound/peers.js';
import { body, build, config, subscriptionServer, type Built } from './helpers.js';

const home = mkdtempSync(join(tmpdir(), 'sy-pp-file-'));
const cleanups: (() => unknown)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
  rmSync(home, { recursive: true, force: true });
});
async function track(b: Promise<Built>): Promise<Built> {
  const x = await b;
  cleanups.push(() => x.close());
  return x;
}

test('file provider: loaded at start, PUT-style update re-reads it; a broken file keeps the last good list', async () => {
  const dir = mkdtempSync(join(home, 'f-'));
  const f = join(dir, 'mine.yaml');
  writeFileSync(f, body([{ name: 'one' }]));
  const b = await track(build(config('proxy-providers:\n  disk: {type: file, path: ./mine.yaml}\nproxy-groups:\n  - {name: g, type: select, use: [disk]}\n', dir)));
  const p = b.loaded.providers.get('disk')!;
  assert.deepEqual(b.outbounds.group('g')!.members, ['one']);
  writeFileSync(f, body([{ name: 'one' }, { name: 'two' }]));
  await p.update();
  assert.deepEqual(b.outbounds.group('g')!.members, ['one', 'two']);
  writeFileSync(f, 'proxies: nope\n');
  await assert.rejects(p.update(), (e: unknown) => isSyError(e) && e.code === 'SY_ERR_PROXY_PROVIDER_PARSE' && e.message.includes(f));
  assert.deepEqual(b.outbounds.group('g')!.members, ['one', 'two']);
});

test('a missing file provider is a located start error', async () => {
  const dir = mkdtempSync(join(home, 'm-'));
  const b = await track(build(config('proxy-providers:\n  disk: {type: file, path: ./absent.yaml}\n', dir)));
  assert.equal(b.loaded.errors.length, 1);
  assert.equal(b.loaded.errors[0]!.code, 'SY_ERR_PROXY_PROVIDER_READ');
  assert.match(b.loaded.errors[0]!.message, /config\.yaml:2:9 proxy-providers\.disk/);
});

test('inline provider: filters and override apply to its payload', async () => {
  const yaml = `proxy-providers:
  inl:
    type: inline
    exclude-filter: "过期"
    override: {additional-suffix: " (inline)"}
    payload:
      - {name: a, type: socks5, server: 127.0.0.1, port: 1}
      - {name: 已过期, type: socks5, server: 127.0.0.1, port: 2}
proxy-groups:
  - {name: g, type: select, use: [inl]}
`;
  const b = await track(build(config(yaml, mkdtempSync(join(home, 'i-')))));
  assert.deepEqual(b.outbounds.group('g')!.members, ['a (inline)']);
  assert.equal(b.loaded.providers.get('inl')!.vehicleType, 'Inline');
});

test('http provider downloads through its `proxy` (a real HTTP CONNECT upstream)', async () => {
  const srv = await subscriptionServer();
  cleanups.push(() => srv.close());
  const up = await connectProxy(0);
  cleanups.push(() => up.close());
  srv.answer = () => ({ body: body([{ name: 'via-upstream' }]) });
  const yaml = `proxies:
  - {name: up, type: http, server: 127.0.0.1, port: ${up.port}}
proxy-providers:
  sub: {type: http, url: "${srv.url}", proxy: up}
proxy-groups:
  - {name: g, type: select, use: [sub]}
`;
  const b = await track(build(config(yaml, mkdtempSync(join(home, 'v-')))));
  await b.loaded.providers.get('sub')!.update();
  assert.equal(up.connects(), 1, 'the download went through the upstream');
  assert.deepEqual(b.outbounds.group('g')!.members, ['via-upstream']);
});

test('redirects are followed (a subscription moved elsewhere)', async () => {
  const srv = await subscriptionServer();
  cleanups.push(() => srv.close());
  srv.answer = (req) => (req.url === '/sub' ? { status: 302, headers: { location: '/moved?x=1' } } : { body: body([{ name: 'moved' }]) });
  const b = await track(build(config(`proxy-providers:\n  sub: {type: http, url: "${srv.url}"}\n`, mkdtempSync(join(home, 'r-')))));
  await b.loaded.providers.get('sub')!.update();
  assert.deepEqual(b.loaded.providers.get('sub')!.proxies().map((p) => p.name), ['moved']);
});

test('https: the certificate is verified; an untrusted one fails coded and keeps the list', async () => {
  const dir = mkdtempSync(join(home, 'tls-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem'), '-days', '1', '-subj', '/CN=127.0.0.1'], { stdio: 'ignore' });
  let hits = 0;
  const srv = https.createServer({ key: readFileSync(join(dir, 'k.pem')), cert: readFileSync(join(dir, 'c.pem')) }, (_req, res) => {
    hits++;
    res.end(body([{ name: 'secret' }]));
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise<void>((r) => { srv.closeAllConnections(); srv.close(() => r()); }));
  const url = `https://127.0.0.1:${(srv.address() as AddressInfo).port}/sub`;
  const b = await track(build(config(`proxy-providers:\n  sub: {type: http, url: "${url}"}\nproxy-groups:\n  - {name: g, type: select, use: [sub]}\n`, dir)));
  await assert.rejects(b.loaded.providers.get('sub')!.update(), (e: unknown) => isSyError(e) && e.code === 'SY_ERR_PROXY_PROVIDER_FETCH');
  assert.equal(hits, 0, 'no request was sent over the unverified connection');
  assert.deepEqual(b.outbounds.group('g')!.members, []);
});

test('randomised: provider bodies only ever fail with coded errors', () => {
  const pieces = ['proxies:', '\n', '  - ', '{', '}', 'name: a', 'type: socks5', 'type: vmess', 'server: 127.0.0.1', 'port: 1', 'port: x', ', ', ':', '[', ']', '"', "'", '&a', '*a', '<<: *a', '#', '\t', '🇭🇰', '\u0000', '- ', 'payload:', '!!binary'];
  let seed = 12345;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  const opts = { override: {}, filter: '', excludeFilter: '', excludeType: '' };
  for (let i = 0; i < 1500; i++) {
    let text = '';
    const len = 1 + rnd(25);
    for (let j = 0; j < len; j++) text += pieces[rnd(pieces.length)];
    try {
      const r = parseProxyProviderBody(text, 'fuzz.yaml', opts);
      assert.ok(Array.isArray(r.proxies));
    } catch (e) {
      assert.ok(isSyError(e), `uncoded failure for ${JSON.stringify(text)}: ${String(e)}`);
    }
  }
});

test('checkProxyProviders (for switchyard check): file errors, http copies as warnings, counts; no network', async () => {
  const { checkProxyProviders } = await import('../../../main/proxy-providers/check.js');
  const dir = mkdtempSync(join(home, 'chk-'));
  writeFileSync(join(dir, 'ok.yaml'), body([{ name: 'a' }, { name: 'b', type: 'ss' }]));
  writeFileSync(join(dir, 'bad.yaml'), 'proxies: 3\n');
  const cfg = config(`proxy-providers:
  good: {type: file, path: ./ok.yaml}
  broken: {type: file, path: ./bad.yaml}
  gone: {type: file, path: ./missing.yaml}
  sub: {type: http, url: "http://192.0.2.1/sub"}
  inl: {type: inline, payload: [{name: x, type: socks5, server: 127.0.0.1, port: 1}]}
`, dir);
  const r = await checkProxyProviders(cfg.proxyProviders!);
  assert.deepEqual(r.counts, { good: 2, broken: 0, gone: 0, sub: 0, inl: 1 });
  assert.deepEqual(r.errors.map((e) => e.code).sort(), ['SY_ERR_PROXY_PROVIDER_PARSE', 'SY_ERR_PROXY_PROVIDER_READ']);
  assert.deepEqual(r.warnings.map((e) => e.code).sort(), ['SY_ERR_CONFIG_UNSUPPORTED_PROXY', 'SY_ERR_PROXY_PROVIDER_READ']);
});
