// A TargetCheck built from the config alone (for `switchyard match` and
// tests): built-ins and groups are usable, PASS falls through, a socks5 proxy
// with `udp: false` cannot take UDP, an unknown name is missing. Proxy types
// switchyard does not relay yet still count as present (a later issue).
import type { Config } from '../config/types.js';
import type { Network } from '../core/metadata.js';
import type { TargetCheck, TargetStatus } from '../core/rule.js';

const BUILT_IN = new Set(['DIRECT', 'REJECT', 'REJECT-DROP', 'GLOBAL', 'COMPATIBLE']);

export function configTargetCheck(config: Pick<Config, 'proxies' | 'proxyGroups'>): TargetCheck {
  const tcpOnly = new Set<string>();
  const known = new Set<string>(BUILT_IN);
  for (const p of config.proxies) {
    known.add(p.name);
    if (!p.udp) tcpOnly.add(p.name);
  }
  for (const g of config.proxyGroups) known.add(g.name);
  return {
    status(target: string, network: Network): TargetStatus {
      if (target === 'PASS') return 'pass';
      if (!known.has(target)) return 'missing';
      if (network === 'udp' && tcpOnly.has(target)) return 'no-udp';
      return 'ok';
    },
  };
}
