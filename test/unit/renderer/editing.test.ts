// Pure parts of the dashboard's editing: rule lines built from the form and
// split back, rule/proxy lists read from the config text, the usage bar, the
// SOCKS5 form's edit ops, and the first-run decision.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildRuleLine, proxiesOf, ruleLinesOf, splitRuleLine } from '../../../renderer/src/utils/rule-line.js';
import { usageOf } from '../../../renderer/src/utils/usage.js';
import { isFirstRun } from '../../../renderer/src/services/first-run.js';
import type { ApiConfigRaw, ApiProfiles, ApiProxies } from '../../../main/controller/api-types.js';

test('rule lines: built from fields, split back, MATCH has no payload, no-resolve only where it means something', () => {
  assert.equal(buildRuleLine({ type: 'DOMAIN-SUFFIX', payload: ' example.com ', target: 'Proxy', noResolve: true }), 'DOMAIN-SUFFIX,example.com,Proxy');
  assert.equal(buildRuleLine({ type: 'IP-CIDR', payload: '203.0.113.0/24', target: 'DIRECT', noResolve: true }), 'IP-CIDR,203.0.113.0/24,DIRECT,no-resolve');
  assert.equal(buildRuleLine({ type: 'MATCH', payload: 'ignored', target: 'Proxy', noResolve: false }), 'MATCH,Proxy');
  assert.deepEqual(splitRuleLine('IP-CIDR,203.0.113.0/24,DIRECT,no-resolve'), { type: 'IP-CIDR', payload: '203.0.113.0/24', target: 'DIRECT', noResolve: true });
  assert.deepEqual(splitRuleLine('match,Proxy'), { type: 'MATCH', payload: '', target: 'Proxy', noResolve: false });
});

test('rules and proxies are read from the config text; bad YAML gives empty lists', () => {
  const text = '# c\nproxies:\n  - {name: home, type: socks5, server: 192.0.2.10, port: 1080}\nrules:\n  - DOMAIN,a.example,DIRECT\n  - MATCH,home\n';
  assert.deepEqual(ruleLinesOf(text), ['DOMAIN,a.example,DIRECT', 'MATCH,home']);
  assert.equal(proxiesOf(text).home?.server, '192.0.2.10');
  assert.deepEqual(ruleLinesOf('rules: [unclosed'), []);
  assert.deepEqual(proxiesOf(': :'), {});
});

test('usage bar: (upload + download) / total, capped at 100 %; no total = no bar; expire 0 = never', () => {
  assert.deepEqual(usageOf({ upload: 1, download: 2, total: 10, expire: 1893456000 }), { used: 3, total: 10, fraction: 0.3, expires: 1893456000000 });
  assert.equal(usageOf({ upload: 20, download: 0, total: 10, expire: 0 })!.fraction, 1);
  assert.deepEqual(usageOf({ upload: 5, download: 0, total: 0, expire: 0 }), { used: 5, total: 0, fraction: null, expires: null });
  assert.equal(usageOf(null), null);
});

test('first run: only the bundled default with no profile and no upstream', async () => {
  const raw = (bundled: boolean): ApiConfigRaw => ({ path: '/h/config.yaml', payload: '', profile: '', bundled });
  const proxies = (types: string[]): ApiProxies => ({ proxies: Object.fromEntries(types.map((t, i) => [`p${i}`, { name: `p${i}`, type: t, history: [], alive: true, udp: false } as never])) });
  const client = (b: boolean, active: string, types: string[], fail = false) => ({
    configRaw: async () => (fail ? Promise.reject(new Error('down')) : raw(b)),
    profiles: async (): Promise<ApiProfiles> => ({ profiles: [], active }),
    proxies: async () => proxies(types),
  });
  assert.equal(await isFirstRun(client(true, '', ['Direct', 'Reject'])), true);
  assert.equal(await isFirstRun(client(false, '', ['Direct'])), false);
  assert.equal(await isFirstRun(client(true, 'p1', ['Direct'])), false);
  assert.equal(await isFirstRun(client(true, '', ['Direct', 'Socks5'])), false);
  assert.equal(await isFirstRun(client(true, '', [], true)), false, 'an error never hides the dashboard');
});

test('rule indexes after an edit: insert shifts down, delete shifts up, move rotates the span', async () => {
  const { remapIndex } = await import('../../../renderer/src/utils/rule-line.js');
  const map = (op: Parameters<typeof remapIndex>[1]) => [0, 1, 2, 3].map((i) => remapIndex(i, op, 4));
  assert.deepEqual(map({ op: 'rule.insert', index: 1 }), [0, 2, 3, 4]);
  assert.deepEqual(map({ op: 'rule.insert' }), [0, 1, 2, 3]);
  assert.deepEqual(map({ op: 'rule.delete', index: 1 }), [0, -1, 1, 2]);
  assert.deepEqual(map({ op: 'rule.move', from: 3, to: 1 }), [0, 2, 3, 1]);
  assert.deepEqual(map({ op: 'rule.move', from: 0, to: 2 }), [2, 0, 1, 3]);
  assert.deepEqual(map({ op: 'rule.replace', index: 2 }), [0, 1, 2, 3]);
});

test('override rule counts: prepend-rules and append-rules lengths; none or bad YAML = 0', async () => {
  const { overrideRuleCounts } = await import('../../../renderer/src/utils/rule-line.js');
  assert.deepEqual(overrideRuleCounts('prepend-rules:\n  - MATCH,DIRECT\n  - DOMAIN,a,DIRECT\nappend-rules: [x]\n'), { prepend: 2, append: 1 });
  assert.deepEqual(overrideRuleCounts(''), { prepend: 0, append: 0 });
  assert.deepEqual(overrideRuleCounts('prepend-rules: [unclosed'), { prepend: 0, append: 0 });
});
