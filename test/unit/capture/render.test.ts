// renderCapture is a pure function from CaptureInput to one `inet switchyard`
// table. The expected texts live in ./snapshots/*.nft (regenerate with
// UPDATE_SNAPSHOTS=1 and review the diff). With root, every snapshot is also
// checked by the kernel with `nft -c -f` inside a throwaway namespace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderCapture, decodeState, encodeState } from '../../../main/capture/render.js';
import type { CaptureInput } from '../../../main/capture/input.js';
import { isSyError } from '../../../main/core/errors.js';
import { NetnsLab, requireRoot } from '../../helpers/netns.js';

const dir = join(fileURLToPath(new URL('.', import.meta.url)), 'snapshots');

const BASE: CaptureInput = {
  enable: true,
  local: true,
  lan: false,
  interfaces: [],
  ipv6: true,
  bypass: [],
  onFailure: 'open',
  excludeInterfaces: ['docker*', 'veth*', 'br-*'],
  mark: 0x2d0,
  table: 720,
  dnsRedirect: true,
  deadmanSeconds: 5,
  tproxyPort: 7893,
  dnsPort: 1053,
  routingMark: 0x1000,
  upstreams: ['198.51.100.2'],
  hostAddresses: ['192.0.2.1', '198.51.100.1', '2001:db8:1::1'],
};

const CASES: Record<string, { input: Partial<CaptureInput>; saved?: Record<string, string> }> = {
  'local-only': { input: {} },
  'lan-only': { input: { local: false, lan: true, interfaces: ['eth1'] }, saved: { 'net.ipv4.ip_forward': '0', 'net.ipv6.conf.all.forwarding': '0' } },
  'local-and-lan': { input: { lan: true, interfaces: ['eth1', 'wlan0'] } },
  'ipv6-off': { input: { lan: true, interfaces: ['eth1'], ipv6: false } },
  'on-failure-closed': { input: { lan: true, interfaces: ['eth1'], onFailure: 'closed' } },
  'bypass-lists': {
    input: {
      lan: true,
      // veth-lan matches the default exclusion veth*: the explicit name wins
      interfaces: ['veth-lan'],
      bypass: ['203.0.113.0/25', '203.0.113.7', '10.1.0.0/16', '2001:db8:3::/48', '192.0.2.130/25'],
      upstreams: ['198.51.100.2', '2001:db8:2::2'],
      excludeInterfaces: ['docker*', 'veth*', 'br-*', 'tun0'],
    },
  },
  'no-dns-redirect': { input: { dnsRedirect: false } },
};

for (const [name, c] of Object.entries(CASES)) {
  test(`renderCapture snapshot: ${name}`, () => {
    const text = renderCapture({ ...BASE, ...c.input }, c.saved);
    const file = join(dir, `${name}.nft`);
    if (process.env.UPDATE_SNAPSHOTS === '1') writeFileSync(file, text);
    assert.equal(text, readFileSync(file, 'utf8'));
  });
}

test('renderCapture: the kernel accepts every snapshot (nft -c in a throwaway namespace)', async (t) => {
  if (!requireRoot(t)) return;
  const lab = new NetnsLab('sy-cap-r');
  t.after(() => lab.destroy());
  const ns = await lab.add('check');
  for (const [name, c] of Object.entries(CASES)) {
    const r = await lab.exec(ns, 'nft', ['-c', '-f', '-'], { input: renderCapture({ ...BASE, ...c.input }, c.saved) });
    assert.equal(r.code, 0, `${name}: ${r.stderr}`);
  }
});

test('renderCapture: the core mark is exempt before anything else, and DNS is never tproxied', () => {
  const text = renderCapture({ ...BASE, lan: true, interfaces: ['eth1'] });
  const pre = text.slice(text.indexOf('chain prerouting'));
  const lines = pre.split('\n').map((l) => l.trim());
  const idx = (s: string) => lines.findIndex((l) => l.startsWith(s));
  assert.ok(idx('meta mark 0x1000 return') < idx('meta l4proto tcp tproxy'));
  assert.ok(idx('meta mark 0x1000 return') < idx('iifname'));
  assert.ok(idx('meta l4proto { tcp, udp } th dport 53 return') < idx('meta l4proto tcp tproxy'));
  assert.doesNotMatch(text, /127\.0\.0\.1/);
  assert.match(text, /tproxy ip to :7893/);
  assert.match(text, /tproxy ip6 to :7893/);
});

test('renderCapture: documentation ranges are not reserved (tests use them as public addresses)', () => {
  const text = renderCapture({ ...BASE, upstreams: [], hostAddresses: [] });
  assert.doesNotMatch(text, /192\.0\.2\.|198\.51\.100\.|203\.0\.113\.|2001:db8/);
});

test('renderCapture: on-failure closed drops instead of returning when the live elements are gone', () => {
  assert.match(renderCapture({ ...BASE, onFailure: 'closed' }), /meta l4proto != @live drop/);
  assert.doesNotMatch(renderCapture({ ...BASE, onFailure: 'open' }), /@live drop/);
});

test('renderCapture: bad input is a SY_ERR_CAPTURE_BAD_INPUT naming the field', () => {
  const bad: Array<[Partial<CaptureInput>, RegExp]> = [
    [{ routingMark: 0 }, /routingMark/],
    [{ mark: 0x1001 }, /no bits in common/],
    [{ tproxyPort: 0 }, /tproxyPort/],
    [{ local: false, lan: false }, /local\/lan/],
    [{ lan: true, interfaces: [] }, /interfaces/],
    [{ table: 254 }, /table/],
    [{ bypass: ['300.1.1.1/8'] }, /bypass\[0\]/],
    [{ upstreams: ['proxy.example'] }, /upstreams\[0\]/],
    [{ interfaces: ['lo'], lan: true }, /interfaces\[0\]/],
  ];
  for (const [patch, re] of bad) {
    assert.throws(
      () => renderCapture({ ...BASE, ...patch }),
      (e: unknown) => isSyError(e) && e.code === 'SY_ERR_CAPTURE_BAD_INPUT' && re.test(e.message),
      JSON.stringify(patch),
    );
  }
});

test('table comment state round-trips and stays within the 128-byte nft comment limit', () => {
  const state = { mark: 0x2d0, table: 720, sysctls: { 'net.ipv4.ip_forward': '0', 'net.ipv6.conf.all.forwarding': '0', 'net.ipv4.ip_early_demux': '1' } };
  const text = encodeState(state);
  assert.ok(text.length <= 128, text);
  assert.deepEqual(decodeState(text), state);
  assert.equal(decodeState('someone else'), null);
  assert.deepEqual(decodeState('sy1 mark=0x2d0 table=720 core.somaxconn=1 ipv4.ip_forward=x ipv4.ip_early_demux=1')?.sysctls, { 'net.ipv4.ip_early_demux': '1' }, 'only the sysctls install changes are restored');
});
