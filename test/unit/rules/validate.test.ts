// validateRuleLine: every bad payload is a located, coded error; the config
// loader reports them with file:line:col through its validateRule hook.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../../../main/config/load.js';
import { splitRuleLine } from '../../../main/config/rule-line.js';
import { SyError, SyErrorList } from '../../../main/core/errors.js';
import { NULL_LOGGER } from '../../../main/core/logger.js';
import { compileRules } from '../../../main/rules/engine.js';
import { NO_GEOIP } from '../../../main/rules/geoip.js';
import { configTargetCheck } from '../../../main/rules/targets.js';
import { ruleValidator, validateRuleLine } from '../../../main/rules/validate.js';
import { PROXIES, configOf, engineFor, meta, decide } from './helpers.js';

const W = 'c.yaml:9:5 rules[3]';
const codeOf = (line: string, opts = {}) => {
  const errs = validateRuleLine(splitRuleLine(line), W, opts);
  return errs.map((e) => e.code);
};

test('good rules validate clean', () => {
  for (const line of [
    'DOMAIN,example.com,DIRECT',
    'DOMAIN-SUFFIX,bücher.example,DIRECT',
    'DOMAIN-REGEX,^a(b|c),d$,DIRECT',
    'IP-CIDR,192.0.2.0/24,DIRECT,no-resolve',
    'IP-CIDR6,2001:db8::/32,DIRECT',
    'SRC-IP-CIDR,192.0.2.0/24,DIRECT',
    'IP-SUFFIX,8.8.8.8/24,DIRECT',
    'GEOIP,CN,DIRECT',
    'GEOIP,lan,DIRECT,no-resolve',
    'DST-PORT,80/443/1000-2000,DIRECT',
    'NETWORK,UDP,DIRECT',
    'PROCESS-NAME,curl,DIRECT',
    'UID,1000-2000,DIRECT',
    'RULE-SET,x,DIRECT,src',
    'AND,((DOMAIN,a.example),(OR,((NETWORK,udp),(DST-PORT,53)))),DIRECT',
    'GEOSITE,cn,DIRECT',
    'MATCH,DIRECT',
  ]) {
    assert.deepEqual(codeOf(line), [], line);
  }
});

test('bad payloads give a coded error naming the place and the value', () => {
  const cases: [string, string][] = [
    ['FOO,bar,DIRECT', 'SY_ERR_RULE_UNSUPPORTED'],
    ['DOMAIN-WILDCARD,*.exa mple,DIRECT', 'SY_ERR_RULE_BAD_WILDCARD'],
    ['UID-RANGE,1000,DIRECT', 'SY_ERR_RULE_NOT_YET'],
    ['SUB-RULE,(NETWORK,icmp),sub', 'SY_ERR_RULE_BAD_NETWORK'],
    ['IP-CIDR,192.0.2.1,DIRECT', 'SY_ERR_RULE_BAD_CIDR'],
    ['IP-CIDR,192.0.2.0/33,DIRECT', 'SY_ERR_RULE_BAD_CIDR'],
    ['IP-CIDR6,2001:db8::/200,DIRECT', 'SY_ERR_RULE_BAD_CIDR'],
    ['IP-SUFFIX,8.8.8.8,DIRECT', 'SY_ERR_RULE_BAD_CIDR'],
    ['DST-PORT,70000,DIRECT', 'SY_ERR_RULE_BAD_PORT'],
    ['DST-PORT,2000-1000,DIRECT', 'SY_ERR_RULE_BAD_PORT'],
    ['DST-PORT,' + Array.from({ length: 29 }, (_, i) => i + 1).join('/') + ',DIRECT', 'SY_ERR_RULE_BAD_PORT'],
    ['SRC-PORT,abc,DIRECT', 'SY_ERR_RULE_BAD_PORT'],
    ['DOMAIN-REGEX,(unclosed,DIRECT', 'SY_ERR_RULE_BAD_REGEX'],
    ['DOMAIN,exa mple.com,DIRECT', 'SY_ERR_RULE_BAD_DOMAIN'],
    ['DOMAIN-SUFFIX,a..b,DIRECT', 'SY_ERR_RULE_BAD_DOMAIN'],
    ['NETWORK,icmp,DIRECT', 'SY_ERR_RULE_BAD_NETWORK'],
    ['UID,root,DIRECT', 'SY_ERR_RULE_BAD_UID'],
    ['GEOIP,China,DIRECT', 'SY_ERR_RULE_BAD_COUNTRY'],
    ['IP-CIDR,192.0.2.0/24,DIRECT,no-reslove', 'SY_ERR_RULE_BAD_PARAM'],
    ['AND,((DOMAIN,a.example),(NETWORK,udp),DIRECT', 'SY_ERR_RULE_BAD_LOGIC'],
    ['AND,(DOMAIN,a.example)),DIRECT', 'SY_ERR_RULE_BAD_LOGIC'],
    ['NOT,((DOMAIN,a.example),(NETWORK,udp)),DIRECT', 'SY_ERR_RULE_BAD_LOGIC'],
    ['AND,((DOMAIN,a.example),(MATCH)),DIRECT', 'SY_ERR_RULE_NOT_ALLOWED'],
    ['OR,((DOMAIN,a.example),(NETWORK,icmp)),DIRECT', 'SY_ERR_RULE_BAD_NETWORK'],
    ['AND,(()),DIRECT', 'SY_ERR_RULE_BAD_LOGIC'],
  ];
  for (const [line, code] of cases) {
    const errs = validateRuleLine(splitRuleLine(line), W);
    assert.equal(errs.length, 1, line);
    const e = errs[0]!;
    assert.ok(e instanceof SyError);
    assert.equal(e.code, code, `${line}: ${e.message}`);
    assert.ok(e.message.startsWith(W), `${line}: located: ${e.message}`);
  }
  assert.deepEqual(codeOf('RULE-SET,nope,DIRECT', { providers: ['a', 'b'] }), ['SY_ERR_RULE_UNKNOWN_PROVIDER']);
});

