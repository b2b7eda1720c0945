// GeoSite data: a GeoSiteList built with protobufjs in the test, decoded,
// compiled into rules (GEOSITE,cat[@attr|@!attr]) and the DNS hook; data
// beside the config or in the home; missing data = inactive, located; an
// unknown category = located error; malformed .dat = coded, located errors
// (randomised too).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SyError, SyErrorList } from '../../../main/core/errors.js';
import { NULL_LOGGER } from '../../../main/core/logger.js';
import { compileRules } from '../../../main/rules/engine.js';
import { NO_GEOIP } from '../../../main/rules/geoip.js';
import { configTargetCheck } from '../../../main/rules/targets.js';
import { geoSiteHostMatcher } from '../../../main/rules/matchers/geosite.js';
import { DOMAIN_TYPE as T, decodeGeoSite, encodeGeoSite, geoSiteTypes } from '../../../main/geodata/geosite.js';
import { findGeoSite, needsGeoSite, openGeoSite } from '../../../main/geodata/files.js';
import { PROXIES, configOf, meta, decide } from '../rules/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'sy-geosite-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const DAT = encodeGeoSite({
  CN: [
    { type: T.Domain, value: 'example.cn' },
    { type: T.Full, value: 'full.example' },
    { type: T.Plain, value: 'keyw' },
    { type: T.Regex, value: '^re[0-9]+\\.example$' },
    { type: T.Domain, value: 'ads.example.cn.net', attrs: ['ads'] },
  ],
  google: [{ type: T.Domain, value: 'google.com' }],
});
const coded = (code: string, where?: string) => (e: unknown) => e instanceof SyError && e.code === code && (!where || e.message.includes(where));

function engine(rules: string[], data = decodeGeoSite(DAT, 'GeoSite.dat')) {
  const config = configOf(PROXIES + `rules:\n${rules.map((r) => `  - ${r}\n`).join('')}`);
  return compileRules(config, { geoip: NO_GEOIP, providers: new Map(), targets: configTargetCheck(config), logger: NULL_LOGGER, geosite: data });
}

test('decodes categories (case-insensitive) and counts the domain types', () => {
  const db = decodeGeoSite(DAT, 'x.dat');
  assert.deepEqual(db.categories.sort(), ['CN', 'GOOGLE']);
  assert.ok(db.has('cn') && db.has('Google'));
  assert.deepEqual(db.stats('cn'), { total: 5, plain: 1, regex: 1, domain: 2, full: 1 });
});

test('GEOSITE rules: Domain = name and subdomains, Full = exact, Plain = keyword, Regex; @attr and @!attr filter', async () => {
  const e = engine(['GEOSITE,CN@!ads,REJECT', 'GEOSITE,cn@ads,P', 'GEOSITE,GOOGLE,G', 'MATCH,DIRECT']);
  assert.equal(e.warnings.length, 0);
  const t = async (host: string) => (await decide(e, meta({ host }))).target;
  assert.equal(await t('example.cn'), 'REJECT');
  assert.equal(await t('www.example.cn'), 'REJECT');
  assert.equal(await t('full.example'), 'REJECT');
  assert.equal(await t('a.full.example'), 'DIRECT');
  assert.equal(await t('xxkeywxx.org'), 'REJECT');
  assert.equal(await t('re42.example'), 'REJECT');
  assert.equal(await t('re.example'), 'DIRECT');
  assert.equal(await t('x.ads.example.cn.net'), 'P', '@ads keeps only entries with the attribute; @!ads drops them');
  assert.equal(await t('mail.google.com'), 'G');
  assert.equal(await t('notgoogle.com'), 'DIRECT');
  assert.equal(e.rules[0]!.size, 4);
});

test('an unknown category is a located error; no data = inactive with one located warning each, never matching', async () => {
  assert.throws(() => engine(['GEOSITE,nope,DIRECT', 'MATCH,DIRECT']), (e: unknown) => e instanceof SyErrorList && coded('SY_ERR_RULE_GEOSITE_CATEGORY', 'rules[0]')(e.errors[0]));
  const e = engine(['GEOSITE,cn,REJECT', 'AND,((GEOSITE,google),(NETWORK,tcp)),REJECT', 'MATCH,DIRECT'], null as never);
  assert.equal(e.warnings.length, 2);
  assert.ok(e.warnings.every((w) => w.code === 'SY_ERR_RULE_GEOSITE_MISSING' && /geo update/.test(w.message)));
  assert.match(e.warnings[0]!.message, /rules\[0\]/);
  assert.equal((await decide(e, meta({ host: 'example.cn' }))).target, 'DIRECT');
});

