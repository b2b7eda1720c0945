// `switchyard geo update` against a real local HTTP server: downloads,
// validates by decoding, swaps atomically; 304 and identical content are
// no-ops; garbage, oversized and failed downloads keep the last good copy.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SyError } from '../../../main/core/errors.js';
import { DOMAIN_TYPE as T, encodeGeoSite } from '../../../main/geodata/geosite.js';
import { geoUpdate, geositeUrlOf } from '../../../main/commands/geo.js';

const dir = mkdtempSync(join(tmpdir(), 'sy-geo-update-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const V1 = encodeGeoSite({ CN: [{ type: T.Domain, value: 'example.cn' }] });
const V2 = encodeGeoSite({ CN: [{ type: T.Domain, value: 'example.cn' }], GOOGLE: [{ type: T.Domain, value: 'google.com' }] });
let handler: (q: http.IncomingMessage, s: http.ServerResponse) => void = (_q, s) => s.end();
const server = http.createServer((q, s) => handler(q, s));
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
after(() => server.close());
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/geosite.dat`;
const coded = (code: string) => (e: unknown) => e instanceof SyError && e.code === code;

test('download, then 304 (ETag sent back), then a new version; bad downloads keep the last good copy', async () => {
  const target = join(dir, 'GeoSite.dat');
  let lastIfNoneMatch = '';
  handler = (q, s) => {
    lastIfNoneMatch = String(q.headers['if-none-match'] ?? '');
    if (lastIfNoneMatch === '"v1"') return s.writeHead(304).end();
    s.writeHead(200, { etag: '"v1"' }).end(V1);
  };
  assert.deepEqual(await geoUpdate({ url, target }), { status: 'updated', categories: 1, bytes: V1.length });
  assert.deepEqual(readFileSync(target), V1);
  assert.deepEqual(await geoUpdate({ url, target }), { status: 'unchanged' });
  assert.equal(lastIfNoneMatch, '"v1"');

  for (const [name, h, code, limit] of [
    ['garbage', (_q: http.IncomingMessage, s: http.ServerResponse) => s.end('<html>not a dat</html>'), 'SY_ERR_RULE_GEOSITE_DATA', undefined],
    ['truncated', (_q: http.IncomingMessage, s: http.ServerResponse) => s.end(V2.subarray(0, V2.length - 5)), 'SY_ERR_RULE_GEOSITE_DATA', undefined],
    ['oversized', (_q: http.IncomingMessage, s: http.ServerResponse) => s.end(V2), 'SY_ERR_PROVIDER_TOO_LARGE', 10],
    ['500', (_q: http.IncomingMessage, s: http.ServerResponse) => s.writeHead(500).end(), 'SY_ERR_PROVIDER_HTTP_STATUS', undefined],
  ] as const) {
    handler = h;
    await assert.rejects(geoUpdate({ url, target, sizeLimit: limit }), coded(code), name);
    assert.deepEqual(readFileSync(target), V1, `${name}: last good copy kept`);
  }
  handler = (_q, s) => s.writeHead(200, { etag: '"v2"' }).end(V2);
  assert.equal((await geoUpdate({ url, target })).status, 'updated');
  assert.deepEqual(readFileSync(target), V2);
});

test('geox-url.geosite is read from the config; the CLI writes beside the config', async () => {
  assert.equal(geositeUrlOf('geox-url:\n  geosite: "https://example.com/g.dat"\n'), 'https://example.com/g.dat');
  assert.equal(geositeUrlOf('mode: rule\n'), '');
  const cdir = join(dir, 'conf');
  mkdirSync(cdir);
  const cfg = join(cdir, 'config.yaml');
  writeFileSync(cfg, `mixed-port: 17890\ngeox-url:\n  geosite: ${url}\nrules:\n  - GEOSITE,cn,DIRECT\n  - MATCH,DIRECT\n`);
  handler = (_q, s) => s.end(V2);
  const cli = new URL('../../../bin/switchyard.mjs', import.meta.url).pathname;
  const child = spawn(process.execPath, [cli, 'geo', 'update', '--config', cfg], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const code = await new Promise<number>((r) => child.once('exit', (c) => r(c ?? -1)));
  assert.equal(code, 0, out);
  assert.match(out, /updated .*2 categories/);
  assert.deepEqual(readFileSync(join(cdir, 'GeoSite.dat')), V2);
});
