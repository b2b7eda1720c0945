import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Lru } from '../../../main/dns/lru.js';
import { createFakeIpPool } from '../../../main/dns/fake-ip-pool.js';

test('get and set refresh an entry; peek does not; oldest is the least recently used', () => {
  const l = new Lru<string, number>();
  l.set('a', 1); l.set('b', 2); l.set('c', 3);
  assert.deepEqual(l.oldest(), ['a', 1]);
  l.get('a');
  assert.deepEqual(l.oldest(), ['b', 2]);
  l.peek('b');
  assert.deepEqual(l.oldest(), ['b', 2]);
  l.set('b', 20);
  assert.deepEqual([...l.entries()], [['c', 3], ['a', 1], ['b', 20]]);
  assert.ok(l.delete('a') && !l.delete('a'));
  assert.deepEqual([...l.entries()], [['c', 3], ['b', 20]]);
  l.delete('b'); l.delete('c');
  assert.equal(l.oldest(), undefined);
  l.set('z', 9);
  assert.deepEqual([...l.entries()], [['z', 9]]);
  l.clear();
  assert.equal(l.size, 0);
});

test('a full /16 pool keeps allocation and lookup cheap under churn (no O(n) touches)', () => {
  const pool = createFakeIpPool({ range: '198.18.0.1/16' });
  const t0 = Date.now();
  let ip = '';
  for (let i = 0; i < 80_000; i++) ip = pool.allocate(`h${i}.example`, 4); // 65,533 fit; the rest evict
  for (let i = 0; i < 100_000; i++) pool.lookupHost(ip);
  const ms = Date.now() - t0;
  assert.equal(pool.size(4), 65_533);
  assert.equal(pool.lookupHost(ip), 'h79999.example');
  assert.equal(pool.peek('h0.example', 4), undefined, 'the oldest were evicted');
  assert.ok(ms < 5000, `took ${ms} ms`);
});
