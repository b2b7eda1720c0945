// The ASN database for IP-ASN / SRC-IP-ASN: a MaxMind-format mmdb with the
// GeoLite2-ASN fields (`autonomous_system_number`,
// `autonomous_system_organization`). mihomo's layout keeps it beside the
// config as `ASN.mmdb` (also accepted: `GeoLite2-ASN.mmdb`). Missing data is
// not an error: the rules load as inactive (see compile.ts).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Reader, type Response } from 'maxmind';
import { normalizeIp } from '../core/address.js';
import { SyError } from '../core/errors.js';
import type { AsnReader } from './matchers/asn.js';

export type { AsnReader } from './matchers/asn.js';

export const ASN_FILES = ['ASN.mmdb', 'GeoLite2-ASN.mmdb'] as const;

interface AsnRecord {
  autonomous_system_number?: number;
  autonomous_system_organization?: string;
}

/** Lookups over an mmdb buffer. Throws SY_ERR_RULE_ASN_DB when the buffer is no mmdb. */
export class MmdbAsn implements AsnReader {
  readonly size: number;
  private readonly reader: Reader<Response>;
  constructor(db: Buffer, where: string) {
    try {
      this.reader = new Reader<Response>(db);
    } catch (e) {
      throw new SyError('SY_ERR_RULE_ASN_DB', { where, cause: e, expected: 'a MaxMind-format ASN database (GeoLite2-ASN layout)' });
    }
    this.size = this.reader.metadata.nodeCount;
  }
  asn(ip: string): number | null {
    const n = normalizeIp(ip);
    if (!n) return null;
    try {
      const r = this.reader.get(n) as AsnRecord | null;
      const v = r?.autonomous_system_number;
      return typeof v === 'number' ? v : null;
    } catch {
      return null;
    }
  }
  /** The organisation name (for `match` output and tests). */
  organization(ip: string): string | null {
    const n = normalizeIp(ip);
    try {
      const r = n ? (this.reader.get(n) as AsnRecord | null) : null;
      return r?.autonomous_system_organization ?? null;
    } catch {
      return null;
    }
  }
}

/** The ASN file in `dir`, or null when there is none. */
export function findAsnFile(dir: string): string | null {
  for (const f of ASN_FILES) {
    const p = join(dir, f);
    if (existsSync(p)) return p;
  }
  return null;
}

/** Opens the ASN database in `dir`; null when absent; throws SY_ERR_RULE_ASN_DB when unreadable or malformed. */
export function openAsnIn(dir: string): MmdbAsn | null {
  const file = findAsnFile(dir);
  if (!file) return null;
  let db: Buffer;
  try {
    db = readFileSync(file);
  } catch (e) {
    throw new SyError('SY_ERR_RULE_ASN_DB', { where: file, cause: e });
  }
  return new MmdbAsn(db, file);
}
