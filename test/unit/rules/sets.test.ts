// The indexed sets agree with naive definitions (randomised, many entries so
// hash tables grow, filters engage and collisions happen).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newMetadata } from '../../../main/core/metadata.js';
import { ctxOf } from '../../../main/rules/ctx.js';
import { DomainSet } from '../../../main/rules/sets/domain-set.js';
import { IpSet } from '../../../main/rules/sets/ip-set.js';
import { KeywordIndex } from '../../../main/rules/sets/keyword-index.js';
import { NameTable } from '../../../main/rules/sets/name-table.js';
import { emptyAddr, parseAddr, parsePrefix } from '../../../main/rules/ip.js';

let seed = 20261122;
const rnd = () => {
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
  return seed / 2 ** 32;
};
const int = (n: number) => Math.floor(rnd() * n);
const label = () => 'abcdefgh'.slice(0, 1 + int(3)) + String.fromCharCode(97 + int(6));
const name = () => Array.from({ length: 1 + int(3) }, label).join('.');

function ctxFor(host: string) {
  return ctxOf(newMetadata({ network: 'tcp', type: 'TProxy', host }), { resolved: false, processLooked: false });
}

test('DomainSet equals the Clash wildcard definition (+. . *. exact)', () => {
  const set = new DomainSet();
  const entries: [kind: string, n: string][] = [];
  for (let i = 0; i < 6000; i++) {
    const kind = ['', '+.', '.', '*.'][int(4)]!;
    const n = name();
    entries.push([kind, n]);
    assert.equal(set.addWildcard(kind + n), '');
  }
  const naive = (h: string) =>
    entries.some(([k, n]) =>
      k === '' ? h === n : k === '+.' ? h === n || h.endsWith('.' + n) : k === '.' ? h.endsWith('.' + n) : h.endsWith('.' + n) && !h.slice(0, -n.length - 1).includes('.'),
    );
  for (let i = 0; i < 3000; i++) {
    const h = name() + (rnd() < 0.5 ? '.' + name() : '');
    const c = ctxFor(h);
    assert.equal(set.has(c.host, c.suffixOffsets(), c.suffixHashes()), naive(h), h);
  }
});

test('NameTable finds names by (host, offset, suffix hash) through growth', () => {
  const t = new NameTable();
  const names = new Map<string, number>();
  for (let i = 0; i < 20000; i++) {
    const n = name() + '.' + name();
    if (!names.has(n)) names.set(n, i);
    t.set(n, i, (old) => old);
  }
  assert.equal(t.size, names.size);
  for (const [n, v] of [...names].slice(0, 3000)) {
    const c = ctxFor('www.' + n);
    assert.equal(t.get(c.host, c.suffixOffsets()[1]!, c.suffixHashes()[1]!), v, n);
  }
  const c = ctxFor('zzzz.nowhere.invalid');
  assert.equal(t.get(c.host, 0, c.suffixHashes()[0]!), -1);
});

test('KeywordIndex returns the smallest index of a keyword the host contains', () => {
  const kws = Array.from({ length: 200 }, () => label() + (rnd() < 0.3 ? '' : label()));
  kws.push('x', '.');
  const idx = new KeywordIndex();
  kws.forEach((k, i) => idx.add(k, i));
  for (let i = 0; i < 2000; i++) {
    const h = name() + '.' + name();
    const want = kws.findIndex((k) => h.includes(k));
    const got = idx.first(h, 0x7fffffff);
    assert.equal(got === 0x7fffffff ? -1 : got, want, h);
  }
});

test('IpSet equals prefix containment for random v4/v6 prefixes and addresses', () => {
  const prefixes = Array.from({ length: 400 }, () =>
    rnd() < 0.6 ? `${int(4) + 10}.${int(4)}.${int(256)}.0/${8 + int(17)}` : `2001:db8:${int(8).toString(16)}::/${40 + int(30)}`,
  ).map((p) => parsePrefix(p)!);
  const set = new IpSet();
  for (const p of prefixes) set.add(p);
  set.build();
  const a = emptyAddr();
  for (let i = 0; i < 4000; i++) {
    const ip = rnd() < 0.6 ? `${int(4) + 10}.${int(4)}.${int(256)}.${int(256)}` : `2001:db8:${int(8).toString(16)}:${int(65536).toString(16)}::${int(65536).toString(16)}`;
    parseAddr(ip, a);
    const naive = prefixes.some((p) => (a.fam === 4 ? p.fam === 4 && a.v4 >= p.lo4 && a.v4 <= p.hi4 : p.fam === 6 && set !== null && containsV6(p, ip)));
    assert.equal(set.has(a), naive, ip);
  }
});

function containsV6(p: NonNullable<ReturnType<typeof parsePrefix>>, ip: string): boolean {
  const a = emptyAddr();
  parseAddr(ip, a);
  const w = [a.w0, a.w1, a.w2, a.w3];
  for (let k = 0; k < 4; k++) {
    if (w[k]! < p.lo6[k]!) return false;
    if (w[k]! > p.lo6[k]!) break;
  }
  for (let k = 0; k < 4; k++) {
    if (w[k]! > p.hi6[k]!) return false;
    if (w[k]! < p.hi6[k]!) break;
  }
  return true;
}
