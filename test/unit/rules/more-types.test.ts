// The rule types of issue 8 (reference.md §2.3): DOMAIN-WILDCARD, SRC-GEOIP,
// SRC-IP-SUFFIX, IP-ASN / SRC-IP-ASN, PROCESS-PATH and the -REGEX /
// -WILDCARD process forms, IN-TYPE / IN-NAME / IN-USER, DSCP and SUB-RULE
// with `sub-rules:`. Each positive, negative and malformed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../../main/config/load.js';
import { NULL_LOGGER } from '../../../main/core/logger.js';
import type { Metadata } from '../../../main/core/metadata.js';
import { SyErrorList, isSyError } from '../../../main/core/errors.js';
import { compileRules } from '../../../main/rules/engine.js';
import type { AsnReader } from '../../../main/rules/asn.js';
import type { GeoIpReader } from '../../../main/rules/geoip.js';
import { configTargetCheck } from '../../../main/rules/targets.js';
import { ruleValidator } from '../../../main/rules/validate.js';
import { API_TYPES } from '../../../main/rules/compile.js';
import { PROXIES, configOf, decide, engineFor, meta, show } from './helpers.js';
import { buildMmdb } from './mmdb-writer.js';

type Case = [rule: string, conn: Partial<Metadata>, matches: boolean];

const FAKE_GEO: GeoIpReader = { country: (ip) => (ip.startsWith('203.0.113.') ? 'CN' : null) };
const FAKE_ASN: AsnReader = { asn: (ip) => (ip.startsWith('198.51.100.') ? 13335 : ip.startsWith('203.0.113.') ? 4134 : null), size: 2 };

/** `rule` gets target G (before any params), then MATCH,REJECT. */
async function check(cases: Case[], asn: AsnReader | null = FAKE_ASN): Promise<void> {
  for (const [rule, conn, want] of cases) {
    const joined = /^(PROCESS-(NAME|PATH)-REGEX),/i.test(rule);
    const f = rule.split(',');
    const line = joined ? `${rule},G` : [f[0], f[1], 'G', ...f.slice(2)].join(',');
    const config = configOf(`${PROXIES}rules:\n  - ${JSON.stringify(line)}\n  - MATCH,REJECT\n`);
    const engine = compileRules(config, { geoip: FAKE_GEO, providers: new Map(), targets: configTargetCheck(config), logger: NULL_LOGGER, asn });
    const d = await decide(engine, meta(conn));
    assert.equal(d.target === 'G', want, `${line} on ${JSON.stringify(conn)} → ${show(d)}`);
  }
}

/** The config loader (with the rule validator) rejects `line` with `code`, located at its line. */
function rejects(line: string, code: string, extra = ''): void {
  const r = parseConfig(`${PROXIES}${extra}rules:\n  - ${JSON.stringify(line)}\n`, '/tmp/sy-rules-test/c.yaml', { validateRule: ruleValidator() });
  const hit = r.errors.find((e) => e.code === code);
  assert.ok(hit, `${line}: expected ${code}, got ${r.errors.map((e) => e.code).join(', ') || 'no error'}`);
  assert.match(hit.message, /c\.yaml:\d+:\d+/, `located: ${hit.message}`);
}

test('DOMAIN-WILDCARD: * any characters (dots too), ? exactly one, whole host, case-insensitive', async () => {
  await check([
    ['DOMAIN-WILDCARD,*.example.com', { host: 'a.example.com' }, true],
    ['DOMAIN-WILDCARD,*.example.com', { host: 'b.a.example.com' }, true],
    ['DOMAIN-WILDCARD,*.example.com', { host: 'example.com' }, false],
    ['DOMAIN-WILDCARD,te?t.example.com', { host: 'TEST.example.com' }, true],
    ['DOMAIN-WILDCARD,te?t.example.com', { host: 'teest.example.com' }, false],
    ['DOMAIN-WILDCARD,example.*', { host: 'example.org' }, true],
    ['DOMAIN-WILDCARD,example.*', { host: 'www.example.org' }, false],
    ['DOMAIN-WILDCARD,*', { host: '', dstIP: '192.0.2.1' }, false],
  ]);
  rejects('DOMAIN-WILDCARD,exa mple.com,DIRECT', 'SY_ERR_RULE_BAD_WILDCARD');
  rejects('DOMAIN-WILDCARD,a/b.com,DIRECT', 'SY_ERR_RULE_BAD_WILDCARD');
});