test('GeoSite.dat beside the config first, else the home; needsGeoSite sees rules and DNS keys', async () => {
  const cfgDir = join(dir, 'cfg');
  const home = join(dir, 'home');
  mkdirSync(cfgDir);
  mkdirSync(home);
  const file = join(cfgDir, 'config.yaml');
  assert.equal(findGeoSite(file, home), '');
  assert.equal(openGeoSite(file, home), null);
  writeFileSync(join(home, 'GeoSite.dat'), encodeGeoSite({ HOME: [{ type: T.Full, value: 'h.example' }] }));
  assert.deepEqual(openGeoSite(file, home)!.categories, ['HOME']);
  writeFileSync(join(cfgDir, 'GeoSite.dat'), DAT);
  assert.equal(findGeoSite(file, home), join(cfgDir, 'GeoSite.dat'));
  // compileRules finds it by itself when not given data
  const yaml = PROXIES + 'rules:\n  - GEOSITE,google,REJECT\n  - MATCH,DIRECT\n';
  const config = configOf(yaml, file);
  assert.equal(needsGeoSite(config), true);
  const e = compileRules(config, { geoip: NO_GEOIP, providers: new Map(), targets: configTargetCheck(config), logger: NULL_LOGGER });
  assert.equal((await decide(e, meta({ host: 'www.google.com' }))).target, 'REJECT');
  assert.equal(needsGeoSite(configOf(PROXIES + 'rules:\n  - MATCH,DIRECT\n', file)), false);
});

test('the DNS hook matches hosts of a category', () => {
  const m = geoSiteHostMatcher(decodeGeoSite(DAT, 'x'), 'cn', 'dns');
  assert.equal(m('a.example.cn'), true);
  assert.equal(m('full.example'), true);
  assert.equal(m('google.com'), false);
  assert.throws(() => geoSiteHostMatcher(decodeGeoSite(DAT, 'x'), 'nope', 'dns.nameserver-policy'), coded('SY_ERR_RULE_GEOSITE_CATEGORY', 'dns.nameserver-policy'));
});

test('malformed .dat: truncated, wrong wire types, empty, nameless — coded and located', () => {
  const W = '/x/GeoSite.dat';
  const { GeoSiteList } = geoSiteTypes();
  const nameless = Buffer.from(GeoSiteList.encode(GeoSiteList.fromObject({ entry: [{ domain: [{ type: 2, value: 'a.example' }] }] })).finish());
  for (const [name, b] of [
    ['truncated', DAT.subarray(0, DAT.length - 7)],
    ['empty', Buffer.alloc(0)],
    ['text', Buffer.from('this is not protobuf at all\n')],
    ['nameless', nameless],
    ['group wire type', Buffer.from([0x0b, 0x0c])],
  ] as const) {
    assert.throws(() => decodeGeoSite(b, W), coded('SY_ERR_RULE_GEOSITE_DATA', W), name);
  }
});

test('randomised: 2,500 mutated/truncated/random .dat inputs only ever fail with coded errors (decode and use)', () => {
  let seed = 0xdada;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  let failed = 0;
  for (let i = 0; i < 2500; i++) {
    let b: Buffer;
    if (i % 3 === 2) b = Buffer.from(Array.from({ length: Math.floor(rnd() * 100) }, () => Math.floor(rnd() * 256)));
    else {
      b = Buffer.from(DAT);
      for (let j = 0, n = 1 + Math.floor(rnd() * 4); j < n; j++) b[Math.floor(rnd() * b.length)] = Math.floor(rnd() * 256);
      if (i % 3 === 1) b = b.subarray(0, Math.floor(rnd() * b.length));
    }
    try {
      const db = decodeGeoSite(b, 'fuzz.dat');
      for (const c of db.categories) db.category(c, 'fuzz rule');
    } catch (e) {
      assert.ok(e instanceof SyError, `case ${i}: ${String(e)}`);
      assert.ok(/fuzz/.test(e.message), `case ${i}: located`);
      failed++;
    }
  }
  assert.ok(failed > 500, `failed ${failed}`);
});
