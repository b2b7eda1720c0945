// The ASN database of IP-ASN / SRC-IP-ASN as geodata handles it: where it
// lives (`ASN.mmdb`, also `GeoLite2-ASN.mmdb`, in the config home — mihomo's
// layout), mihomo's default `geox-url.asn`, and a validating open: the file
// must be a MaxMind DB whose records carry GeoLite2-ASN fields
// (`autonomous_system_number`), which is also how a download is checked
// before it replaces the last good copy.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Reader, type Response } from 'maxmind';
import { SyError } from '../core/errors.js';

export const ASN_FILE_NAMES = ['ASN.mmdb', 'GeoLite2-ASN.mmdb'] as const;
/** mihomo's default `geox-url.asn`. */
export const DEFAULT_ASN_URL = 'https://github.com/xishang0128/geoip/releases/download/latest/GeoLite2-ASN.mmdb';
/** Far above real GeoLite2-ASN files (~10 MB). */
export const ASN_SIZE_LIMIT = 64 * 1024 * 1024;

interface AsnRecord {
  autonomous_system_number?: number;
  autonomous_system_organization?: string;
}

/** AS number lookups (the shape rules/matchers/asn.ts AsnReader expects). */
export interface AsnLookup {
  asn(ip: string): number | null;
  readonly size?: number;
}

/** The ASN file in `home`; '' when none. */
export function findAsn(home: string): string {
  for (const f of ASN_FILE_NAMES) {
    const p = join(home, f);
    try {
      if (statSync(p).isFile()) return p;
    } catch {
      /* next */
    }
  }
  return '';
}

/** Where a download goes: the existing file, else `<home>/ASN.mmdb`. */
export function asnTarget(home: string): string {
  return findAsn(home) || join(home, ASN_FILE_NAMES[0]);
}

export function asnHint(home: string, configFile = ''): string {
  return `no ${ASN_FILE_NAMES[0]} in ${home}; it is downloaded from geox-url.asn when running, or run \`switchyard geo update --asn${configFile ? ` --config ${configFile}` : ''}\``;
}

/**
 * Opens an ASN database held in memory. Throws SY_ERR_RULE_ASN_DB when it is
 * no MaxMind DB, or its database type / records are not GeoLite2-ASN shaped.
 */
export function openAsnBuffer(db: Buffer, where: string): AsnLookup & { organization(ip: string): string | null } {
  let reader: Reader<Response>;
  try {
    reader = new Reader<Response>(db);
  } catch (cause) {
    throw new SyError('SY_ERR_RULE_ASN_DB', { where, cause, expected: 'a MaxMind-format ASN database (GeoLite2-ASN layout)' });
  }
  const type = String(reader.metadata.databaseType ?? '');
  if (!/asn/i.test(type)) {
    throw new SyError('SY_ERR_RULE_ASN_DB', { where, value: type, expected: 'a database of type GeoLite2-ASN (or another *ASN* type)', detail: 'this mmdb is not an ASN database' });
  }
  const get = (ip: string): AsnRecord | null => {
    try {
      return reader.get(ip) as AsnRecord | null;
    } catch {
      return null;
    }
  };
  return {
    size: reader.metadata.nodeCount,
    asn: (ip) => {
      const v = get(ip)?.autonomous_system_number;
      return typeof v === 'number' ? v : null;
    },
    organization: (ip) => get(ip)?.autonomous_system_organization ?? null,
  };
}

/** Addresses every real GeoLite2-ASN database holds (anycast resolvers); never contacted, only looked up. */
const PROBES = ['1.1.1.1', '8.8.8.8', '9.9.9.9', '208.67.222.222'] as const;

/**
 * Validates a downloaded body before it replaces the last good copy: a
 * MaxMind DB of an ASN type, non-empty, and any record found at the probe
 * addresses carries a numeric `autonomous_system_number` (GeoLite2-ASN
 * fields). Returns a summary; throws SY_ERR_RULE_ASN_DB.
 */
export function validateAsn(db: Buffer, where: string): string {
  const r = openAsnBuffer(db, where);
  if ((r.size ?? 0) === 0) throw new SyError('SY_ERR_RULE_ASN_DB', { where, detail: 'the database is empty' });
  let reader: Reader<Response>;
  try {
    reader = new Reader<Response>(db);
  } catch (cause) {
    throw new SyError('SY_ERR_RULE_ASN_DB', { where, cause });
  }
  for (const ip of PROBES) {
    let rec: unknown;
    try {
      rec = reader.get(ip);
    } catch {
      rec = null;
    }
    if (rec && typeof (rec as AsnRecord).autonomous_system_number !== 'number') {
      throw new SyError('SY_ERR_RULE_ASN_DB', { where, value: ip, detail: 'its records lack autonomous_system_number (not GeoLite2-ASN fields)' });
    }
  }
  return `${String(reader.metadata.databaseType)}, ${r.size} nodes`;
}

/** Opens `path` now; SY_ERR_RULE_ASN_DB when unreadable or malformed. */
export function openAsnFile(path: string): AsnLookup {
  let db: Buffer;
  try {
    db = readFileSync(path);
  } catch (cause) {
    throw new SyError('SY_ERR_RULE_ASN_DB', { where: path, cause });
  }
  return openAsnBuffer(db, path);
}

/**
 * Opens `path` on the first lookup (a classical rule set may hold IP-ASN
 * lines; the file is read only when one is evaluated). A file that turns out
 * unreadable answers null (never matches) and is reported once via `onError`.
 */
export function lazyAsn(path: string, onError: (e: SyError) => void = () => {}): AsnLookup {
  let r: AsnLookup | null | undefined;
  return {
    asn(ip) {
      if (r === undefined) {
        try {
          r = openAsnFile(path);
        } catch (e) {
          r = null;
          onError(e as SyError);
        }
      }
      return r ? r.asn(ip) : null;
    },
  };
}