test('SRC-GEOIP and SRC-IP-SUFFIX test the source address and never resolve', async () => {
  await check([
    ['SRC-GEOIP,CN', { srcIP: '203.0.113.5', host: 'a.com' }, true],
    ['SRC-GEOIP,cn', { srcIP: '192.0.2.10', dstIP: '203.0.113.5' }, false],
    ['SRC-GEOIP,LAN', { srcIP: '192.168.1.2' }, true],
    ['SRC-IP-SUFFIX,0.0.0.10/8', { srcIP: '192.0.2.10' }, true],
    ['SRC-IP-SUFFIX,0.0.0.10/8', { srcIP: '192.0.2.11', dstIP: '198.51.100.10' }, false],
  ]);
  rejects('SRC-GEOIP,CHN,DIRECT', 'SY_ERR_RULE_BAD_COUNTRY');
  rejects('SRC-IP-SUFFIX,1.2.3.4/99,DIRECT', 'SY_ERR_RULE_BAD_CIDR');
});

test('IP-ASN / SRC-IP-ASN: AS number of the destination / source; "AS" prefix accepted', async () => {
  await check([
    ['IP-ASN,13335', { dstIP: '198.51.100.9' }, true],
    ['IP-ASN,AS13335', { dstIP: '198.51.100.9' }, true],
    ['IP-ASN,13335', { dstIP: '203.0.113.9' }, false],
    ['IP-ASN,4134,no-resolve', { host: 'a.example' }, false],
    ['SRC-IP-ASN,4134', { srcIP: '203.0.113.1', dstIP: '198.51.100.9' }, true],
    ['SRC-IP-ASN,13335', { srcIP: '203.0.113.1', dstIP: '198.51.100.9' }, false],
  ]);
  rejects('IP-ASN,cloudflare,DIRECT', 'SY_ERR_RULE_BAD_ASN');
  rejects('IP-ASN,99999999999,DIRECT', 'SY_ERR_RULE_BAD_ASN');
});

test('IP-ASN resolves the host once, like any IP rule without no-resolve', async () => {
  const config = configOf(`${PROXIES}rules:\n  - IP-ASN,13335,G\n`);
  const engine = compileRules(config, { geoip: FAKE_GEO, providers: new Map(), targets: configTargetCheck(config), logger: NULL_LOGGER, asn: FAKE_ASN });
  const queries: string[] = [];
  const d = await engine.decide(meta({ host: 'cdn.example' }), { resolver: { resolve: async (h) => (queries.push(h), ['198.51.100.4']) } });
  assert.equal(d.target, 'G');
  assert.deepEqual(queries, ['cdn.example']);
});

