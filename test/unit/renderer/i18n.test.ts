import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createTranslator, interpolate, pickLocale, placeholdersOf, LOCALES } from '../../../renderer/src/i18n/i18n.js';

const dir = new URL('../../../renderer/src/', import.meta.url).pathname;
const load = (l: string) => JSON.parse(readFileSync(join(dir, 'i18n', `${l}.json`), 'utf8')) as Record<string, string>;
const en = load('en');
const zh = load('zh-CN');

test('both catalogs hold exactly the same keys', () => {
  assert.deepEqual(Object.keys(zh).sort(), Object.keys(en).sort());
  for (const l of LOCALES) assert.ok(Object.keys(load(l)).length > 100, `${l} is a real catalog`);
});

test('every message has the same placeholders in both languages, and none is empty', () => {
  for (const [k, v] of Object.entries(en)) {
    assert.ok(v.trim(), `en ${k} is empty`);
    assert.ok(zh[k]!.trim(), `zh-CN ${k} is empty`);
    assert.deepEqual(placeholdersOf(zh[k]!), placeholdersOf(v), `placeholders of ${k}`);
  }
});

test('zh-CN is translated: a message identical to English must be a name or code', () => {
  const allowed = new Set(['app.name', 'settings.dns']); // "switchyard", "DNS"
  for (const [k, v] of Object.entries(en)) {
    if (zh[k] === v && /[a-z]{3}/.test(v)) assert.ok(allowed.has(k), `zh-CN ${k} is still English: ${v}`);
  }
});

test('every key the renderer uses exists in the catalog (static t(\'…\') calls)', () => {
  const files: string[] = [];
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.tsx?$/.test(n)) files.push(p);
    }
  };
  walk(dir);
  let seen = 0;
  for (const f of files) {
    for (const m of readFileSync(f, 'utf8').matchAll(/\bt\('([\w.-]+)'/g)) {
      seen++;
      assert.ok(m[1]! in en, `${f}: unknown key ${m[1]}`);
    }
  }
  assert.ok(seen > 100, `found ${seen} static keys`);
});

test('interpolation fills placeholders and leaves unknown ones visible', () => {
  assert.equal(interpolate('{n} of {total}', { n: 1, total: '2' }), '1 of 2');
  assert.equal(interpolate('hi {who}', {}), 'hi {who}');
  assert.deepEqual(placeholdersOf('{b} {a} {b}'), ['a', 'b']);
});

test('translator falls back to English, then to the key', () => {
  const t = createTranslator<string>({ a: '甲 {x}' }, { a: 'A {x}', b: 'B' });
  assert.equal(t('a', { x: 1 }), '甲 1');
  assert.equal(t('b'), 'B');
  assert.equal(t('c'), 'c');
});

test('language follows the browser: any zh variant picks zh-CN, else English', () => {
  assert.equal(pickLocale(['zh-TW', 'en']), 'zh-CN');
  assert.equal(pickLocale(['de-DE', 'zh']), 'zh-CN');
  assert.equal(pickLocale(['en-GB']), 'en');
  assert.equal(pickLocale(['fr']), 'en');
  assert.equal(pickLocale([]), 'en');
});
