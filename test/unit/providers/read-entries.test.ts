// Reading provider files the way mihomo does (reference.md §2.5).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readEntries, scalar, WarningList } from '../../../main/providers/read-entries.js';

const read = (text: string, format: 'yaml' | 'text') => {
  const w = new WarningList();
  const r = readEntries(text, format, 'rules/x.yaml', w);
  return { values: r.entries.map((e) => `${e.line}:${e.value}`), warnings: w.done('rules/x.yaml').map((e) => e.message), foundKey: r.foundKey };
};

test('text: one entry a line, trimmed; blank, # and // lines skipped', () => {
  const r = read('\ufeff# NAME: test\n\n  +.example.com  \n// comment\n192.0.2.0/24\r\n#x\n', 'text');
  assert.deepEqual(r.values, ['3:+.example.com', '5:192.0.2.0/24']);
});

test('yaml: the first payload:/rules: key, then one "- item" a line; quotes, comments and bad lines', () => {
  const text = [
    '# header',
    'name: test',
    'payload:',
    "  - '+.google.com'",
    '  - "books.itunes.apple.com"   # trailing comment',
    '  # a comment line',
    '',
    '  - plain.example.org # comment',
    '  not an item',
    "  - 'it''s.example'",
    "  - 'unterminated",
    '  -',
    'other: key',
    '  - after.other.key',
  ].join('\n');
  const r = read(text, 'yaml');
  assert.deepEqual(r.values, ['4:+.google.com', '5:books.itunes.apple.com', '8:plain.example.org', "10:it's.example"]);
  assert.equal(r.warnings.length, 3);
  assert.match(r.warnings[0]!, /^rules\/x\.yaml:9: .*"not an item"/);
  assert.match(r.warnings[1]!, /^rules\/x\.yaml:11:/);
  assert.match(r.warnings[2]!, /^rules\/x\.yaml:12:/);
});

test('yaml: rules: works too; a flow list yields nothing; no key yields nothing', () => {
  assert.deepEqual(read('rules:\n  - DOMAIN,a.example\n', 'yaml').values, ['2:DOMAIN,a.example']);
  assert.deepEqual(read('payload: [a.example, b.example]\n', 'yaml').values, []);
  const none = read('just: text\n', 'yaml');
  assert.deepEqual(none.values, []);
  assert.equal(none.foundKey, false);
});

test('warnings are capped, with one summary of the rest', () => {
  const text = 'payload:\n' + Array.from({ length: 120 }, () => '  bad').join('\n');
  const r = read(text, 'yaml');
  assert.equal(r.warnings.length, 51);
  assert.match(r.warnings[50]!, /70 more malformed entries skipped/);
});

test('scalar: YAML one-line scalars', () => {
  assert.equal(scalar("'a'"), 'a');
  assert.equal(scalar('"a\\"b"'), 'a"b');
  assert.equal(scalar('a # c'), 'a');
  assert.equal(scalar('a#b'), 'a#b');
  assert.equal(scalar('[a]'), null);
  assert.equal(scalar("'a' junk"), null);
});
