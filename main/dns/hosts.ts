// The `hosts:` table with Clash/mihomo semantics: keys are names or Clash
// wildcards (`*.x`, `+.x`, `.x`); a value is one address or a list of
// addresses (v4 and v6 mixed), or one domain name, an alias that is answered
// as a CNAME to that name and resolved as that name. Answered locally by the
// DNS server and used by resolve(); `dns.use-hosts: false` turns it off.
import type { Logger } from '../core/logger.js';
import { NULL_LOGGER } from '../core/logger.js';
import { SyError } from '../core/errors.js';
import { ipFamily, normalizeHost, normalizeIp } from '../core/address.js';
import { compileDomainSet, type DomainSet } from './wildcard.js';

export interface HostsTable {
  /** Addresses for `host`, or undefined when no address entry matches (also for aliases). */
  lookup(host: string): readonly string[] | undefined;
  /** The name `host` is an alias of, or undefined. */
  alias?(host: string): string | undefined;
}

type Entry = { readonly ips: readonly string[] } | { readonly alias: string };

/** Builds the table; bad keys and values are skipped with coded warnings. */
export function createHostsTable(hosts: Readonly<Record<string, readonly string[]>>, logger: Logger = NULL_LOGGER): HostsTable {
  const entries: [string, Entry][] = [];
  const warn = (name: string, v: string, detail: string) => {
    const w = new SyError('SY_ERR_DNS_BAD_PATTERN', { where: `hosts.${name}`, value: v, detail });
    logger.warn(w.message, { code: w.code });
  };
  for (const [name, values] of Object.entries(hosts)) {
    const ips: string[] = [];
    const names: string[] = [];
    for (const v of values) {
      const ip = normalizeIp(v);
      if (ipFamily(ip) !== 0) ips.push(ip);
      else if (normalizeHost(v) && normalizeHost(v).includes('.')) names.push(normalizeHost(v));
      else warn(name, v, 'not an IP address or a domain name');
    }
    if (ips.length > 0) {
      for (const n of names) warn(name, n, 'a domain alias cannot be mixed with addresses (skipped)');
      entries.push([name, { ips }]);
    } else if (names.length > 0) {
      for (const n of names.slice(1)) warn(name, n, 'only one domain alias per name (skipped)');
      entries.push([name, { alias: names[0]! }]);
    }
  }
  const compiled = compileDomainSet(entries, 'hosts');
  for (const w of compiled.warnings) logger.warn(w.message, { code: w.code });
  const set: DomainSet<Entry> = compiled.set;
  return {
    lookup: (h) => {
      const e = set.lookup(h);
      return e && 'ips' in e ? e.ips : undefined;
    },
    alias: (h) => {
      const e = set.lookup(h);
      return e && 'alias' in e && e.alias !== normalizeHost(h) ? e.alias : undefined;
    },
  };
}
