// mihomo .mrs rule sets: the container (zstd, magic, version, behavior,
// count, extra), the succinct domain trie and the ipcidr ranges. Fixtures are
// built with our encoder; malformed files fail with coded, located errors and
// never replace a good set; a randomised run shows the decoder only ever
// fails with coded errors.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RuleProviderConfig } from '../../../main/config/types.js';
import { SyError } from '../../../main/core/errors.js';
import { NULL_LOGGER } from '../../../main/core/logger.js';
import { newMetadata } from '../../../main/core/metadata.js';
import { createRuleProvider } from '../../../main/providers/provider.js';
import { decodeMrs, encodeMrs } from '../../../main/providers/mrs/index.js';
import { zstdDecode, zstdStore } from '../../../main/providers/mrs/zstd.js';
import { i64 } from '../../../main/providers/mrs/reader.js';

const dir = mkdtempSync(join(tmpdir(), 'sy-mrs-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const st = { resolved: true, processLooked: true };
const coded = (code: string, where?: string) => (e: unknown) => e instanceof SyError && e.code === code && (!where || e.message.includes(where));

/** The decompressed payload of an .mrs file (to craft malformed ones). */
const raw = (f: Buffer) => Buffer.from(zstdDecode(f, 't', 1 << 30));

test('zstd: stored frames round-trip, span several 128 KiB blocks, and are checked', () => {
  for (const n of [0, 1, 131072, 131073, 300000]) {
    const d = Buffer.alloc(n, 7);
    assert.deepEqual(Buffer.from(zstdDecode(zstdStore(d), 't', 1 << 20)), d);
  }
  assert.throws(() => zstdDecode(Buffer.from('not zstd'), 'f.mrs', 10), coded('SY_ERR_PROVIDER_MRS', 'f.mrs'));
  assert.throws(() => zstdDecode(zstdStore(Buffer.alloc(100)), 'f.mrs', 10), coded('SY_ERR_PROVIDER_TOO_LARGE'));
});

test('domain sets: every Clash wildcard form matches as in text; x and +.x collapse to +.x', () => {
  const entries = ['+.plus.example', 'exact.example', '.dot.example', '*.star.example', 'a.*.mid.example', 'both.example', '+.both.example'];
  const s = decodeMrs(encodeMrs('domain', entries), 't');
  assert.equal(s.behavior, 'domain');
  assert.equal(s.count, 7);
  assert.deepEqual([...s.entries].sort(), ['*.star.example', '+.both.example', '+.plus.example', '.dot.example', 'a.*.mid.example', 'exact.example']);
  const file = join(dir, 'd.mrs');
  writeFileSync(file, encodeMrs('domain', entries));
  const cfg: RuleProviderConfig = { name: 'd', type: 'file', behavior: 'domain', format: 'mrs', url: '', path: file, interval: 0, proxy: '', sizeLimit: 0, header: {}, payload: [], where: 'c.yaml:1:1 rule-providers.d' };
  const p = createRuleProvider(cfg, { logger: NULL_LOGGER });
  return p.load().then(() => {
    const m = (host: string) => p.current().match(newMetadata({ network: 'tcp', type: 'TProxy', host }), st, false);
    const yes = ['plus.example', 'a.b.plus.example', 'exact.example', 'x.dot.example', 'one.star.example', 'a.q.mid.example', 'both.example', 'z.both.example'];
    const no = ['x.exact.example', 'dot.example', 'star.example', 'a.b.star.example', 'a.mid.example', 'other.example', 'plus.example.org'];
    for (const h of yes) assert.equal(m(h), true, h);
    for (const h of no) assert.equal(m(h), false, h);
    assert.equal(p.status().ruleCount, 6);
  });
});

test('ipcidr sets: prefixes merge into sorted ranges (v4 as v4-mapped) and come back as the smallest prefix list', () => {
  const s = decodeMrs(encodeMrs('ipcidr', ['192.0.2.0/25', '192.0.2.128/25', '198.51.100.7/32', '2001:db8::/33', '2001:db8:8000::/33', '203.0.113.0/24']), 't');
  assert.equal(s.behavior, 'ipcidr');
  assert.deepEqual(s.entries, ['192.0.2.0/24', '198.51.100.7/32', '203.0.113.0/24', '2001:db8::/32']);
  // a range that is not one prefix
  const r = decodeMrs(encodeMrs('ipcidr', ['192.0.2.1/32', '192.0.2.2/31', '192.0.2.4/32']), 't');
  assert.deepEqual(r.entries, ['192.0.2.1/32', '192.0.2.2/31', '192.0.2.4/32']);
  const body = raw(encodeMrs('ipcidr', ['192.0.2.0/24']));
  // header 4+1+8+8, version 1, count 8, then from = ::ffff:192.0.2.0
  assert.deepEqual([...body.subarray(30, 46)], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 192, 0, 2, 0]);
});

function craft(behavior: number, count: number, body: Buffer, magic = 'MRS', version = 1, extra = Buffer.alloc(0)): Buffer {
  return zstdStore(Buffer.concat([Buffer.from(magic), Buffer.from([version, behavior]), i64(count), i64(extra.length), extra, body]));
}

test('malformed .mrs: truncated, wrong magic, wrong behavior byte, count mismatch, trailing bytes — coded and located', () => {
  const good = encodeMrs('domain', ['+.example.com', 'example.net']);
  const body = raw(good).subarray(21);
  const ip = raw(encodeMrs('ipcidr', ['192.0.2.0/24'])).subarray(21);
  const W = 'rules/x.mrs';
  const bad: [string, Buffer][] = [
    ['truncated zstd', good.subarray(0, good.length - 3)],
    ['truncated body', craft(0, 2, body.subarray(0, body.length - 4))],
    ['truncated header', zstdStore(Buffer.from('MRS\x01\x00\x00'))],
    ['wrong magic', craft(0, 2, body, 'MRX')],
    ['wrong version', craft(0, 2, body, 'MRS', 2)],
    ['behavior byte 7', craft(7, 2, body)],
    ['count mismatch (domain)', craft(0, 1, body)],
    ['count mismatch (ipcidr ranges)', craft(1, 1, Buffer.concat([Buffer.from([1]), i64(5), ip.subarray(9)]))],
    ['negative count', craft(0, -1, body)],
    ['trailing bytes', craft(0, 2, Buffer.concat([body, Buffer.from([0])]))],
    ['extra longer than file', zstdStore(Buffer.concat([Buffer.from('MRS\x01\x00'), i64(2), i64(1e6), body]))],
    ['domain body version 2', craft(0, 2, Buffer.concat([Buffer.from([2]), body.subarray(1)]))],
  ];
  for (const [name, f] of bad) assert.throws(() => decodeMrs(f, W), coded('SY_ERR_PROVIDER_MRS', W), name);
  // the provider's behavior must match the file's
  assert.throws(() => decodeMrs(good, W, 'ipcidr'), (e: unknown) => coded('SY_ERR_PROVIDER_MRS', W)(e) && /behavior is ipcidr/.test((e as Error).message));
  // extra bytes are allowed and skipped
  assert.deepEqual(decodeMrs(craft(0, 2, body, 'MRS', 1, Buffer.from('hello')), W).entries.sort(), ['+.example.com', 'example.net']);
});

test('a provider keeps its good set when the .mrs file is replaced by a malformed one; classical is refused naming the provider', async () => {
  const file = join(dir, 'keep.mrs');
  writeFileSync(file, encodeMrs('ipcidr', ['192.0.2.0/24']));
  const cfg: RuleProviderConfig = { name: 'keep', type: 'file', behavior: 'ipcidr', format: 'mrs', url: '', path: file, interval: 0, proxy: '', sizeLimit: 0, header: {}, payload: [], where: 'c.yaml:9:3 rule-providers.keep' };
  const p = createRuleProvider(cfg, { logger: NULL_LOGGER });
  await p.load();
  const hit = (ip: string) => p.current().match(newMetadata({ network: 'tcp', type: 'TProxy', dstIP: ip }), st, false);
  assert.equal(hit('192.0.2.9'), true);
  writeFileSync(file, encodeMrs('domain', ['example.com']));
  await assert.rejects(p.update(), coded('SY_ERR_PROVIDER_MRS', file));
  writeFileSync(file, Buffer.from('MRS garbage'));
  await assert.rejects(p.update(), coded('SY_ERR_PROVIDER_MRS', 'rule-providers.keep'));
  assert.equal(hit('192.0.2.9'), true);
  assert.equal(hit('198.51.100.1'), false);
  const cl = createRuleProvider({ ...cfg, behavior: 'classical' }, { logger: NULL_LOGGER });
  await assert.rejects(cl.load(), coded('SY_ERR_PROVIDER_FORMAT', 'rule-providers.keep'));
});

test('randomised: 3,000 mutated/truncated/random inputs only ever fail with coded errors', () => {
  let seed = 0x5eed;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const seeds = [
    raw(encodeMrs('domain', ['+.example.com', 'a.example.net', '*.b.example.org', '.c.example'])),
    raw(encodeMrs('ipcidr', ['192.0.2.0/24', '2001:db8::/48'])),
  ];
  let ok = 0;
  let failed = 0;
  for (let i = 0; i < 3000; i++) {
    let f: Buffer;
    const k = i % 4;
    if (k === 3) f = Buffer.from(Array.from({ length: Math.floor(rnd() * 80) }, () => Math.floor(rnd() * 256)));
    else {
      const b = Buffer.from(seeds[i % 2]!);
      const flips = 1 + Math.floor(rnd() * 4);
      for (let j = 0; j < flips; j++) b[Math.floor(rnd() * b.length)] = Math.floor(rnd() * 256);
      const cut = k === 1 ? Math.floor(rnd() * b.length) : b.length;
      f = k === 2 ? Buffer.from(b.subarray(0, cut)) : zstdStore(b.subarray(0, cut));
    }
    try {
      decodeMrs(f, 'fuzz.mrs');
      ok++;
    } catch (e) {
      assert.ok(e instanceof SyError, `case ${i}: ${String(e)}`);
      assert.ok(e.message.includes('fuzz.mrs'), `case ${i}: located`);
      failed++;
    }
  }
  assert.equal(ok + failed, 3000);
  assert.ok(failed > 1000);
});
