// GEOIP: the country of the address (one lookup per connection, cached in the
// MatchState), compared case-insensitively. `LAN` needs no database: private,
// loopback, unspecified, multicast, link-local or broadcast addresses.
import type { Cond } from '../cond.js';
import type { MatchCtx } from '../ctx.js';
import { normalizeIp } from '../../core/address.js';
import { parsePrefix, type Addr } from '../ip.js';
import { IpSet } from '../sets/ip-set.js';
import { fail } from './params.js';

/** Country lookups (see rules/geoip.ts). */
export interface GeoIpReader {
  /** ISO country code, upper case; null when unknown. */
  country(ip: string): string | null;
  /** Entries in the database (for /rules size), -1 if unknown. */
  readonly size?: number;
  /** Faster lookup on an already parsed address (`ip` is its text as written, not normalised). */
  countryAddr?(a: Addr, ip: string): string | null;
}

const LAN_PREFIXES = [
  '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7', // private
  '127.0.0.0/8', '::1/128', // loopback
  '0.0.0.0/32', '::/128', // unspecified
  '224.0.0.0/4', 'ff00::/8', // multicast
  '169.254.0.0/16', 'fe80::/10', // link-local
  '255.255.255.255/32', // broadcast
];

/** The LAN set, built once per compile (cheap: 13 prefixes). */
export function lanSet(): IpSet {
  const s = new IpSet();
  for (const p of LAN_PREFIXES) s.add(parsePrefix(p)!);
  return s.build();
}

export class GeoIpCond implements Cond {
  readonly needsProcess = false;
  readonly needsIp: boolean;
  readonly size: number;
  constructor(
    readonly code: string,
    private readonly geo: GeoIpReader | null,
    private readonly lan: IpSet | null,
    readonly onSource: boolean,
  ) {
    this.needsIp = !onSource;
    this.size = geo?.size ?? -1;
  }

  match(c: MatchCtx, swap: boolean): boolean {
    const useSrc = this.onSource !== swap;
    const a: Addr = useSrc ? c.src : c.dst;
    if (a.fam === 0) return false;
    if (this.lan) return this.lan.has(a);
    let cc = useSrc ? c.srcCountry : c.dstCountry;
    if (cc === undefined) {
      const geo = this.geo;
      const raw = useSrc ? c.meta.srcIP : c.meta.dstIP;
      cc = geo === null ? null : geo.countryAddr ? geo.countryAddr(a, raw) : geo.country(normalizeIp(raw));
      cc = cc ? cc.toUpperCase() : null;
      if (useSrc) c.srcCountry = cc;
      else c.dstCountry = cc;
    }
    return cc === this.code;
  }
}

export function compileGeoIp(payload: string, geo: GeoIpReader | null, onSource: boolean, where: string): Cond {
  const code = payload.trim().toUpperCase();
  if (!/^[A-Z]{2}$/.test(code) && code !== 'LAN') {
    fail('SY_ERR_RULE_BAD_COUNTRY', where, payload, 'a two-letter ISO country code (CN, US, ...) or LAN');
  }
  return new GeoIpCond(code, geo, code === 'LAN' ? lanSet() : null, onSource);
}
