import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, readFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFakeIpPool } from '../../../main/dns/fake-ip-pool.js';
import { createLogHub, type LogRecord } from '../../../main/core/logger.js';
import { SyError } from '../../../main/core/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'sy-dns-pool-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function capture() {
  const hub = createLogHub({ level: 'debug', sink: null });
  const records: LogRecord[] = [];
  hub.subscribe((r) => records.push(r));
  return { logger: hub.logger, records };
}

test('allocates distinct addresses from the range, skipping network, gateway and broadcast', () => {
  const pool = createFakeIpPool({ range: '198.18.0.1/29' }); // .0 network, .1 gateway, .7 broadcast
  const ips = ['a', 'b', 'c', 'd', 'e'].map((h) => pool.allocate(`${h}.example`, 4));
  assert.deepEqual(ips, ['198.18.0.2', '198.18.0.3', '198.18.0.4', '198.18.0.5', '198.18.0.6']);
  assert.equal(pool.gateway(4), '198.18.0.1');
  assert.equal(pool.allocate('A.EXAMPLE.', 4), '198.18.0.2', 'same host (normalised), same IP');
});

test('reverse lookup and contains', () => {
  const pool = createFakeIpPool({ range: '198.18.0.1/16' });
  const ip = pool.allocate('www.example.com', 4);
  assert.equal(pool.lookupHost(ip), 'www.example.com');
  assert.equal(pool.lookupHost('::ffff:' + ip), 'www.example.com', 'IPv4-mapped form');
  assert.equal(pool.lookupHost('198.18.9.9'), undefined);
  assert.ok(pool.contains('198.18.255.255') && pool.contains(ip));
  assert.ok(!pool.contains('198.19.0.1') && !pool.contains('2001:db8::1') && !pool.contains('junk'));
});

test('when full, the least recently used host loses its IP (lookups count as use)', () => {
  const pool = createFakeIpPool({ range: '198.18.0.0/29' }); // usable .2-.6 (gateway .1)
  const ip = (h: string) => pool.allocate(h, 4);
  const a = ip('a.test'), b = ip('b.test');
  ip('c.test'); ip('d.test'); ip('e.test');
  assert.equal(pool.lookupHost(a), 'a.test'); // a is now recently used, b is the oldest
  const f = ip('f.test');
  assert.equal(f, b, 'f takes b\'s address');
  assert.equal(pool.lookupHost(b), 'f.test');
  assert.equal(pool.peek('b.test', 4), undefined);
  assert.notEqual(ip('b.test'), b, 'b gets a new address (the then-LRU c\'s)');
  assert.equal(pool.size(4), 5);
});

test('IPv6 range: AAAA fake IPs; no range6 -> coded error', () => {
  const pool = createFakeIpPool({ range: '198.18.0.1/16', range6: 'fdfe:dcba:9876::1/64' });
  assert.equal(pool.allocate('v6.example', 6), 'fdfe:dcba:9876::2');
  assert.equal(pool.lookupHost('FDFE:DCBA:9876:0::2'), 'v6.example');
  assert.ok(pool.contains('fdfe:dcba:9876::ffff'));
  const v4only = createFakeIpPool({ range: '198.18.0.1/16' });
  assert.throws(() => v4only.allocate('x.example', 6), (e: unknown) => e instanceof SyError && e.code === 'SY_ERR_DNS_NO_FAKE_IP6');
});

test('bad ranges are coded errors', () => {
  for (const r of ['198.18.0.1', '198.18.0.1/31', '2001:db8::/64', '300.1.1.1/8', 'x/8']) {
    assert.throws(() => createFakeIpPool({ range: r }), (e: unknown) => e instanceof SyError && e.code === 'SY_ERR_DNS_BAD_RANGE', r);
  }
});

test('fake-ip-filter decides which names get real answers', () => {
  const { logger, records } = capture();
  const pool = createFakeIpPool({ range: '198.18.0.1/16', filter: ['+.lan', '*.stun.example', 'time.*.com', 'bad/entry'], logger });
  assert.ok(pool.isFiltered('nas.lan') && pool.isFiltered('a.stun.example') && pool.isFiltered('time.windows.com'));
  assert.ok(!pool.isFiltered('example.com'));
  assert.equal(records.filter((r) => r.level === 'warning').length, 1, 'the bad entry is reported once');
});