test('IP-ASN without ASN data: the config loads, each rule is reported once as inactive and never matches', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sy-rules-asn-'));
  try {
    const config = configOf(`${PROXIES}rules:\n  - IP-ASN,13335,G\n  - SRC-IP-ASN,4134,G\n  - MATCH,REJECT\n`, join(dir, 'config.yaml'));
    const engine = compileRules(config, { geoip: FAKE_GEO, providers: new Map(), targets: configTargetCheck(config), logger: NULL_LOGGER });
    const w = engine.warnings.filter((x) => x.code === 'SY_ERR_RULE_ASN_MISSING');
    assert.equal(w.length, 2);
    assert.match(w[0]!.message, /config\.yaml:\d+:\d+/);
    assert.match(w[0]!.message, /ASN\.mmdb/);
    assert.equal((await decide(engine, meta({ dstIP: '198.51.100.9', srcIP: '203.0.113.1' }))).target, 'REJECT');
    assert.match(engine.rules[0]!.inactive ?? '', /ASN\.mmdb/, 'RuleInfo says why the rule never matches');
    assert.equal(engine.rules[0]!.apiType, 'IPASN');
    assert.equal(engine.rules[1]!.apiType, 'SrcIPASN');
    // A file that is no mmdb is an error, not silently inactive.
    writeFileSync(join(dir, 'ASN.mmdb'), 'not an mmdb');
    assert.throws(
      () => compileRules(config, { geoip: FAKE_GEO, providers: new Map(), targets: configTargetCheck(config), logger: NULL_LOGGER }),
      (e: unknown) => e instanceof SyErrorList && e.errors.some((x) => x.code === 'SY_ERR_RULE_ASN_DB'),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('IP-ASN with a real GeoLite2-ASN-layout ASN.mmdb beside the config (read when a rule needs it)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sy-rules-asn-'));
  try {
    writeFileSync(join(dir, 'ASN.mmdb'), buildMmdb([
      ['198.51.100.0/24', { autonomous_system_number: 13335, autonomous_system_organization: 'Example Net' }],
      ['203.0.113.0/25', { autonomous_system_number: 4134, autonomous_system_organization: 'Other Net' }],
    ], 'GeoLite2-ASN'));
    const config = configOf(`${PROXIES}rules:\n  - IP-ASN,13335,P\n  - SRC-IP-ASN,AS4134,G\n  - MATCH,REJECT\n`, join(dir, 'config.yaml'));
    const engine = compileRules(config, { geoip: FAKE_GEO, providers: new Map(), targets: configTargetCheck(config), logger: NULL_LOGGER });
    assert.deepEqual(engine.warnings.map((w) => w.code), []);
    assert.equal(engine.rules[0]!.inactive, undefined);
    assert.ok(engine.rules[0]!.size > 0, 'size is the tree size of the database');
    const t = async (m: Partial<Metadata>) => (await decide(engine, meta(m))).target;
    assert.equal(await t({ dstIP: '198.51.100.200' }), 'P');
    assert.equal(await t({ dstIP: '::ffff:198.51.100.200' }), 'P');
    assert.equal(await t({ dstIP: '192.0.2.1', srcIP: '203.0.113.9' }), 'G');
    assert.equal(await t({ dstIP: '192.0.2.1', srcIP: '203.0.113.200' }), 'REJECT', 'outside the /25');
    assert.equal(await t({ dstIP: '2001:db8::1', srcIP: '2001:db8::2' }), 'REJECT', 'an IPv6 address in an IPv4 database: unknown');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('PROCESS-PATH (case-insensitive equality) and the -REGEX / -WILDCARD forms', async () => {
  await check([
    ['PROCESS-PATH,/usr/bin/curl', { process: 'curl', processPath: '/usr/bin/curl' }, true],
    ['PROCESS-PATH,/USR/bin/Curl', { process: 'curl', processPath: '/usr/bin/curl' }, true],
    ['PROCESS-PATH,/usr/bin/curl', { process: 'curl', processPath: '/usr/local/bin/curl' }, false],
    ['PROCESS-PATH,/usr/bin/curl', {}, false],
    ['PROCESS-NAME-REGEX,^(curl|wget)$', { process: 'WGET', processPath: '/usr/bin/wget' }, true],
    ['PROCESS-NAME-REGEX,^(curl|wget)$', { process: 'wget2' }, false],
    ['PROCESS-PATH-REGEX,^/opt/[a-z]+,x/', { processPath: '/opt/app,x/bin' }, true], // commas stay in the payload
    ['PROCESS-PATH-REGEX,^/opt/', { processPath: '/OPT/app/bin' }, true],
    ['PROCESS-NAME-WILDCARD,fire*', { process: 'firefox-bin' }, true],
    ['PROCESS-PATH-WILDCARD,/usr/*/ssh', { processPath: '/usr/bin/ssh' }, true],
    ['PROCESS-PATH-WILDCARD,/usr/*/ssh', { processPath: '/usr/bin/sshd' }, false],
  ]);
  rejects('PROCESS-PATH,curl,DIRECT', 'SY_ERR_RULE_BAD_PROCESS');
  rejects('PROCESS-NAME-REGEX,(unclosed,DIRECT', 'SY_ERR_RULE_BAD_REGEX');
});

test('IN-TYPE / IN-NAME / IN-USER: the inbound, /-separated lists', async () => {
  await check([
    ['IN-TYPE,TPROXY', { type: 'TProxy' }, true],
    ['IN-TYPE,socks/http', { type: 'Socks5' }, true],
    ['IN-TYPE,socks/http', { type: 'Mixed' }, false],
    ['IN-NAME,DEFAULT-TPROXY/lan', { inboundName: 'lan' }, true],
    ['IN-NAME,DEFAULT-TPROXY', { inboundName: 'DEFAULT-MIXED' }, false],
    ['IN-USER,alice/bob', { inboundUser: 'bob' }, true],
    ['IN-USER,alice', { inboundUser: '' }, false],
  ]);
  rejects('IN-TYPE,carrier-pigeon,DIRECT', 'SY_ERR_RULE_BAD_INBOUND');
  rejects('IN-NAME,a//b,DIRECT', 'SY_ERR_RULE_EMPTY_PAYLOAD');
});

test('DSCP: values and ranges 0-63; connections without DSCP never match', async () => {
  await check([
    ['DSCP,46', { network: 'udp', dscp: 46 }, true],
    ['DSCP,8-15/46', { network: 'udp', dscp: 10 }, true],
    ['DSCP,46', { network: 'udp', dscp: 0 }, false],
    ['DSCP,0', { network: 'tcp' }, false],
  ]);
  rejects('DSCP,64,DIRECT', 'SY_ERR_RULE_BAD_DSCP');
  rejects('DSCP,ef,DIRECT', 'SY_ERR_RULE_BAD_DSCP');
});

const SUBS = `sub-rules:
  web:
    - DOMAIN-SUFFIX,example.com,P
    - SUB-RULE,(DST-PORT,8443),deep
    - DST-PORT,80,REJECT
  deep:
    - DOMAIN,x.example.org,DIRECT
`;

test('SUB-RULE: condition, then the named list; nesting; nothing matched → back to the main list', async () => {
  const { engine, config } = await engineFor(['SUB-RULE,(NETWORK,tcp),web', 'MATCH,G'], { extra: SUBS, findProcess: 'off' });
  assert.deepEqual(Object.keys(config.subRules ?? {}), ['web', 'deep']);
  const t = async (m: Partial<Metadata>) => (await decide(engine, meta(m))).target;
  assert.equal(await t({ host: 'www.example.com' }), 'P');
  assert.equal(await t({ host: 'a.org', dstPort: 80 }), 'REJECT');
  assert.equal(await t({ host: 'x.example.org', dstPort: 8443 }), 'DIRECT');
  assert.equal(await t({ host: 'y.example.org', dstPort: 8443 }), 'G', 'nested list found nothing, web found nothing → main list');
  assert.equal(await t({ network: 'udp', host: 'www.example.com' }), 'G', 'condition false');
  const d = await decide(engine, meta({ host: 'www.example.com' }));
  assert.equal(d.rule?.apiType, 'SubRules');
  assert.equal(API_TYPES['SUB-RULE'], 'SubRules');
});

test('SUB-RULE with logic conditions; PASS inside a sub-list continues the main list', async () => {
  const extra = `sub-rules:\n  s:\n    - DOMAIN,a.example,PASS\n    - MATCH,P\n`;
  const { engine } = await engineFor(['SUB-RULE,(AND,((NETWORK,udp),(DST-PORT,443))),s', 'MATCH,G'], { extra, findProcess: 'off' });
  assert.equal((await decide(engine, meta({ network: 'udp', host: 'b.example' }))).target, 'P');
  assert.equal((await decide(engine, meta({ network: 'udp', host: 'a.example' }))).target, 'G');
  assert.equal((await decide(engine, meta({ network: 'tcp', host: 'b.example' }))).target, 'G');
});

test('SUB-RULE errors: unknown set, cycle, bad condition, bad targets inside sets — all located', async () => {
  rejects('SUB-RULE,(NETWORK,tcp),nope', 'SY_ERR_CONFIG_UNKNOWN_TARGET', SUBS);
  rejects('SUB-RULE,NETWORK,tcp,web', 'SY_ERR_RULE_BAD_LOGIC', SUBS);
  rejects('SUB-RULE,(MATCH),web', 'SY_ERR_RULE_NOT_ALLOWED', SUBS);
  rejects('AND,((SUB-RULE,(NETWORK,tcp)),(NETWORK,tcp)),G', 'SY_ERR_RULE_NOT_ALLOWED', SUBS);
  const bad = parseConfig(`${PROXIES}sub-rules:\n  s:\n    - DOMAIN,a.com,NOPE\n    - FOO,x,P\nrules:\n  - SUB-RULE,(NETWORK,tcp),s\n`, '/tmp/c.yaml', { validateRule: ruleValidator() });
  const codes = bad.errors.map((e) => e.code);
  assert.ok(codes.includes('SY_ERR_CONFIG_UNKNOWN_TARGET'), codes.join());
  assert.ok(codes.includes('SY_ERR_RULE_UNSUPPORTED'), codes.join());
  assert.ok(bad.errors.some((e) => /sub-rules\.s\[0\]/.test(e.message)), bad.errors.map((e) => e.message).join('\n'));
  const cyc = configOf(`${PROXIES}sub-rules:\n  a:\n    - SUB-RULE,(NETWORK,tcp),b\n  b:\n    - SUB-RULE,(NETWORK,tcp),a\nrules:\n  - SUB-RULE,(NETWORK,tcp),a\n`);
  assert.throws(
    () => compileRules(cyc, { geoip: FAKE_GEO, providers: new Map(), targets: configTargetCheck(cyc), logger: NULL_LOGGER }),
    (e: unknown) => e instanceof SyErrorList && e.errors.some((x) => isSyError(x) && x.code === 'SY_ERR_RULE_SUBRULE_CYCLE'),
  );
});
