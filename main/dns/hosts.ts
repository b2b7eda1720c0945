// The `hosts:` table: names (Clash wildcards allowed as keys) -> addresses,
// answered locally by the DNS server and used by resolve().
import type { Logger } from '../core/logger.js';
import { NULL_LOGGER } from '../core/logger.js';
import { SyError } from '../core/errors.js';
import { ipFamily, normalizeIp } from '../core/address.js';
import { compileDomainSet, type DomainSet } from './wildcard.js';

export interface HostsTable {
  /** Addresses for `host`, or undefined when no entry matches. */
  lookup(host: string): readonly string[] | undefined;
}

/** Builds the table; bad keys and non-IP values are skipped with coded warnings. */
export function createHostsTable(hosts: Readonly<Record<string, readonly string[]>>, logger: Logger = NULL_LOGGER): HostsTable {
  const entries: [string, readonly string[]][] = [];
  for (const [name, values] of Object.entries(hosts)) {
    const ips: string[] = [];
    for (const v of values) {
      const ip = normalizeIp(v);
      if (ipFamily(ip) === 0) {
        const w = new SyError('SY_ERR_DNS_BAD_PATTERN', { where: `hosts.${name}`, value: v, detail: 'not an IP address (aliases are not supported)' });
        logger.warn(w.message, { code: w.code });
      } else ips.push(ip);
    }
    if (ips.length > 0) entries.push([name, ips]);
  }
  const compiled = compileDomainSet(entries, 'hosts');
  for (const w of compiled.warnings) logger.warn(w.message, { code: w.code });
  const set: DomainSet<readonly string[]> = compiled.set;
  return { lookup: (h) => set.lookup(h) };
}