test('the config loader reports rule errors with file:line:col and the bad value', () => {
  const yaml = PROXIES + 'rules:\n  - DOMAIN,a.example,DIRECT\n  - IP-CIDR,192.0.2.300/24,DIRECT\n  - NETWORK,icmp,G\n  - MATCH,DIRECT\n';
  const r = parseConfig(yaml, '/etc/sy/config.yaml', { validateRule: ruleValidator() });
  assert.equal(r.config, null);
  const msgs = r.errors.map((e) => `${e.code} ${e.message}`);
  assert.equal(msgs.length, 2, msgs.join('\n'));
  assert.match(msgs[0]!, /SY_ERR_RULE_BAD_CIDR \/etc\/sy\/config\.yaml:8:5 rules\[1\].*"192\.0\.2\.300\/24"/);
  assert.match(msgs[1]!, /SY_ERR_RULE_BAD_NETWORK \/etc\/sy\/config\.yaml:9:5 rules\[2\].*"icmp"/);
});

test('compileRules throws every rule error at once (SyErrorList)', () => {
  const config = configOf(PROXIES + 'rules:\n  - DOMAIN,a.example,DIRECT\n  - MATCH,DIRECT\n');
  const broken = { ...config, rules: [{ raw: 'NETWORK,x,DIRECT', where: 'c.yaml:1:1 rules[0]' }, { raw: 'DST-PORT,99999,DIRECT', where: 'c.yaml:2:1 rules[1]' }] };
  assert.throws(
    () => compileRules(broken, { geoip: NO_GEOIP, providers: new Map(), targets: configTargetCheck(config), logger: NULL_LOGGER }),
    (e: unknown) => e instanceof SyErrorList && e.code === 'SY_ERR_RULE_COMPILE' && e.errors.length === 2 && e.errors[1]!.message.includes('c.yaml:2:1 rules[1]'),
  );
});

test('GEOSITE loads as inactive with one located warning and never matches', async () => {
  const { engine } = await engineFor(['GEOSITE,cn,REJECT', 'MATCH,G']);
  assert.equal(engine.warnings.length, 1);
  assert.equal(engine.warnings[0]!.code, 'SY_ERR_RULE_GEOSITE_MISSING');
  assert.match(engine.warnings[0]!.message, /rules\[0\]/);
  assert.equal((await decide(engine, meta({ host: 'baidu.com' }))).target, 'G');
});

test('randomised: the validator only ever returns coded errors, never throws', () => {
  let seed = 42;
  const rnd = () => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
  const alphabet = 'abcDEF0123456789.,/:-()*+ \\[]{}^$|?!%#\u00fc\u200b';
  const types = ['DOMAIN', 'DOMAIN-SUFFIX', 'DOMAIN-KEYWORD', 'DOMAIN-REGEX', 'IP-CIDR', 'IP-CIDR6', 'IP-SUFFIX', 'GEOIP', 'SRC-IP-CIDR', 'SRC-PORT', 'DST-PORT', 'IN-PORT', 'NETWORK', 'PROCESS-NAME', 'UID', 'RULE-SET', 'AND', 'OR', 'NOT', 'MATCH', 'GEOSITE', 'X'];
  const junk = () => Array.from({ length: Math.floor(rnd() * 24) }, () => alphabet[Math.floor(rnd() * alphabet.length)]).join('');
  for (let i = 0; i < 3000; i++) {
    const type = types[Math.floor(rnd() * types.length)]!;
    const line = `${type},${junk()},DIRECT${rnd() < 0.3 ? ',' + junk() : ''}`;
    let split;
    try {
      split = splitRuleLine(line);
    } catch (e) {
      assert.ok(e instanceof SyError, `splitRuleLine threw a non-coded error for ${JSON.stringify(line)}`);
      continue;
    }
    const errs = validateRuleLine(split, W);
    for (const e of errs) {
      assert.ok(e instanceof SyError, `non-coded error for ${JSON.stringify(line)}`);
      assert.match(e.code, /^SY_ERR_/);
    }
  }
});
