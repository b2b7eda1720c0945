// dns.fallback-filter, proxy-server-nameserver and respect-rules are read (not ignored).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../../../main/config/load.js';

const FILE = '/tmp/sy-config-test/config.yaml';

test('dns.fallback-filter, proxy-server-nameserver and respect-rules reach DnsConfig', () => {
  const r = parseConfig(
    `dns:
  enable: true
  nameserver: [192.0.2.53]
  fallback: [tls://198.51.100.53]
  fallback-filter:
    geoip: true
    geoip-code: CN
    ipcidr: [240.0.0.0/4]
    domain: ['+.example.org']
  proxy-server-nameserver: [https://203.0.113.53/dns-query]
  respect-rules: false
`,
    FILE,
  );
  assert.deepEqual(r.errors, []);
  assert.equal(r.warnings.filter((w) => /fallback-filter|proxy-server|respect-rules/.test(w.message)).length, 0, 'not reported as ignored');
  const dns = r.config!.dns;
  assert.deepEqual(dns.fallbackFilter, { geoip: true, geoipCode: 'CN', ipcidr: ['240.0.0.0/4'], domain: ['+.example.org'], geosite: [] });
  assert.deepEqual(dns.proxyServerNameserver, ['https://203.0.113.53/dns-query']);
  assert.equal(dns.respectRules, false);
});

test('a bad fallback-filter CIDR is a located error; an unknown filter key a located warning', () => {
  const r = parseConfig('dns:\n  fallback-filter:\n    ipcidr: [nope]\n    bogus: 1\n', FILE);
  const e = r.errors.find((x) => x.code === 'SY_ERR_CONFIG_BAD_ADDRESS');
  assert.ok(e, JSON.stringify(r.errors.map((x) => x.message)));
  assert.match(e.message, /:3:14 dns\.fallback-filter\.ipcidr\[0\]/);
  assert.match(e.message, /"nope"/);
  assert.ok(r.warnings.some((w) => /dns\.fallback-filter\.bogus/.test(w.message)));
});
