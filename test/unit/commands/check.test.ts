// `switchyard check` end to end: every mistake located, warnings do not fail.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkCli } from './check-cli.js';

const { check, put } = checkCli('sy-check-test-');

const HEAD = `proxies:
  - {name: P, type: socks5, server: 198.51.100.1, port: 1080}
`;

test('a good config with skipped provider entries and a GEOSITE rule: exit 0, warnings listed', () => {
  put('list.txt', '# list\n192.0.2.0/24\n198.51.100.1\n');
  const r = check(
    'good.yaml',
    HEAD +
      `rule-providers:
  cidr: {type: file, behavior: ipcidr, format: text, path: ./list.txt}
  mine: {type: inline, behavior: classical, payload: ['DOMAIN-SUFFIX,example.org', 'NETWORK,icmp']}
rules:
  - GEOSITE,cn,DIRECT
  - RULE-SET,cidr,DIRECT
  - RULE-SET,mine,P
  - MATCH,P
`,
  );
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /OK — 4 rules, 2 rule providers \((cidr=1, mine=1|mine=1, cidr=1)\)/);
  assert.match(r.err, /warning SY_ERR_PROVIDER_BAD_ENTRY: .*list\.txt:3: .*"198\.51\.100\.1"/);
  assert.match(r.err, /warning SY_ERR_PROVIDER_BAD_ENTRY: .*payload:2: .*"NETWORK,icmp"/);
  assert.match(r.err, /warning SY_ERR_RULE_GEOSITE_MISSING: .*good\.yaml:\d+:\d+ rules\[0\]/);
});

test('every rule mistake is reported at once with file:line:col and the bad value; exit 1', () => {
  const r = check(
    'bad.yaml',
    HEAD +
      `rules:
  - DOMAIN-SUFFIX,ok.example,P
  - IP-CIDR,192.0.2.1,P
  - DST-PORT,1-2-3,P
  - DOMAIN-REGEX,(x,P
  - WHATEVER,x,P
  - AND,((DOMAIN,a.example),(NETWORK,udp),P
  - MATCH,P
`,
  );
  assert.equal(r.code, 1);
  const errs = r.err.split('\n').filter((l) => l.startsWith('error '));
  assert.equal(errs.length, 5, r.err);
  const expect: [string, number, string][] = [
    ['SY_ERR_RULE_BAD_CIDR', 5, '"192.0.2.1"'],
    ['SY_ERR_RULE_BAD_PORT', 6, '"1-2-3"'],
    ['SY_ERR_RULE_BAD_REGEX', 7, '"(x"'],
    ['SY_ERR_RULE_UNSUPPORTED', 8, '"WHATEVER"'],
    ['SY_ERR_RULE_BAD_LOGIC', 9, '"((DOMAIN,a.example),(NETWORK,udp)"'],
  ];
  for (const [code, line, value] of expect) {
    const e = errs.find((l) => l.includes(code));
    assert.ok(e, `${code} reported`);
    assert.ok(e.includes(`bad.yaml:${line}:5 rules[${line - 4}]`), `${code} located at line ${line}: ${e}`);
    assert.ok(e.includes(value), `${code} names ${value}: ${e}`);
  }
});

test('a provider that cannot be read, or uses mrs, is an error naming it', () => {
  const r = check(
    'prov.yaml',
    HEAD +
      `rule-providers:
  gone: {type: file, behavior: domain, path: ./missing.yaml}
  bin: {type: file, behavior: domain, format: mrs, path: ./list.txt}
rules:
  - RULE-SET,gone,P
  - RULE-SET,bin,P
`,
  );
  assert.equal(r.code, 1);
  assert.match(r.err, /error SY_ERR_PROVIDER_READ: .*rule-providers\.gone.*missing\.yaml/);
  // Before .mrs support: FORMAT naming "mrs"; with it: MRS (this file is no zstd stream).
  assert.match(r.err, /error SY_ERR_PROVIDER_(FORMAT|MRS): .*rule-providers\.bin/);
});
