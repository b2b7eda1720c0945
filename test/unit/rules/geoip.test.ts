// GeoIP through the bundled DB-IP Lite Country database (an npm dependency).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countryOf, defaultGeoIpPath, openGeoIp } from '../../../main/rules/geoip.js';
import { SyError } from '../../../main/core/errors.js';
import { decide, engineFor, meta } from './helpers.js';

test('the bundled database answers ISO codes in upper case; unknown and invalid IPs give null', async () => {
  const geo = await openGeoIp();
  assert.match(defaultGeoIpPath(), /dbip-country\.mmdb$/);
  // Find public addresses the database places somewhere instead of hard-coding a country.
  const probe = ['1.0.1.1', '8.8.8.8', '9.9.9.9', '23.1.1.1', '41.1.1.1', '101.1.1.1', '2001:4860::1'];
  const known = probe.map((ip) => [ip, geo.country(ip)] as const).filter(([, c]) => c !== null);
  assert.ok(known.length >= 3, 'the database knows public addresses');
  for (const [, c] of known) assert.match(c!, /^[A-Z]{2}$/);
  assert.equal(geo.country('192.0.2.1'), null, 'documentation range: no country');
  assert.equal(geo.country('not-an-ip'), null);
  assert.equal(geo.country(''), null);
  // The engine compares case-insensitively against the rule's code.
  const [ip, cc] = known[0]!;
  const { engine } = await engineFor([`GEOIP,${cc!.toLowerCase()},G`, 'MATCH,DIRECT'], { geoip: geo });
  assert.equal((await decide(engine, meta({ dstIP: ip }))).target, 'G');
  assert.equal((await decide(engine, meta({ dstIP: '192.0.2.1' }))).target, 'DIRECT');
});

test('both record shapes: DB-IP country_code and MaxMind country.iso_code / registered_country', () => {
  assert.equal(countryOf({ country_code: 'cn' }), 'CN');
  assert.equal(countryOf({ country: { iso_code: 'DE' }, registered_country: { iso_code: 'FR' } }), 'DE');
  assert.equal(countryOf({ registered_country: { iso_code: 'FR' } }), 'FR');
  assert.equal(countryOf({}), null);
  assert.equal(countryOf(null), null);
});

test('a missing database file is a coded error naming the path', async () => {
  await assert.rejects(openGeoIp('/nonexistent/GeoLite2-Country.mmdb'), (e: unknown) => e instanceof SyError && e.code === 'SY_ERR_RULE_GEOIP_DB' && e.message.includes('/nonexistent/GeoLite2-Country.mmdb'));
});

test('the direct tree walk (with its IPv4 jump table) answers as the maxmind reader for random addresses', async () => {
  const { parseAddr, emptyAddr } = await import('../../../main/rules/ip.js');
  const geo = await openGeoIp();
  let seed = 99;
  const rnd = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed;
  };
  let known = 0;
  for (let i = 0; i < 20_000; i++) {
    const x = rnd();
    const ip = i % 10 === 9
      ? `2${(x & 0xfff).toString(16).padStart(3, '0')}:${(rnd() & 0xffff).toString(16)}::${(rnd() & 0xffff).toString(16)}`
      : `${x >>> 24}.${(x >>> 16) & 255}.${(x >>> 8) & 255}.${x & 255}`;
    const a = emptyAddr();
    parseAddr(ip, a);
    const want = geo.country(ip);
    if (want !== null) known++;
    assert.equal(geo.countryAddr!(a, ip), want, ip);
  }
  assert.ok(known > 10_000, `most random addresses have a country (${known})`);
});
