// `switchyard geo update --config FILE` routes the download as the running
// core does: the config's rules are compiled and the URL's host goes through
// the outbound they choose (here a SOCKS5 upstream that records what it was
// asked for); the ASN database comes too when the rules use IP-ASN (or with
// --asn). Without --config it downloads directly into the current directory.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DOMAIN_TYPE as T, encodeGeoSite } from '../../../main/geodata/geosite.js';
import { geoUpdateCommand } from '../../../main/commands/geo.js';
import { buildMmdb } from '../rules/mmdb-writer.js';
import { startSocks5Recorder } from '../dns/socks5-recorder.js';

const dir = mkdtempSync(join(tmpdir(), 'sy-geo-cmd-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const DAT = encodeGeoSite({ CN: [{ type: T.Domain, value: 'example.cn' }] });
const ASN = buildMmdb([['198.51.100.0/24', { autonomous_system_number: 64500 }]], 'GeoLite2-ASN');
const seenPaths: string[] = [];
const server = http.createServer((q, s) => {
  seenPaths.push(q.url ?? '');
  s.end(q.url === '/asn.mmdb' ? ASN : DAT);
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
after(() => server.close());
const port = (server.address() as AddressInfo).port;

/** Runs the command with its output captured. */
async function run(opts: Parameters<typeof geoUpdateCommand>[0]): Promise<{ code: number; out: string }> {
  let out = '';
  const w = (s: string) => void (out += s);
  return { code: await geoUpdateCommand(opts, { out: w, err: w }), out };
}

test('--config: GeoSite and ASN data go through the proxy the rules choose', async (t) => {
  const socks = await startSocks5Recorder(() => ({ host: '127.0.0.1', port }));
  t.after(() => socks.close());
  const cdir = join(dir, 'proxied');
  mkdirSync(cdir);
  const cfg = join(cdir, 'config.yaml');
  writeFileSync(cfg, `mixed-port: 0
geox-url:
  geosite: http://geo.example/geosite.dat
  asn: http://geo.example/asn.mmdb
proxies:
  - { name: UP, type: socks5, server: 127.0.0.1, port: ${socks.port} }
proxy-groups:
  - { name: PROXY, type: select, proxies: [UP] }
rules:
  - DOMAIN-SUFFIX,geo.example,PROXY
  - GEOSITE,cn,DIRECT
  - IP-ASN,64500,REJECT,no-resolve
  - MATCH,DIRECT
`);
  const r = await run({ config: cfg });
  assert.equal(r.code, 0, r.out);
  assert.deepEqual(socks.seen.filter((s) => s.cmd === 'connect').map((s) => `${s.host}:${s.port}`), ['geo.example:80', 'geo.example:80']);
  assert.deepEqual(readFileSync(join(cdir, 'GeoSite.dat')), DAT);
  assert.deepEqual(readFileSync(join(cdir, 'ASN.mmdb')), ASN);
  assert.match(r.out, /updated .*1 categories.*geo\.example via PROXY -> UP/);
  const again = await run({ config: cfg });
  assert.equal(again.code, 0, again.out);
  assert.match(again.out, /up to date/);
});

test('without --config: direct, into the current directory', async (t) => {
  const cwd = process.cwd();
  const d = join(dir, 'plain');
  mkdirSync(d);
  process.chdir(d);
  t.after(() => process.chdir(cwd));
  const r = await run({ url: `http://127.0.0.1:${port}/geosite.dat` });
  assert.equal(r.code, 0, r.out);
  assert.deepEqual(readFileSync(join(d, 'GeoSite.dat')), DAT);
});
