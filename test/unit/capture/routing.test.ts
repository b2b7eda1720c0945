// planRouting and the CIDR normalisation used by the bypass sets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planRouting } from '../../../main/capture/routing.js';
import { normalizeCidrs } from '../../../main/capture/cidr.js';
import { plannedSysctls } from '../../../main/capture/sysctl.js';
import { deadmanBatch } from '../../../main/capture/deadman.js';

test('planRouting: fwmark rule and local default route in the table, v4 and v6', () => {
  assert.deepEqual(planRouting({ mark: 0x2d0, table: 720, ipv6: true }).add, [
    ['-4', 'rule', 'add', 'fwmark', '0x2d0', 'lookup', '720'],
    ['-4', 'route', 'add', 'local', '0.0.0.0/0', 'dev', 'lo', 'table', '720'],
    ['-6', 'rule', 'add', 'fwmark', '0x2d0', 'lookup', '720'],
    ['-6', 'route', 'add', 'local', '::/0', 'dev', 'lo', 'table', '720'],
  ]);
});

test('planRouting: ipv6 off adds only v4, but removal always covers both families', () => {
  const plan = planRouting({ mark: 1, table: 100, ipv6: false });
  assert.equal(plan.add.length, 2);
  assert.ok(plan.add.every((a) => a[0] === '-4'));
  assert.deepEqual(plan.remove, [
    ['-4', 'rule', 'del', 'fwmark', '0x1', 'lookup', '100'],
    ['-4', 'route', 'flush', 'table', '100'],
    ['-6', 'rule', 'del', 'fwmark', '0x1', 'lookup', '100'],
    ['-6', 'route', 'flush', 'table', '100'],
  ]);
});

test('normalizeCidrs: canonical, sorted, contained entries dropped, other family ignored', () => {
  assert.deepEqual(normalizeCidrs(['10.1.2.3/8', '10.9.0.0/16', '192.0.2.7', '192.0.2.0/24', '2001:db8::/32', 'junk'], 4), ['10.0.0.0/8', '192.0.2.0/24']);
  assert.deepEqual(normalizeCidrs(['2001:DB8:0:0:1::/80', '2001:db8::/32', 'fe80::1', '::ffff:1.2.3.4/128'], 6), ['::ffff:102:304/128', '2001:db8::/32', 'fe80::1/128']);
});

test('plannedSysctls: early demux off always; forwarding only in gateway mode', () => {
  assert.deepEqual(plannedSysctls({ lan: false, ipv6: true }), { 'net.ipv4.ip_early_demux': '0' });
  assert.deepEqual(plannedSysctls({ lan: true, ipv6: false }), { 'net.ipv4.ip_early_demux': '0', 'net.ipv4.ip_forward': '1' });
  assert.equal(plannedSysctls({ lan: true, ipv6: true })['net.ipv6.conf.all.forwarding'], '1');
});

test('deadmanBatch: one atomic flush + add with the timeout', () => {
  assert.equal(deadmanBatch(5), 'flush set inet switchyard live\nadd element inet switchyard live { tcp timeout 5s, udp timeout 5s }\n');
});

test('captureInputFrom: runtime facts from the config (DNS port from dns.listen, 0 when DNS is off)', async () => {
  const { captureInputFrom } = await import('../../../main/capture/input.js');
  const capture = { enable: true, local: true, lan: false, interfaces: [], ipv6: true, bypass: [], onFailure: 'open' as const, excludeInterfaces: [], mark: 0x2d0, table: 720, dnsRedirect: true, deadmanSeconds: 5 };
  const dns = { enable: true, listen: '0.0.0.0:1053' } as never;
  const i = captureInputFrom({ capture, tproxyPort: 7893, routingMark: 0x1000, dns }, { upstreams: ['198.51.100.2'], hostAddresses: [] });
  assert.equal(i.dnsPort, 1053);
  assert.equal(i.tproxyPort, 7893);
  assert.equal(i.routingMark, 0x1000);
  const off = captureInputFrom({ capture, tproxyPort: 7893, routingMark: 0x1000, dns: { enable: false, listen: '0.0.0.0:1053' } as never }, { upstreams: [] });
  assert.equal(off.dnsPort, 0);
  assert.ok(off.hostAddresses.includes('127.0.0.1/8'), 'defaults to the interface addresses with their subnets');
});
