// Config edits from the dashboard: each op changes only what it names, and
// comments, anchors and layout of the rest survive.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { applyConfigEdits, parseEditOps } from '../../../main/config/edit.js';
import { applyOverrideEdits } from '../../../main/config/edit-override.js';
import { isSyError } from '../../../main/core/errors.js';

const CONFIG = `# my proxy setup
mixed-port: 7890 # the port
base: &b {udp: true}
proxies:
  # home box
  - {name: home, type: socks5, server: 192.0.2.10, port: 1080}
proxy-groups:
  - name: Proxy # main group
    type: select
    proxies: [home, DIRECT]
rule-providers:
  ads: # blocked hosts
    type: inline
    behavior: domain
    payload: [ads.example]
rules:
  - DOMAIN,a.example,DIRECT # first
  - RULE-SET,ads,REJECT
  # catch-all
  - MATCH,Proxy
`;

const edit = (ops: unknown[]) => applyConfigEdits(CONFIG, parseEditOps({ ops }));
const keepsComments = (out: string) => {
  for (const c of ['# my proxy setup', '# the port', '# home box', '# main group', '# blocked hosts', '# catch-all', '&b']) assert.ok(out.includes(c), `lost ${c}\n${out}`);
};
const code = (fn: () => unknown, c: string) => assert.throws(fn, (e: unknown) => isSyError(e) && e.code === c);

test('rule.insert puts a rule at the index (default: the end) and keeps comments', () => {
  const out = edit([{ op: 'rule.insert', index: 0, rule: 'DOMAIN-SUFFIX,b.example,REJECT' }]);
  assert.deepEqual(parse(out).rules, ['DOMAIN-SUFFIX,b.example,REJECT', 'DOMAIN,a.example,DIRECT', 'RULE-SET,ads,REJECT', 'MATCH,Proxy']);
  keepsComments(out);
  assert.equal(parse(edit([{ op: 'rule.insert', rule: 'IP-CIDR,203.0.113.0/24,DIRECT' }])).rules[3], 'IP-CIDR,203.0.113.0/24,DIRECT');
});

test('rule.replace, rule.delete and rule.move', () => {
  const out = edit([
    { op: 'rule.replace', index: 0, rule: 'DOMAIN,c.example,REJECT' },
    { op: 'rule.move', from: 1, to: 0 },
    { op: 'rule.delete', index: 2 },
  ]);
  assert.deepEqual(parse(out).rules, ['RULE-SET,ads,REJECT', 'DOMAIN,c.example,REJECT']);
  assert.ok(out.includes('# my proxy setup') && out.includes('# home box'));
  assert.ok(out.includes('DOMAIN,c.example,REJECT # first'), 'comment on the replaced line stays');
});

test('a rule index out of range is SY_ERR_CONFIG_EDIT_NOT_FOUND', () => {
  code(() => edit([{ op: 'rule.delete', index: 3 }]), 'SY_ERR_CONFIG_EDIT_NOT_FOUND');
  code(() => edit([{ op: 'rule.move', from: 0, to: 9 }]), 'SY_ERR_CONFIG_EDIT_NOT_FOUND');
  code(() => edit([{ op: 'rule.insert', index: 9, rule: 'MATCH,DIRECT' }]), 'SY_ERR_CONFIG_EDIT_NOT_FOUND');
});

test('rule-provider.put adds http, file and inline sets; delete removes one', () => {
  const out = edit([
    { op: 'rule-provider.put', name: 'sub', provider: { type: 'http', behavior: 'domain', format: 'text', url: 'http://198.51.100.1/x.txt', interval: 3600 } },
    { op: 'rule-provider.put', name: 'local', provider: { type: 'file', behavior: 'ipcidr', path: 'sets/local.yaml' } },
    { op: 'rule-provider.put', name: 'ads', provider: { type: 'inline', behavior: 'classical', payload: ['DOMAIN,x.example'] } },
  ]);
  const rp = parse(out)['rule-providers'];
  assert.deepEqual(rp.sub, { type: 'http', behavior: 'domain', url: 'http://198.51.100.1/x.txt', format: 'text', interval: 3600 });
  assert.deepEqual(rp.local, { type: 'file', behavior: 'ipcidr', path: 'sets/local.yaml' });
  assert.deepEqual(rp.ads.payload, ['DOMAIN,x.example']);
  keepsComments(out);
  const del = edit([{ op: 'rule-provider.delete', name: 'ads' }]);
  assert.equal(parse(del)['rule-providers'].ads, undefined);
  code(() => edit([{ op: 'rule-provider.delete', name: 'nope' }]), 'SY_ERR_CONFIG_EDIT_NOT_FOUND');
});

