// `switchyard check` with proxy providers (file errors fail, http copies
// warn, counts printed) and with the rule types of issue 8 (sub-rules,
// IP-ASN without data reported once as inactive).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkCli } from './check-cli.js';

const { check, put } = checkCli('sy-check-more-');

const PROXY_LIST = `proxies:
  - {name: a, type: socks5, server: 198.51.100.1, port: 1080}
  - {name: b, type: socks5, server: 198.51.100.2, port: 1080}
`;

test('proxy providers: counts of file, inline and http copies; a missing http copy is a warning', () => {
  put('subs.yaml', PROXY_LIST);
  const r = check(
    'pp-good.yaml',
    `proxy-providers:
  f: {type: file, path: ./subs.yaml}
  i: {type: inline, payload: [{name: c, type: socks5, server: 198.51.100.3, port: 1080}]}
  h: {type: http, url: "http://198.51.100.9/sub.yaml", path: ./never-downloaded.yaml, interval: 3600}
proxy-groups:
  - {name: G, type: select, use: [f, i, h]}
rules:
  - MATCH,G
`,
  );
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /3 proxy providers \(/);
  assert.match(r.out, /f=2/);
  assert.match(r.out, /i=1/);
  assert.match(r.out, /h=0/);
  assert.match(r.err, /warning SY_ERR_PROXY_PROVIDER_READ: .*never-downloaded\.yaml/);
});

test('proxy providers: a missing or malformed file provider is an error; exit 1', () => {
  put('broken.yaml', 'proxies: [oops');
  const r = check(
    'pp-bad.yaml',
    `proxy-providers:
  gone: {type: file, path: ./nope.yaml}
  broken: {type: file, path: ./broken.yaml}
proxy-groups:
  - {name: G, type: select, use: [gone, broken], proxies: [DIRECT]}
rules:
  - MATCH,G
`,
  );
  assert.equal(r.code, 1, r.out);
  assert.match(r.err, /error SY_ERR_PROXY_PROVIDER_READ: .*nope\.yaml/);
  assert.match(r.err, /error SY_ERR_\w+: .*broken\.yaml/);
  assert.match(r.err, /2 error\(s\)/);
});

test('sub-rules and IP-ASN without ASN data: OK with one located warning per ASN rule', () => {
  const r = check(
    'subs.yaml',
    `sub-rules:
  web:
    - DOMAIN-WILDCARD,*.example.com,DIRECT
    - IP-ASN,13335,REJECT
rules:
  - SUB-RULE,(NETWORK,tcp),web
  - SRC-IP-ASN,4134,DIRECT
  - IN-TYPE,TPROXY/SOCKS,DIRECT
  - MATCH,DIRECT
`,
  );
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /OK — 4 rules, 1 sub-rule sets/);
  const w = r.err.split('\n').filter((l) => l.includes('SY_ERR_RULE_ASN_MISSING'));
  assert.equal(w.length, 2, r.err);
  assert.match(w.join('\n'), /subs\.yaml:\d+:\d+ sub-rules\.web\[1\]/);
  assert.match(w.join('\n'), /subs\.yaml:\d+:\d+ rules\[1\]/);
});

test('a SUB-RULE naming an undefined set fails located; exit 1', () => {
  const r = check('subs-bad.yaml', `rules:\n  - SUB-RULE,(NETWORK,tcp),nope\n  - MATCH,DIRECT\n`);
  assert.equal(r.code, 1);
  assert.match(r.err, /subs-bad\.yaml:2:\d+ rules\[0\].*"nope"/);
});