test('flush forgets everything and restarts at the first address', () => {
  const pool = createFakeIpPool({ range: '198.18.0.1/16' });
  const ip = pool.allocate('a.example', 4);
  pool.flush();
  assert.equal(pool.lookupHost(ip), undefined);
  assert.equal(pool.allocate('b.example', 4), ip);
});

test('save/load round-trips the mapping and its LRU order; the write is atomic', async () => {
  const file = join(dir, 'sub', 'fakeip.json');
  const pool = createFakeIpPool({ range: '198.18.0.0/29', range6: 'fdfe::1/120' });
  const a = pool.allocate('a.test', 4), b = pool.allocate('b.test', 4);
  const a6 = pool.allocate('a.test', 6);
  pool.lookupHost(a); // a becomes most recent; b is LRU
  await pool.save(file);
  assert.deepEqual(readdirSync(join(dir, 'sub')), ['fakeip.json'], 'no temp file left');
  const restarted = createFakeIpPool({ range: '198.18.0.0/29', range6: 'fdfe::1/120' });
  assert.equal(await restarted.load(file), 3);
  assert.equal(restarted.lookupHost(a), 'a.test');
  assert.equal(restarted.lookupHost(b), 'b.test');
  assert.equal(restarted.lookupHost(a6), 'a.test');
  assert.equal(restarted.allocate('a.test', 4), a);
  for (const h of ['c', 'd', 'e']) restarted.allocate(`${h}.test`, 4);
  restarted.lookupHost(b);
  assert.equal(restarted.allocate('f.test', 4), a, 'LRU order survived: a (used before b) goes first');
});

test('a missing file is a first run; corrupt files are located warnings and an empty pool', async () => {
  const { logger, records } = capture();
  const pool = createFakeIpPool({ range: '198.18.0.1/16', logger });
  assert.equal(await pool.load(join(dir, 'absent.json')), 0);
  assert.equal(records.length, 0);
  const cases: [string, RegExp][] = [
    ['{"version":1,"range":"198.18.0.1/16","v4":[["a.test","198.18.0.2"],', /bad1\.json:1:\d+/],
    ['{"version":2,"range":"198.18.0.1/16","v4":[]}', /bad2\.json version/],
    ['{"version":1,"range":"198.18.0.1/16","v4":[["a.test","198.18.0.2"],["b.test"]]}', /bad3\.json v4\[1\]/],
    ['{"version":1,"range":"198.18.0.1/16","v4":[["a.test","2001:db8::1"]]}', /bad4\.json v4\[0\]\[1\]/],
    ['[]', /bad5\.json \(top level\)/],
    ['\u0000\u0001binary', /bad6\.json:1:1/],
  ];
  for (const [i, [text, where]] of cases.entries()) {
    const f = join(dir, `bad${i + 1}.json`);
    writeFileSync(f, text);
    pool.allocate('stale.example', 4);
    assert.equal(await pool.load(f), 0, f);
    assert.equal(pool.size(4), 0, 'empty pool after a corrupt file');
    const w = records.at(-1)!;
    assert.equal(w.level, 'warning');
    assert.equal(w.fields.code, 'SY_ERR_DNS_POOL_FILE');
    assert.match(w.msg, where);
  }
});

test('entries outside a changed range are dropped with one warning, the rest kept', async () => {
  const { logger, records } = capture();
  const file = join(dir, 'changed.json');
  writeFileSync(file, JSON.stringify({ version: 1, range: '10.0.0.0/8', v4: [['a.test', '198.18.0.2'], ['b.test', '10.0.0.2'], ['c.test', '198.18.0.2']] }));
  const pool = createFakeIpPool({ range: '198.18.0.1/16', logger });
  assert.equal(await pool.load(file), 1);
  assert.equal(pool.lookupHost('198.18.0.2'), 'a.test');
  assert.equal(records.filter((r) => r.level === 'warning').length, 1);
  assert.match(records[0]!.msg, /2 mapping/);
  assert.ok(existsSync(file) && readFileSync(file, 'utf8').length > 0);
});
