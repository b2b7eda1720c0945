// http rule providers in a running engine (in-process, loopback, no capture):
// the generation plugs in the downloader (through DIRECT) and the refresh
// schedule; a provider without a local copy starts empty and fills in the
// background; /providers/rules reports counts, HTTP/MrsRule and lastError;
// PUT /providers/rules/:name updates now and, on a failing server, answers
// with an error while the set and the local copy stay.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEngine } from '../../../main/engine.js';
import { createLogHub } from '../../../main/core/logger.js';
import { encodeMrs } from '../../../main/providers/mrs/index.js';

const BASE = 26100 + (process.pid % 3000) * 2;
const SECRET = 'rp-secret';

async function api(method: string, path: string): Promise<{ status: number; json: any }> {
  const res = await fetch(`http://127.0.0.1:${BASE + 1}${path}`, { method, headers: { authorization: `Bearer ${SECRET}` } });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null };
}

test('engine: http rule providers download in the background, report status, update by PUT and keep the old set on failure', { timeout: 30_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sy-rp-engine-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  let fail = false;
  const mrs = encodeMrs('domain', ['+.mrs.example', 'one.example']);
  const srv = http.createServer((q, s) => {
    if (fail) return s.writeHead(500).end('down');
    if (q.url === '/set.mrs') return s.end(mrs);
    s.writeHead(200, { etag: '"e1"' }).end('+.blocked.example\nexact.example\n');
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  t.after(() => srv.close());
  const base = `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
  const file = join(dir, 'config.yaml');
  writeFileSync(file, `mixed-port: ${BASE}
tproxy-port: 0
external-controller: 127.0.0.1:${BASE + 1}
secret: ${SECRET}
dns: { enable: false }
rule-providers:
  remote: {type: http, behavior: domain, format: text, url: "${base}/list.txt", path: ./ruleset/remote.txt, interval: 3600}
  bin: {type: http, behavior: domain, format: mrs, url: "${base}/set.mrs", path: ./ruleset/set.mrs, interval: 3600}
rules:
  - RULE-SET,remote,REJECT
  - RULE-SET,bin,REJECT
  - MATCH,DIRECT
`);
  const hub = createLogHub({ sink: null });
  const engine = await startEngine({ configFile: file, logHub: hub, native: null });
  t.after(() => engine.stop());

  const deadline = Date.now() + 8000;
  let r = await api('GET', '/providers/rules');
  // (the set swaps in first, then the copy is written: wait for both)
  const copies = () => existsSync(join(dir, 'ruleset/remote.txt.meta.json')) && existsSync(join(dir, 'ruleset/set.mrs.meta.json'));
  while ((r.json.providers.remote.ruleCount === 0 || r.json.providers.bin.ruleCount === 0 || !copies()) && Date.now() < deadline) {
    await new Promise((res) => setTimeout(res, 50));
    r = await api('GET', '/providers/rules');
  }
  const { remote, bin } = r.json.providers;
  assert.equal(remote.ruleCount, 2);
  assert.equal(remote.vehicleType, 'HTTP');
  assert.equal(bin.ruleCount, 2);
  assert.equal(bin.format, 'MrsRule');
  assert.equal(readFileSync(join(dir, 'ruleset/remote.txt'), 'utf8'), '+.blocked.example\nexact.example\n');
  assert.deepEqual(readFileSync(join(dir, 'ruleset/set.mrs')), mrs);
  assert.ok(existsSync(join(dir, 'ruleset/remote.txt.meta.json')));

  assert.equal((await api('PUT', '/providers/rules/remote')).status, 204);
  fail = true;
  const bad = await api('PUT', '/providers/rules/remote');
  assert.ok(bad.status >= 400, `status ${bad.status}`);
  assert.match(bad.json.message, /SY_ERR_PROVIDER_HTTP_STATUS|500/);
  const after = (await api('GET', '/providers/rules')).json.providers.remote;
  assert.equal(after.ruleCount, 2, 'the old set stays');
  assert.ok(after.lastError.length > 0);
  assert.equal(readFileSync(join(dir, 'ruleset/remote.txt'), 'utf8'), '+.blocked.example\nexact.example\n');
});
