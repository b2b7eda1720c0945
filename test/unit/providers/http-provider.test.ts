// http rule providers against REAL local HTTP servers: ETag / 304,
// Last-Modified, 500, oversized, garbage, slow bodies, redirects, first run
// without a local copy, identical content; the provider keeps matching the
// old set on every failure and never replaces the local copy with bad data.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RuleProviderConfig } from '../../../main/config/types.js';
import { SyError } from '../../../main/core/errors.js';
import { NULL_LOGGER } from '../../../main/core/logger.js';
import { newMetadata } from '../../../main/core/metadata.js';
import { createRuleProvider, type RuleProvider } from '../../../main/providers/provider.js';
import { download, type Dial, type RuleDownloader } from '../../../main/providers/http-fetch.js';
import { encodeMrs } from '../../../main/providers/mrs/index.js';

const dir = mkdtempSync(join(tmpdir(), 'sy-http-prov-'));
after(() => rmSync(dir, { recursive: true, force: true }));

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;
let handler: Handler = (_q, s) => s.end();
const seen: http.IncomingHttpHeaders[] = [];
const server = http.createServer((q, s) => {
  seen.push(q.headers);
  handler(q, s);
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
after(() => server.close());
const port = (server.address() as net.AddressInfo).port;
const url = (p: string) => `http://127.0.0.1:${port}${p}`;

// Plain TCP dial standing in for the DIRECT outbound (loopback only).
const dial: Dial = (dst) =>
  new Promise((res, rej) => {
    const s = net.connect(dst.port, dst.ip || dst.host);
    s.once('connect', () => res(s));
    s.once('error', rej);
  });
const downloader = (timeoutMs = 2000): RuleDownloader => (cfg, validators) =>
  download(dial, cfg.url, { timeoutMs, sizeLimit: cfg.sizeLimit > 0 ? cfg.sizeLimit : 1 << 20, validators, where: cfg.where, headers: cfg.header });

let n = 0;
function cfg(over: Partial<RuleProviderConfig> = {}): RuleProviderConfig {
  n++;
  return {
    name: `p${n}`, type: 'http', behavior: 'domain', format: 'text', url: url('/list'), path: join(dir, `p${n}.txt`), interval: 3600, proxy: '',
    sizeLimit: 0, header: {}, payload: [], where: `config.yaml:${n}:3 rule-providers.p${n}`, ...over,
  };
}
const hit = (p: RuleProvider, host: string) => p.current().match(newMetadata({ network: 'tcp', type: 'TProxy', host }), { resolved: true, processLooked: true }, false);
const coded = (code: string) => (e: unknown) => e instanceof SyError && e.code === code;

async function loaded(c: RuleProviderConfig, body = '+.example.com\nexample.net\n', timeoutMs = 2000): Promise<RuleProvider> {
  handler = (_q, s) => {
    s.setHeader('etag', '"v1"');
    s.setHeader('last-modified', 'Sun, 22 Nov 2026 10:00:00 GMT');
    s.end(body);
  };
  const p = createRuleProvider(c, { logger: NULL_LOGGER, download: downloader(timeoutMs) });
  await p.load();
  await p.update();
  return p;
}

test('first run without a local copy: starts EMPTY with a located warning, then the download fills it and writes the copy', async () => {
  const c = cfg();
  handler = (_q, s) => s.end('+.example.com\n');
  const p = createRuleProvider(c, { logger: NULL_LOGGER, download: downloader() });
  await p.load();
  assert.equal(p.status().ruleCount, 0);
  assert.equal(p.lastWarnings()[0]?.code, 'SY_ERR_PROVIDER_EMPTY');
  assert.ok(p.lastWarnings()[0]!.message.includes(c.where));
  assert.equal(hit(p, 'www.example.com'), false);
  await p.update();
  assert.equal(hit(p, 'www.example.com'), true);
  assert.equal(readFileSync(c.path, 'utf8'), '+.example.com\n');
  assert.ok(existsSync(`${c.path}.meta.json`));
  // The next start loads the last good copy first (offline start works).
  const again = createRuleProvider(c, { logger: NULL_LOGGER, download: downloader() });
  await again.load();
  assert.equal(hit(again, 'a.example.com'), true);
});

test('ETag and Last-Modified are sent back; 304 is "unchanged" (no rewrite, set kept)', async () => {
  const c = cfg();
  const p = await loaded(c);
  const before = statSync(c.path).mtimeMs;
  seen.length = 0;
  handler = (_q, s) => {
    s.statusCode = 304;
    s.end();
  };
  await p.update();
  assert.equal(seen[0]?.['if-none-match'], '"v1"');
  assert.equal(seen[0]?.['if-modified-since'], 'Sun, 22 Nov 2026 10:00:00 GMT');
  assert.equal(statSync(c.path).mtimeMs, before);
  assert.equal(p.status().ruleCount, 2);
  assert.equal(p.status().lastError, '');
});

test('identical content is a no-op (no parse, no write)', async () => {
  const c = cfg();
  const p = await loaded(c);
  const before = statSync(c.path).mtimeMs;
  await new Promise((r) => setTimeout(r, 20));
  await p.update(); // same body again (server ignores validators)
  assert.equal(statSync(c.path).mtimeMs, before);
  assert.equal(hit(p, 'example.net'), true);
});

test('500, garbage, empty and oversized downloads keep the old set and the old local copy', async () => {
  const c = cfg({ sizeLimit: 200 });
  const p = await loaded(c);
  const copy = readFileSync(c.path, 'utf8');
  const cases: [string, Handler, string][] = [
    ['500', (_q, s) => { s.statusCode = 500; s.end('oops'); }, 'SY_ERR_PROVIDER_HTTP_STATUS'],
    ['garbage', (_q, s) => s.end('<html>\n<body>not a list</body>\n</html>\n'), 'SY_ERR_PROVIDER_EMPTY'],
    ['empty', (_q, s) => s.end(''), 'SY_ERR_PROVIDER_EMPTY'],
    ['oversized (declared)', (_q, s) => s.end('x.example.org\n'.repeat(100)), 'SY_ERR_PROVIDER_TOO_LARGE'],
    ['oversized (chunked)', (_q, s) => { s.write('a.example.org\n'.repeat(10)); s.end('b.example.org\n'.repeat(100)); }, 'SY_ERR_PROVIDER_TOO_LARGE'],
  ];
  for (const [name, h, code] of cases) {
    handler = h;
    await assert.rejects(p.update(), coded(code), name);
    assert.equal(hit(p, 'www.example.com'), true, `${name}: still matches the old set`);
    assert.equal(hit(p, 'x.example.org'), false, name);
    assert.equal(readFileSync(c.path, 'utf8'), copy, `${name}: local copy untouched`);
    assert.ok(p.status().lastError.length > 0, `${name}: status has lastError`);
  }
});

test('a slow body times out (coded) and keeps the old set', async () => {
  const c = cfg();
  const p = await loaded(c, '+.example.com\n', 300);
  handler = (_q, s) => {
    s.write('slow.example.org\n');
    const t = setTimeout(() => s.end(), 3000);
    s.once('close', () => clearTimeout(t));
  };
  await assert.rejects(p.update(), coded('SY_ERR_PROVIDER_TIMEOUT'));
  assert.equal(hit(p, 'www.example.com'), true);
  assert.equal(hit(p, 'slow.example.org'), false);
});

test('redirects are followed (bounded: a loop fails coded)', async () => {
  const c = cfg({ url: url('/r1') });
  handler = (q, s) => {
    if (q.url === '/r1') return s.writeHead(302, { location: '/r2' }).end();
    if (q.url === '/r2') return s.writeHead(301, { location: url('/final') }).end();
    s.end('+.redirected.example\n');
  };
  const p = createRuleProvider(c, { logger: NULL_LOGGER, download: downloader() });
  await p.load();
  await p.update();
  assert.equal(hit(p, 'a.redirected.example'), true);
  handler = (_q, s) => s.writeHead(302, { location: '/loop' }).end();
  await assert.rejects(p.update(), (e: unknown) => e instanceof SyError && e.code === 'SY_ERR_PROVIDER_FETCH' && /redirects/.test(e.message));
  assert.equal(hit(p, 'a.redirected.example'), true);
});

test('format mrs over http: binary body decoded, validated before the swap; a corrupt .mrs keeps the old set', async () => {
  const c = cfg({ format: 'mrs', path: join(dir, 'set.mrs') });
  const good = encodeMrs('domain', ['+.mrs.example', 'exact.example']);
  handler = (_q, s) => s.end(good);
  const p = createRuleProvider(c, { logger: NULL_LOGGER, download: downloader() });
  await p.load();
  await p.update();
  assert.equal(hit(p, 'x.mrs.example'), true);
  assert.equal(hit(p, 'exact.example'), true);
  assert.equal(p.status().format, 'mrs');
  handler = (_q, s) => s.end(good.subarray(0, good.length - 5));
  await assert.rejects(p.update(), coded('SY_ERR_PROVIDER_MRS'));
  assert.equal(hit(p, 'x.mrs.example'), true);
  assert.deepEqual(readFileSync(c.path), good);
  const again = createRuleProvider(c, { logger: NULL_LOGGER, download: downloader() });
  await again.load();
  assert.equal(hit(again, 'x.mrs.example'), true);
});

test('headers from the config are sent', async () => {
  const c = cfg({ header: { 'User-Agent': ['mihomo/1.18.3'], 'X-Token': ['abc'] } });
  seen.length = 0;
  await loaded(c);
  assert.equal(seen.at(-1)?.['user-agent'], 'mihomo/1.18.3');
  assert.equal(seen.at(-1)?.['x-token'], 'abc');
});

test('a non-http URL is a coded error', async () => {
  const p = createRuleProvider(cfg({ url: 'ftp://example.com/x' }), { logger: NULL_LOGGER, download: downloader() });
  await p.load();
  await assert.rejects(p.update(), coded('SY_ERR_PROVIDER_FETCH'));
  writeFileSync(join(dir, 'unused'), '');
});

test('https: the certificate is verified (untrusted = coded error, old set kept); a trusted CA works', async (t) => {
  const { execFileSync } = await import('node:child_process');
  const https = await import('node:https');
  const cdir = join(dir, 'tls');
  execFileSync('mkdir', ['-p', cdir]);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(cdir, 'k.pem'), '-out', join(cdir, 'c.pem'), '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  const cert = readFileSync(join(cdir, 'c.pem'));
  const srv = https.createServer({ key: readFileSync(join(cdir, 'k.pem')), cert }, (_q, s) => s.end('+.tls.example\n'));
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  t.after(() => srv.close());
  const c = cfg({ url: `https://127.0.0.1:${(srv.address() as net.AddressInfo).port}/list` });
  const untrusted = createRuleProvider(c, { logger: NULL_LOGGER, download: downloader() });
  await untrusted.load();
  await assert.rejects(untrusted.update(), coded('SY_ERR_PROVIDER_FETCH'));
  assert.equal(untrusted.status().ruleCount, 0);
  const trusted: RuleDownloader = (k, v) => download(dial, k.url, { sizeLimit: 1 << 20, validators: v, where: k.where, ca: cert });
  const p = createRuleProvider(c, { logger: NULL_LOGGER, download: trusted });
  await p.load();
  await p.update();
  assert.equal(hit(p, 'a.tls.example'), true);
});

test('an unusable local copy does not stop start-up: empty with the reason as a warning, then the download replaces it', async () => {
  const c = cfg({ format: 'mrs', path: join(dir, 'broken.mrs') });
  writeFileSync(c.path, 'not an mrs file');
  const p = createRuleProvider(c, { logger: NULL_LOGGER, download: downloader() });
  await p.load();
  assert.equal(p.status().ruleCount, 0);
  assert.equal(p.lastWarnings()[0]?.code, 'SY_ERR_PROVIDER_MRS');
  assert.equal(p.localMtime, 0, 'the refresh schedule fetches at once');
  handler = (_q, s) => s.end(encodeMrs('domain', ['+.fixed.example']));
  await p.update();
  assert.equal(hit(p, 'a.fixed.example'), true);
});
