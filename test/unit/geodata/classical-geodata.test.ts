// GEOSITE and IP-ASN lines inside a classical rule set (mihomo allows both)
// match with the same data as top-level rules: GeoSite.dat beside the config,
// ASN.mmdb in the home. Without the data they stay inactive (never match),
// and the set's other lines still work.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NULL_LOGGER } from '../../../main/core/logger.js';
import { newMetadata } from '../../../main/core/metadata.js';
import { buildRuleStack } from '../../../main/providers/rule-stack.js';
import { DOMAIN_TYPE as T, encodeGeoSite } from '../../../main/geodata/geosite.js';
import { buildMmdb } from '../rules/mmdb-writer.js';

const root = mkdtempSync(join(tmpdir(), 'sy-geo-cls-'));
after(() => rmSync(root, { recursive: true, force: true }));

const CONFIG = `
rule-providers:
  cls:
    type: file
    behavior: classical
    format: text
    path: ./cls.list
rules:
  - RULE-SET,cls,REJECT
  - MATCH,DIRECT
`;
const LIST = ['GEOSITE,testcat', 'IP-ASN,64500,no-resolve', 'DOMAIN,plain.example'].join('\n');

function home(name: string, withData: boolean): string {
  const d = join(root, name);
  mkdirSync(d);
  writeFileSync(join(d, 'config.yaml'), CONFIG);
  writeFileSync(join(d, 'cls.list'), LIST);
  if (withData) {
    writeFileSync(join(d, 'GeoSite.dat'), encodeGeoSite({ TESTCAT: [{ type: T.Domain, value: 'cat.example' }] }));
    writeFileSync(join(d, 'ASN.mmdb'), buildMmdb([['198.51.100.0/24', { autonomous_system_number: 64500, autonomous_system_organization: 'Doc AS' }]], 'GeoLite2-ASN'));
  }
  return join(d, 'config.yaml');
}

async function target(file: string, host: string, ip = ''): Promise<string> {
  const s = await buildRuleStack(file, NULL_LOGGER);
  assert.deepEqual(s.errors.map((e) => e.message), []);
  const d = await s.engine!.decide(newMetadata({ network: 'tcp', type: 'Inner', host, dstIP: ip, dstPort: 443 }), { resolver: { resolve: async () => [] } });
  return d.target;
}

test('GEOSITE and IP-ASN in a classical set match with the data beside the config', async () => {
  const f = home('with', true);
  assert.equal(await target(f, 'www.cat.example'), 'REJECT', 'GEOSITE,testcat inside the set');
  assert.equal(await target(f, '', '198.51.100.7'), 'REJECT', 'IP-ASN,64500 inside the set');
  assert.equal(await target(f, '', '203.0.113.7'), 'DIRECT');
  assert.equal(await target(f, 'other.example'), 'DIRECT');
});

test('without data those lines are inactive; the rest of the set still matches', async () => {
  const f = home('without', false);
  const s = await buildRuleStack(f, NULL_LOGGER);
  assert.deepEqual(s.errors, []);
  const codes = s.warnings.map((w) => w.code);
  assert.ok(codes.includes('SY_ERR_RULE_GEOSITE_MISSING') && codes.includes('SY_ERR_RULE_ASN_MISSING'), codes.join(','));
  assert.equal(await target(f, 'www.cat.example'), 'DIRECT');
  assert.equal(await target(f, '', '198.51.100.7'), 'DIRECT');
  assert.equal(await target(f, 'plain.example'), 'REJECT');
});
