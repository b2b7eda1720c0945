import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emptyAddr, parseAddr, parsePrefix, prefixContains } from '../../../main/rules/ip.js';

const fam = (s: string) => parseAddr(s, emptyAddr());

test('parseAddr accepts IPv4 and IPv6, strips zone and brackets, unmaps IPv4-mapped IPv6', () => {
  const a = emptyAddr();
  assert.equal(parseAddr('192.0.2.1', a), 4);
  assert.equal(a.v4, 0xc0000201);
  assert.equal(parseAddr('::ffff:192.0.2.1', a), 4);
  assert.equal(a.v4, 0xc0000201);
  assert.equal(parseAddr('::ffff:c000:201', a), 4);
  assert.equal(a.v4, 0xc0000201);
  assert.equal(parseAddr('fe80::1%eth0', a), 6);
  assert.equal(a.w0, 0xfe800000);
  assert.equal(a.w3, 1);
  assert.equal(parseAddr('[2001:db8::1]', a), 6);
  assert.deepEqual([a.w0, a.w1, a.w2, a.w3], [0x20010db8, 0, 0, 1]);
  assert.equal(parseAddr('::', a), 6);
  assert.equal(parseAddr('1:2:3:4:5:6:7:8', a), 6);
  assert.deepEqual([a.w0, a.w3], [0x00010002, 0x00070008]);
  assert.equal(parseAddr('64:ff9b::192.0.2.33', a), 6);
  assert.equal(a.w3, 0xc0000221);
});

test('parseAddr rejects what is not an IP (never matches an IP rule)', () => {
  for (const s of ['', 'example.com', '1.2.3', '1.2.3.4.5', '256.1.1.1', '01.2.3.4', '1.2.3.4 ', ':::', '1::2::3', '12345::', 'g::1', '1:2:3:4:5:6:7:8:9', '[::1', '1.2.3.4%eth0x/']) {
    assert.equal(fam(s), 0, s);
  }
});

test('parsePrefix requires a prefix length, masks host bits and unmaps ::ffff:0:0/96', () => {
  assert.equal(parsePrefix('192.0.2.1'), null);
  assert.equal(parsePrefix('192.0.2.0/33'), null);
  assert.equal(parsePrefix('2001:db8::/129'), null);
  assert.equal(parsePrefix('192.0.2.0/'), null);
  assert.equal(parsePrefix('/24'), null);
  assert.equal(parsePrefix('192.0.2.0/2x'), null);
  const p = parsePrefix('192.0.2.77/24')!;
  assert.equal(p.lo4, 0xc0000200);
  assert.equal(p.hi4, 0xc00002ff);
  const m = parsePrefix('::ffff:192.0.2.0/120')!;
  assert.equal(m.fam, 4);
  assert.equal(m.bits, 24);
  const all = parsePrefix('0.0.0.0/0')!;
  const a = emptyAddr();
  parseAddr('203.0.113.9', a);
  assert.ok(prefixContains(all, a));
  const v6 = parsePrefix('2001:db8::/32')!;
  parseAddr('2001:db8:ffff::1', a);
  assert.ok(prefixContains(v6, a));
  parseAddr('2001:db9::1', a);
  assert.ok(!prefixContains(v6, a));
  parseAddr('192.0.2.1', a);
  assert.ok(!prefixContains(v6, a), 'families must match');
});
