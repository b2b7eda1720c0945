// `switchyard ruleset convert`: every direction between text, yaml and mrs;
// text → mrs → text is the identity on sets; bad input is a coded error.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeMrs } from '../../../main/providers/mrs/index.js';

const CLI = new URL('../../../bin/switchyard.mjs', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'sy-ruleset-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const run = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 30_000 });
const f = (n: string) => join(dir, n);
const lines = (p: string) => new Set(readFileSync(p, 'utf8').split('\n').filter(Boolean));

test('domain text -> mrs -> yaml -> text is the identity on sets (x and +.x collapse)', () => {
  writeFileSync(f('d.txt'), '# comment\n+.example.com\nexample.com\nexact.example.net\n.dot.example.org\n*.star.example\nBAD..name\n');
  let r = run('ruleset', 'convert', f('d.txt'), f('d.mrs'));
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /SY_ERR_PROVIDER_BAD_ENTRY: .*d\.txt:7/);
  assert.match(r.stdout, /\(text, domain\) -> .*\(mrs\)/);
  assert.equal(decodeMrs(readFileSync(f('d.mrs')), 'd').count, 5);
  r = run('ruleset', 'convert', f('d.mrs'), f('d.yaml'));
  assert.equal(r.status, 0, r.stderr);
  assert.match(readFileSync(f('d.yaml'), 'utf8'), /^payload:\n  - '/);
  r = run('ruleset', 'convert', f('d.yaml'), f('back.list'));
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(lines(f('back.list')), new Set(['+.example.com', 'exact.example.net', '.dot.example.org', '*.star.example']));
});

test('ipcidr text <-> mrs, behavior sniffed; --format overrides the extension', () => {
  writeFileSync(f('ip.txt'), '192.0.2.0/24\n198.51.100.0/25\n198.51.100.128/25\n2001:db8::/32\n');
  let r = run('ruleset', 'convert', f('ip.txt'), f('ip.bin'), '--format', 'mrs');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(decodeMrs(readFileSync(f('ip.bin')), 'ip').behavior, 'ipcidr');
  r = run('ruleset', 'convert', f('ip.bin'), f('ip.out'));
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(lines(f('ip.out')), new Set(['192.0.2.0/24', '198.51.100.0/24', '2001:db8::/32']));
});

test('--behavior where the content cannot tell; classical cannot become mrs; bad flags and input are coded errors', () => {
  writeFileSync(f('c.txt'), 'DOMAIN-SUFFIX,example.com\nIP-CIDR,192.0.2.0/24\n');
  let r = run('ruleset', 'convert', f('c.txt'), f('c.yaml'));
  assert.equal(r.status, 0, r.stderr);
  r = run('ruleset', 'convert', f('c.txt'), f('c.mrs'));
  assert.equal(r.status, 1);
  assert.match(r.stderr, /SY_ERR_PROVIDER_CONVERT/);
  assert.equal(existsSync(f('c.mrs')), false);
  writeFileSync(f('n.txt'), 'localhost\n');
  r = run('ruleset', 'convert', f('n.txt'), f('n.mrs'), '--behavior', 'domain');
  assert.equal(r.status, 0, r.stderr);
  r = run('ruleset', 'convert', f('n.txt'), f('n.mrs'), '--behavior', 'bogus');
  assert.match(r.stderr, /SY_ERR_PROVIDER_CONVERT: --behavior/);
  r = run('ruleset', 'convert', f('missing.txt'), f('x.mrs'));
  assert.match(r.stderr, /SY_ERR_PROVIDER_READ/);
  writeFileSync(f('bad.mrs'), Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 1, 2, 3]));
  r = run('ruleset', 'convert', f('bad.mrs'), f('bad.txt'));
  assert.equal(r.status, 1);
  assert.match(r.stderr, /SY_ERR_PROVIDER_MRS: .*bad\.mrs/);
});
