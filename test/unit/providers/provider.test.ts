// Rule providers: file/inline, the three behaviors, skipped entries with
// located warnings, atomic swap and keep-the-old-set on a bad update.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RuleProviderConfig } from '../../../main/config/types.js';
import { SyError } from '../../../main/core/errors.js';
import { NULL_LOGGER } from '../../../main/core/logger.js';
import { newMetadata, type Metadata } from '../../../main/core/metadata.js';
import { createRuleProvider, parseProvider } from '../../../main/providers/provider.js';

const dir = mkdtempSync(join(tmpdir(), 'sy-prov-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function cfg(over: Partial<RuleProviderConfig>): RuleProviderConfig {
  return {
    name: 'p', type: 'file', behavior: 'domain', format: 'yaml', url: '', path: '', interval: 0, proxy: '', sizeLimit: 0,
    header: {}, payload: [], where: 'config.yaml:20:3 rule-providers.p', ...over,
  };
}
const m = (o: Partial<Metadata>) => newMetadata({ network: 'tcp', type: 'TProxy', srcIP: '192.0.2.10', ...o });
const has = (p: { current(): { match(x: Metadata, s: { resolved: boolean; processLooked: boolean }, src: boolean): boolean } }, o: Partial<Metadata>, src = false) =>
  p.current().match(m(o), { resolved: true, processLooked: true }, src);

test('domain behavior: Clash wildcards +. . * and mid-name *, invalid entries skipped with file:line', () => {
  const text = [
    'payload:',
    "  - '+.plus.example'",
    "  - '.dot.example'",
    "  - '*.star.example'",
    "  - 'exact.example'",
    "  - 'xbox.*.microsoft.com'",
    "  - 'bad/slash.example'",
    "  - 'trailing.example.'",
    "  - 'a..b.example'",
    "  - '+.*.bad.example'",
    "  - 'UPPER.Example'",
  ].join('\n');
  const out = parseProvider(cfg({ path: '/x/d.yaml' }), text);
  assert.equal(out.count, 6);
  assert.equal(out.warnings.length, 4);
  assert.match(out.warnings[0]!.message, /^\/x\/d\.yaml:7: .*"bad\/slash\.example"/);
  const yes = ['plus.example', 'a.b.plus.example', 'a.dot.example', 'x.y.dot.example', 'one.star.example', 'exact.example', 'xbox.live.microsoft.com', 'upper.example'];
  const no = ['dot.example', 'star.example', 'two.one.star.example', 'www.exact.example', 'xbox.a.b.microsoft.com', 'plus.example.net', ''];
  const set = out.matcher;
  for (const h of yes) assert.ok(set.match(m({ host: h }), { resolved: true, processLooked: true }, false), h);
  for (const h of no) assert.ok(!set.match(m({ host: h, dstIP: h ? '' : '192.0.2.1' }), { resolved: true, processLooked: true }, false), h);
  assert.equal(set.needsIp, false);
});

test('a lone * matches dot-less hosts only', () => {
  const set = parseProvider(cfg({ format: 'text' }), '*\n').matcher;
  assert.ok(set.match(m({ host: 'localhost' }), { resolved: true, processLooked: true }, false));
  assert.ok(!set.match(m({ host: 'a.localhost' }), { resolved: true, processLooked: true }, false));
});

test('ipcidr behavior: prefix required (a bare IP is skipped with a warning); v4 and v6; src', async () => {
  const path = join(dir, 'cidr.txt');
  writeFileSync(path, '# cidrs\n192.0.2.0/24\n198.51.100.7\n2001:db8::/32\nnonsense\n203.0.113.0/25\n');
  const p = createRuleProvider(cfg({ behavior: 'ipcidr', format: 'text', path }), { logger: NULL_LOGGER });
  await p.load();
  assert.equal(p.status().ruleCount, 3);
  assert.equal(p.lastWarnings().length, 2);
  assert.match(p.lastWarnings()[0]!.message, /cidr\.txt:3: .*"198\.51\.100\.7".*prefix length is required/);
  assert.ok(has(p, { dstIP: '192.0.2.99' }));
  assert.ok(has(p, { dstIP: '2001:db8:5::1' }));
  assert.ok(has(p, { dstIP: '::ffff:203.0.113.1' }));
  assert.ok(!has(p, { dstIP: '203.0.113.200' }));
  assert.ok(!has(p, { dstIP: '198.51.100.7' }));
  assert.ok(has(p, { dstIP: '198.51.100.1', srcIP: '192.0.2.10' }, true), 'src: the source address');
  assert.equal(p.current().needsIp, true);
});

test('classical behavior: TYPE,payload[,params] without target; MATCH/RULE-SET refused; logic allowed', () => {
  const text = [
    'payload:',
    '  - DOMAIN-SUFFIX,example.com',
    '  - DOMAIN,exact.example.org',
    '  - DOMAIN-KEYWORD,tracker',
    '  - IP-CIDR,198.51.100.0/24,no-resolve',
    '  - IP-CIDR6,2001:db8::/32',
    '  - SRC-IP-CIDR,203.0.113.0/24',
    '  - DST-PORT,5353',
    '  - AND,((NETWORK,udp),(DST-PORT,443))',
    '  - PROCESS-NAME,curl',
    '  - MATCH',
    '  - RULE-SET,other',
    '  - NETWORK,icmp',
    '  - FOO,bar',
  ].join('\n');
  const out = parseProvider(cfg({ behavior: 'classical', path: 'c.yaml' }), text);
  assert.equal(out.count, 9);
  assert.deepEqual(out.warnings.map((w) => w.message.split(':')[1]), ['11', '12', '13', '14']);
  const s = out.matcher;
  const st = { resolved: true, processLooked: true };
  const yes: Partial<Metadata>[] = [
    { host: 'a.example.com' }, { host: 'exact.example.org' }, { host: 'x.tracker.io' }, { dstIP: '198.51.100.3' }, { dstIP: '2001:db8::1' },
    { srcIP: '203.0.113.9', dstIP: '192.0.2.1' }, { dstIP: '192.0.2.1', dstPort: 5353 }, { dstIP: '192.0.2.1', network: 'udp', dstPort: 443 },
    { host: 'z.example', process: 'CURL' },
  ];
  for (const o of yes) assert.ok(s.match(m({ dstPort: 1, ...o }), st, false), JSON.stringify(o));
  assert.ok(!s.match(m({ host: 'example.net', dstIP: '192.0.2.1', dstPort: 443 }), st, false));
  assert.equal(s.needsIp, true, 'IP-CIDR6 without no-resolve makes the set resolve');
  assert.equal(s.needsProcess, true);
});

test('inline providers take their payload list; a malformed .mrs is a located, coded error', async () => {
  const p = createRuleProvider(cfg({ type: 'inline', behavior: 'classical', payload: ['DOMAIN-SUFFIX,example.org', 'IP-CIDR,192.0.2.1/32,no-resolve'] }), { logger: NULL_LOGGER });
  await p.load();
  assert.equal(p.status().ruleCount, 2);
  assert.equal(p.status().vehicleType, 'Inline');
  assert.ok(has(p, { host: 'www.example.org' }));
  const mrs = createRuleProvider(cfg({ format: 'mrs', path: join(dir, 'x.mrs') }), { logger: NULL_LOGGER });
  writeFileSync(join(dir, 'x.mrs'), 'MRS');
  await assert.rejects(mrs.load(), (e: unknown) => e instanceof SyError && e.code === 'SY_ERR_PROVIDER_MRS' && e.message.includes('rule-providers.p') && e.message.includes('x.mrs'));
});

test('a missing file is a coded error; an update with garbage keeps the old set and reports why', async () => {
  const missing = createRuleProvider(cfg({ path: join(dir, 'nope.yaml') }), { logger: NULL_LOGGER });
  await assert.rejects(missing.load(), (e: unknown) => e instanceof SyError && e.code === 'SY_ERR_PROVIDER_READ');
  assert.throws(() => missing.current(), SyError);

  const path = join(dir, 'swap.yaml');
  writeFileSync(path, "payload:\n  - '+.old.example'\n");
  const p = createRuleProvider(cfg({ path }), { logger: NULL_LOGGER });
  await p.load();
  const before = p.current();
  assert.ok(has(p, { host: 'a.old.example' }));
  writeFileSync(path, 'this is not a rule list\n');
  await assert.rejects(p.update(), (e: unknown) => e instanceof SyError && e.code === 'SY_ERR_PROVIDER_EMPTY');
  assert.equal(p.current(), before, 'the old set stays');
  assert.match(p.status().lastError, /no usable entries/);
  writeFileSync(path, "payload:\n  - '+.new.example'\n");
  await p.update();
  assert.notEqual(p.current(), before, 'swapped to a new matcher');
  assert.ok(has(p, { host: 'a.new.example' }));
  assert.ok(!has(p, { host: 'a.old.example' }));
  assert.equal(p.status().lastError, '');
  assert.ok(p.status().updatedAt > 0);
});

test('http providers load their local copy; update() needs a fetcher, and a fetched list replaces the copy', async () => {
  const path = join(dir, 'http.yaml');
  writeFileSync(path, "payload:\n  - '+.cached.example'\n");
  const c = cfg({ type: 'http', url: 'https://rules.example/list.yaml', path });
  const offline = createRuleProvider(c, { logger: NULL_LOGGER });
  await offline.load();
  assert.ok(has(offline, { host: 'x.cached.example' }));
  await assert.rejects(offline.update(), (e: unknown) => e instanceof SyError && e.code === 'SY_ERR_PROVIDER_NO_FETCHER');
  let written = '';
  const online = createRuleProvider(c, { logger: NULL_LOGGER, fetch: async () => "payload:\n  - '+.fetched.example'\n", writeFile: async (_p, t) => { written = t; } });
  await online.load();
  await online.update();
  assert.ok(has(online, { host: 'x.fetched.example' }));
  assert.match(written, /fetched/);
  const tooBig = createRuleProvider({ ...c, sizeLimit: 10 }, { logger: NULL_LOGGER, fetch: async () => 'x'.repeat(100) });
  await tooBig.load().catch(() => undefined);
  await assert.rejects(tooBig.update(), (e: unknown) => e instanceof SyError && e.code === 'SY_ERR_PROVIDER_TOO_LARGE');
});

test('randomised: provider parsing never throws on any content, and only reports coded warnings', () => {
  let seed = 99;
  const rnd = () => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
  const pieces = ['payload:', 'rules:', '  - ', "'", '"', '+.', '.', '*', 'example', '.com', '/', '24', '192.0.2.', '::', 'DOMAIN,', 'IP-CIDR,', 'AND,((', '))', ',no-resolve', '#', '\n', '\n', ' ', '\u00e9', 'MATCH'];
  for (let i = 0; i < 600; i++) {
    const text = Array.from({ length: 5 + Math.floor(rnd() * 60) }, () => pieces[Math.floor(rnd() * pieces.length)]).join('');
    for (const behavior of ['domain', 'ipcidr', 'classical'] as const) {
      for (const format of ['yaml', 'text'] as const) {
        const out = parseProvider(cfg({ behavior, format }), text);
        for (const w of out.warnings) assert.ok(w instanceof SyError && w.code.startsWith('SY_ERR_'), JSON.stringify(text));
        out.matcher.match(m({ host: 'a.example.com', dstIP: '192.0.2.1' }), { resolved: true, processLooked: true }, false);
      }
    }
  }
});

test('an http provider without a local copy downloads it on load when a fetcher is plugged in, else says why it cannot', async () => {
  const c = cfg({ type: 'http', url: 'https://rules.example/new.yaml', path: join(dir, 'not-yet.yaml') });
  await assert.rejects(createRuleProvider(c, { logger: NULL_LOGGER }).load(), (e: unknown) => e instanceof SyError && e.code === 'SY_ERR_PROVIDER_NO_FETCHER' && e.message.includes('not-yet.yaml'));
  let wrote = '';
  const p = createRuleProvider(c, { logger: NULL_LOGGER, fetch: async () => "payload:\n  - '+.first.example'\n", writeFile: async (_p, t) => { wrote = t; } });
  await p.load();
  assert.ok(has(p, { host: 'a.first.example' }));
  assert.match(wrote, /first\.example/);
});
