// `fallback-filter` (mihomo dns/filters.go, dns/resolver.go ipExchange): with
// `fallback` servers configured, an A/AAAA question
//  - whose name matches `domain` (Clash patterns) or a `geosite` category
//    goes to the fallback servers only;
//  - otherwise goes to the main servers; their answer is kept when it has
//    addresses and none is distrusted, else the fallback servers' answer is used.
// An address is distrusted when it lies in `ipcidr`, or, with `geoip` (default
// on), when GeoIP knows its country and that is not `geoip-code` (default CN)
// and it is not private (10/8, 172.16/12, 192.168/16, fc00::/7) — mihomo's
// rule: an address of unknown country is trusted.
import { BlockList } from 'node:net';
import type { Logger } from '../core/logger.js';
import { NULL_LOGGER } from '../core/logger.js';
import { SyError } from '../core/errors.js';
import { ipFamily, normalizeIp } from '../core/address.js';
import { compileOrderedPolicy, type DomainMatcherFactory } from './policy.js';

export interface FallbackFilter {
  /** Default true. */
  readonly geoip?: boolean;
  /** ISO country code, default CN (case-insensitive). */
  readonly geoipCode?: string;
  /** CIDRs whose addresses in a main answer are distrusted. */
  readonly ipcidr?: readonly string[];
  /** Clash domain patterns sent to the fallback servers directly. */
  readonly domain?: readonly string[];
  /** geosite categories sent to the fallback servers directly. */
  readonly geosite?: readonly string[];
}

/** Country code (any case) of an address, or null when unknown. */
export type GeoIpLookup = (ip: string) => string | null;

export interface CompiledFallbackFilter {
  /** The name goes to the fallback servers only. */
  onlyFallback(host: string): boolean;
  /** This address in a main answer means: use the fallback answer. */
  distrusts(ip: string): boolean;
}

const PRIVATE = new BlockList();
PRIVATE.addSubnet('10.0.0.0', 8, 'ipv4');
PRIVATE.addSubnet('172.16.0.0', 12, 'ipv4');
PRIVATE.addSubnet('192.168.0.0', 16, 'ipv4');
PRIVATE.addSubnet('fc00::', 7, 'ipv6');

export function compileFallbackFilter(f: FallbackFilter, deps: { geoip?: GeoIpLookup; matchers?: DomainMatcherFactory; logger?: Logger } = {}): CompiledFallbackFilter {
  const log = deps.logger ?? NULL_LOGGER;
  const where = 'dns.fallback-filter';
  const ranges = new BlockList();
  (f.ipcidr ?? []).forEach((c, i) => {
    const [addr, bits] = c.trim().split('/');
    const ip = normalizeIp(addr ?? '');
    const fam = ipFamily(ip);
    const n = Number(bits);
    if (fam === 0 || bits === undefined || !/^\d+$/.test(bits) || n > (fam === 4 ? 32 : 128)) {
      const w = new SyError('SY_ERR_DNS_BAD_PATTERN', { where: `${where}.ipcidr[${i}]`, value: c, expected: 'a CIDR such as 240.0.0.0/4' });
      return void log.warn(w.message, { code: w.code });
    }
    ranges.addSubnet(ip, n, fam === 4 ? 'ipv4' : 'ipv6');
  });
  const names = compileOrderedPolicy(
    [...(f.domain ?? []).map((d) => [d, true] as const), ...(f.geosite ?? []).map((g) => [`geosite:${g}`, true] as const)],
    where,
    deps.matchers,
    log,
  );
  const useGeoip = f.geoip ?? true;
  const code = (f.geoipCode ?? 'CN').toUpperCase();
  if (useGeoip && !deps.geoip) {
    const w = new SyError('SY_ERR_DNS_POLICY_INACTIVE', { where: `${where}.geoip`, value: true, detail: 'no GeoIP database is available to the DNS resolver; answers are not checked by country' });
    log.warn(w.message, { code: w.code });
  }
  return {
    onlyFallback: (host) => names(host) === true,
    distrusts(raw) {
      const ip = normalizeIp(raw);
      const fam = ipFamily(ip);
      if (fam === 0) return false;
      const type = fam === 4 ? 'ipv4' : 'ipv6';
      if (ranges.check(ip, type)) return true;
      if (!useGeoip || !deps.geoip || PRIVATE.check(ip, type)) return false;
      let cc: string | null;
      try {
        cc = deps.geoip(ip);
      } catch {
        cc = null;
      }
      return !!cc && cc.toUpperCase() !== code;
    },
  };
}