test('proxy.put adds or replaces a SOCKS5 upstream in the list style; group members follow', () => {
  const out = edit([
    { op: 'proxy.put', proxy: { name: 'lab', type: 'socks5', server: '198.51.100.7', port: 1081, username: 'u', password: 'p', udp: true } },
    { op: 'group.add-member', group: 'Proxy', name: 'lab' },
    { op: 'proxy.put', proxy: { name: 'home', type: 'socks5', server: '192.0.2.11', port: 1080 } },
  ]);
  const c = parse(out);
  assert.deepEqual(c.proxies[1], { name: 'lab', type: 'socks5', server: '198.51.100.7', port: 1081, username: 'u', password: 'p', udp: true });
  assert.equal(c.proxies[0].server, '192.0.2.11');
  assert.deepEqual(c['proxy-groups'][0].proxies, ['home', 'DIRECT', 'lab']);
  assert.match(out, /- \{ ?name: lab/, 'flow style like its neighbours');
  keepsComments(out);
  const del = parse(applyConfigEdits(out, parseEditOps({ ops: [{ op: 'proxy.delete', name: 'lab' }] })));
  assert.deepEqual(del['proxy-groups'][0].proxies, ['home', 'DIRECT'], 'a deleted proxy leaves its groups');
  const rm = parse(edit([{ op: 'group.remove-member', group: 'Proxy', name: 'DIRECT' }]));
  assert.deepEqual(rm['proxy-groups'][0].proxies, ['home']);
  code(() => edit([{ op: 'group.add-member', group: 'Nope', name: 'home' }]), 'SY_ERR_CONFIG_EDIT_NOT_FOUND');
});

test('malformed ops are SY_ERR_CONFIG_EDIT_OP naming the op', () => {
  for (const body of [
    {},
    { ops: [] },
    { ops: [{ op: 'rule.explode' }] },
    { ops: [{ op: 'rule.insert', rule: '' }] },
    { ops: [{ op: 'rule.insert', rule: 'MATCH,DIRECT\nMATCH,REJECT' }] },
    { ops: [{ op: 'proxy.put', proxy: { name: 'x', type: 'socks5', server: 'h', port: 70000 } }] },
    { ops: [{ op: 'proxy.put', proxy: { name: 'x', type: 'ss', server: 'h', port: 1 } }] },
    { ops: [{ op: 'rule-provider.put', name: 's', provider: { type: 'http', behavior: 'domain', url: 'ftp://x' } }] },
    { ops: [{ op: 'rule-provider.put', name: 's', provider: { type: 'file', behavior: 'nope', path: 'a' } }] },
  ]) {
    assert.throws(() => parseEditOps(body), (e: unknown) => isSyError(e) && e.code === 'SY_ERR_CONFIG_EDIT_OP' && e.message.includes('POST /configs/edit'), JSON.stringify(body));
  }
});

test('an empty config gets the lists it needs', () => {
  const out = applyConfigEdits('# empty\n', parseEditOps({ ops: [{ op: 'rule.insert', rule: 'MATCH,DIRECT' }] }));
  assert.deepEqual(parse(out).rules, ['MATCH,DIRECT']);
  assert.ok(out.includes('# empty'));
});

test('profile edits go to the override layer; profile rules are refused', () => {
  const override = '# mine\nprepend-rules:\n  - DOMAIN,mine.example,DIRECT\n';
  const effective = 'rules:\n  - DOMAIN,mine.example,DIRECT\n  - DOMAIN,a.example,Proxy\n  - MATCH,Proxy\nproxy-groups:\n  - {name: Proxy, type: select, proxies: [DIRECT]}\nrule-providers:\n  x: {type: inline, behavior: domain, payload: [x.example]}\n';
  const ops = parseEditOps({ ops: [
    { op: 'rule.insert', index: 0, rule: 'DOMAIN,new.example,REJECT' },
    { op: 'rule.replace', index: 1, rule: 'DOMAIN,mine2.example,DIRECT' },
    { op: 'proxy.put', proxy: { name: 'lab', type: 'socks5', server: '198.51.100.7', port: 1080 } },
    { op: 'group.add-member', group: 'Proxy', name: 'lab' },
    { op: 'rule-provider.put', name: 'y', provider: { type: 'inline', behavior: 'domain', payload: ['y.example'] } },
  ] });
  const out = applyOverrideEdits(override, effective, ops);
  const o = parse(out);
  assert.ok(out.includes('# mine'));
  assert.deepEqual(o['prepend-rules'], ['DOMAIN,new.example,REJECT', 'DOMAIN,mine2.example,DIRECT']);
  assert.equal(o['prepend-proxies'][0].name, 'lab');
  assert.deepEqual(o['prepend-proxy-groups'][0].proxies, ['DIRECT', 'lab']);
  assert.deepEqual(Object.keys(o['rule-providers']), ['x', 'y']);
  const refused = (op: unknown) => assert.throws(() => applyOverrideEdits(override, effective, parseEditOps({ ops: [op] })), (e: unknown) => isSyError(e) && e.code === 'SY_ERR_CONFIG_EDIT_PROFILE');
  refused({ op: 'rule.delete', index: 2 });
  refused({ op: 'rule.insert', index: 2, rule: 'MATCH,DIRECT' });
  refused({ op: 'proxy.delete', name: 'Proxy' });
});
