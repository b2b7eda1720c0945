import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileDomainFilter, compileDomainSet } from '../../../main/dns/wildcard.js';

const set = (...p: string[]) => compileDomainFilter(p).set;

test('a plain name matches exactly, case-insensitively', () => {
  const s = set('example.com');
  assert.ok(s.has('example.com') && s.has('EXAMPLE.com.'));
  assert.ok(!s.has('a.example.com') && !s.has('example.org'));
});

test('*. matches exactly one extra label; a lone * matches dot-less names', () => {
  const s = set('*.example.com', '*');
  assert.ok(s.has('a.example.com'));
  assert.ok(!s.has('example.com') && !s.has('b.a.example.com'));
  assert.ok(s.has('localhost') && !s.has('localhost.localdomain'));
});

test('* mid-name stands for one label', () => {
  const s = set('xbox.*.microsoft.com');
  assert.ok(s.has('xbox.live.microsoft.com'));
  assert.ok(!s.has('xbox.microsoft.com') && !s.has('xbox.a.b.microsoft.com'));
});

test('+. is the name and any depth below; . is only below', () => {
  const plus = set('+.lan');
  assert.ok(plus.has('lan') && plus.has('nas.lan') && plus.has('a.b.lan'));
  const dot = set('.local');
  assert.ok(!dot.has('local') && dot.has('printer.local') && dot.has('a.b.local'));
  assert.ok(!dot.has('notlocal'));
});

test('invalid entries are skipped with coded warnings naming the index', () => {
  const r = compileDomainFilter(['ok.example', 'a/b', 'trailing.', 'a..b', 'geosite:cn', 'x*.example', '']);
  assert.equal(r.set.size, 1);
  assert.equal(r.warnings.length, 6);
  assert.ok(r.warnings.every((w) => w.code === 'SY_ERR_DNS_BAD_PATTERN'));
  assert.match(r.warnings[0]!.message, /fake-ip-filter\[1\]/);
});

test('values: the set returns what the matching pattern maps to', () => {
  const s = compileDomainSet([['router.lan', 'a'], ['+.lan', 'b']]).set;
  assert.equal(s.lookup('router.lan'), 'a');
  assert.equal(s.lookup('x.lan'), 'b');
  assert.equal(s.lookup('x.wan'), undefined);
});
