// splitRuleLine: the Clash rule-line grammar (reference.md §2.1).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitRuleLine } from '../../../main/config/rule-line.js';
import { SyError } from '../../../main/core/errors.js';

test('TYPE,payload,target splits and trims every field', () => {
  assert.deepEqual(splitRuleLine(' DOMAIN-SUFFIX , google.com , Proxy '), { type: 'DOMAIN-SUFFIX', payload: 'google.com', target: 'Proxy', params: [] });
});

test('the type is upper-cased; payload and target keep their case', () => {
  assert.deepEqual(splitRuleLine('domain-keyword,GooGle,myProxy'), { type: 'DOMAIN-KEYWORD', payload: 'GooGle', target: 'myProxy', params: [] });
});

test('parameters follow the target', () => {
  assert.deepEqual(splitRuleLine('IP-CIDR,10.0.0.0/8,DIRECT,no-resolve'), { type: 'IP-CIDR', payload: '10.0.0.0/8', target: 'DIRECT', params: ['no-resolve'] });
  assert.deepEqual(splitRuleLine('RULE-SET,cn,DIRECT,src,no-resolve').params, ['src', 'no-resolve']);
});

test('MATCH has no payload', () => {
  assert.deepEqual(splitRuleLine('MATCH,DIRECT'), { type: 'MATCH', payload: '', target: 'DIRECT', params: [] });
  assert.deepEqual(splitRuleLine('match,Proxy'), { type: 'MATCH', payload: '', target: 'Proxy', params: [] });
});

test('DOMAIN-REGEX keeps commas inside the regex: the target is the last field', () => {
  assert.deepEqual(splitRuleLine('DOMAIN-REGEX,^a{1,3}\\.example\\.com$,REJECT'), { type: 'DOMAIN-REGEX', payload: '^a{1,3}\\.example\\.com$', target: 'REJECT', params: [] });
});

test('PROCESS-NAME-REGEX and PROCESS-PATH-REGEX join their payload too', () => {
  assert.equal(splitRuleLine('PROCESS-NAME-REGEX,(?i)a,b,DIRECT').payload, '(?i)a,b');
  assert.equal(splitRuleLine('process-path-regex,/usr/bin/.*,X').target, 'X');
});

test('nested AND/OR/NOT keep their commas in the payload', () => {
  const r = splitRuleLine('AND,((DOMAIN,baidu.com),(NETWORK,UDP)),Proxy');
  assert.deepEqual(r, { type: 'AND', payload: '((DOMAIN,baidu.com),(NETWORK,UDP))', target: 'Proxy', params: [] });
  const nested = splitRuleLine('OR,((AND,((DST-PORT,443),(NETWORK,udp))),(NOT,((DOMAIN-SUFFIX,a.com)))),REJECT');
  assert.equal(nested.payload, '((AND,((DST-PORT,443),(NETWORK,udp))),(NOT,((DOMAIN-SUFFIX,a.com))))');
  assert.equal(nested.target, 'REJECT');
});

test('SUB-RULE: condition payload, sub-rule name as target', () => {
  assert.deepEqual(splitRuleLine('SUB-RULE,(NETWORK,tcp),sub1'), { type: 'SUB-RULE', payload: '(NETWORK,tcp)', target: 'sub1', params: [] });
});

test('classical provider entries have no target', () => {
  assert.deepEqual(splitRuleLine('DOMAIN-SUFFIX,example.org', { withTarget: false }), { type: 'DOMAIN-SUFFIX', payload: 'example.org', target: '', params: [] });
  assert.deepEqual(splitRuleLine('IP-CIDR,1.1.1.1/32,no-resolve', { withTarget: false }).params, ['no-resolve']);
  assert.equal(splitRuleLine('AND,((DOMAIN,a.com),(NETWORK,UDP))', { withTarget: false }).payload, '((DOMAIN,a.com),(NETWORK,UDP))');
  assert.equal(splitRuleLine('DOMAIN-REGEX,^a{1,2}$', { withTarget: false }).payload, '^a{1,2}$');
});

for (const [raw, why] of [
  ['DOMAIN', 'fewer than 2 fields'],
  ['', 'empty line'],
  ['DOMAIN,a.com', 'missing target'],
  ['DOMAIN,,DIRECT', 'empty payload'],
  ['DOMAIN,a.com,', 'empty target'],
  [',a.com,DIRECT', 'empty type'],
  ['MATCH', 'MATCH without target'],
  ['MATCH,', 'MATCH with empty target'],
  ['AND,DIRECT', 'logic rule without payload'],
  ['DOMAIN-REGEX,,DIRECT', 'regex rule with empty payload'],
  ['IP-CIDR,10.0.0.0/8,DIRECT,,no-resolve', 'stray comma in params'],
] as const) {
  test(`malformed: ${why} -> SY_ERR_CONFIG_RULE_SYNTAX naming where and the line`, () => {
    assert.throws(
      () => splitRuleLine(raw, { where: 'c.yaml:3:5 rules[0]' }),
      (e: unknown) => e instanceof SyError && e.code === 'SY_ERR_CONFIG_RULE_SYNTAX' && e.message.startsWith('c.yaml:3:5 rules[0]:') && e.message.includes(JSON.stringify(raw)),
    );
  });
}
