// The engine's GeoIP reader loads the database only when a country is asked for.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openGeoIp, openGeoIpLazy } from '../../../main/rules/geoip.js';
import { SyError } from '../../../main/core/errors.js';

test('a lazy reader answers like the eager one', async () => {
  const eager = await openGeoIp();
  const lazy = openGeoIpLazy();
  for (const ip of ['8.8.8.8', '1.1.1.1', '2001:4860:4860::8888', '192.0.2.1', 'not-an-ip']) assert.equal(lazy.country(ip), eager.country(ip), ip);
  assert.equal(lazy.size, eager.size);
});

test('a missing database is still a start-up error, coded and located', () => {
  assert.throws(() => openGeoIpLazy('/nonexistent/country.mmdb'), (e: unknown) => e instanceof SyError && e.code === 'SY_ERR_RULE_GEOIP_DB' && e.message.includes('/nonexistent/country.mmdb'));
});
