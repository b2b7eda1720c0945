// rules/default.yaml: the bundled config loads cleanly and is safe by default.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../../main/config/load.js';
import { splitRuleLine } from '../../../main/config/rule-line.js';

const DEFAULT = fileURLToPath(new URL('../../../rules/default.yaml', import.meta.url));

test('the bundled default config loads with no errors and no warnings', async () => {
  const r = await loadConfig(DEFAULT);
  assert.deepEqual(r.errors.map((e) => e.message), []);
  assert.deepEqual(r.warnings.map((e) => e.message), []);
});

test('the bundled default is safe: no capture, loopback listeners, fake-ip DNS, private ranges DIRECT, MATCH,DIRECT last', async () => {
  const c = (await loadConfig(DEFAULT)).config!;
  assert.equal(c.capture.enable, false);
  assert.equal(c.allowLan, false);
  assert.equal(c.externalController, '127.0.0.1:9090');
  assert.deepEqual([c.dns.enable, c.dns.listen, c.dns.enhancedMode], [true, '127.0.0.1:1053', 'fake-ip']);
  const rules = c.rules.map((r) => splitRuleLine(r.raw));
  assert.deepEqual(rules[0], { type: 'GEOIP', payload: 'LAN', target: 'DIRECT', params: ['no-resolve'] });
  assert.ok(rules.some((r) => r.type === 'IP-CIDR' && r.payload === '192.168.0.0/16' && r.params.includes('no-resolve')));
  assert.deepEqual(rules.at(-1), { type: 'MATCH', payload: '', target: 'DIRECT', params: [] });
  assert.equal(c.routingMark & c.capture.mark, 0);
});
