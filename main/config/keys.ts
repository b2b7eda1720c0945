// Which keys a section knows, which Clash/mihomo keys are accepted but
// ignored, and "did you mean" suggestions for the rest.
import type { Diagnostics } from './diagnostics.js';
import type { LEntry } from './yaml-tree.js';

/** Top-level Clash/mihomo keys switchyard accepts without implementing them. */
export const IGNORED_TOP_KEYS: ReadonlySet<string> = new Set([
  'port', 'socks-port', 'redir-port', 'tun', 'profile', 'experimental', 'geodata-mode', 'geodata-loader',
  'geosite-matcher', 'global-client-fingerprint',
  'unified-delay', 'tcp-concurrent', 'keep-alive-interval', 'keep-alive-idle', 'disable-keep-alive',
  'authentication', 'skip-auth-prefixes', 'lan-allowed-ips', 'lan-disallowed-ips', 'interface-name',
  'sub-rules', 'listeners', 'ntp', 'external-controller-tls', 'external-controller-unix',
  'external-controller-pipe', 'external-ui-name', 'external-ui-url', 'external-doh-server', 'tls', 'global-ua',
  'etag-support', 'iptables', 'ebpf', 'auto-redir', 'inbound-tfo', 'inbound-mptcp', 'tunnels', 'script',
  'clash-for-android', 'store-selected', 'store-fake-ip', 'routing-mark6', 'sniffing', 'mmdb', 'asn',
  'geoip-matcher', 'udp-timeout', 'tproxy-port6', 'mixed-port6', 'direct-nameserver',
]);

/** dns: keys of mihomo that switchyard accepts and ignores. */
export const IGNORED_DNS_KEYS: ReadonlySet<string> = new Set([
  'prefer-h3', 'cache-algorithm', 'fake-ip-filter-mode',
  'direct-nameserver', 'direct-nameserver-follow-policy', 'use-system-hosts', 'cache-size',
  'fake-ip-ttl', 'fake-ip-range6-ttl', 'prefer-ipv6',
]);

/** sniffer: keys of mihomo that switchyard accepts and ignores. */
export const IGNORED_SNIFFER_KEYS: ReadonlySet<string> = new Set([
  'force-dns-mapping', 'parse-pure-ip', 'override-destination', 'sniff', 'force-domain', 'skip-domain',
  'skip-src-address', 'skip-dst-address', 'sniffing', 'port-whitelist',
]);

/** Keys of pre-1.0 Clash configs, renamed since; the config loads without them, so say how to fix it. */
export const LEGACY_TOP_KEYS: Readonly<Record<string, string>> = {
  Proxy: 'proxies',
  'Proxy Group': 'proxy-groups',
  Rule: 'rules',
  'proxy-provider': 'proxy-providers',
};

/** Clash for Windows writes `cfw-*` keys into profiles. */
export function isIgnoredTopKey(key: string): boolean {
  return IGNORED_TOP_KEYS.has(key) || key.startsWith('cfw-');
}

/** Levenshtein distance, bounded by small strings (keys). */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}

/** The closest known key, if it is close enough to be a likely typo. */
export function suggestKey(key: string, known: Iterable<string>): string | undefined {
  const k = key.toLowerCase().replace(/_/g, '-');
  let best: string | undefined;
  let bestD = Infinity;
  for (const cand of known) {
    const d = editDistance(k, cand);
    if (d < bestD) {
      bestD = d;
      best = cand;
    }
  }
  const limit = Math.max(1, Math.min(3, Math.floor(k.length / 3)));
  return best !== undefined && bestD <= limit && best !== key ? best : undefined;
}

/**
 * Report a key with no handler: an ignored Clash key (warning, recorded in
 * `ignored`) or an unknown one (warning with a suggestion).
 */
export function reportOtherKey(
  d: Diagnostics,
  e: LEntry,
  path: string,
  known: Iterable<string>,
  ignoredSet: (key: string) => boolean,
  ignored: { key: string; where: string }[],
): void {
  if (ignoredSet(e.key)) {
    const w = d.warn('SY_ERR_CONFIG_IGNORED_KEY', e.keyPos, path, { value: e.key });
    ignored.push({ key: path, where: w.context.where as string });
    return;
  }
  const renamed = Object.prototype.hasOwnProperty.call(LEGACY_TOP_KEYS, e.key) && !path.includes('.') ? LEGACY_TOP_KEYS[e.key] : undefined;
  if (renamed !== undefined) {
    d.warn('SY_ERR_CONFIG_UNKNOWN_KEY', e.keyPos, path, { value: e.key, detail: `an old Clash key, ignored; it is now called "${renamed}"`, expected: `"${renamed}:"` });
    return;
  }
  const colon = /^([^:\s]+):(\S.*)$/.exec(e.key);
  if (colon && [...known].includes(colon[1]!)) {
    d.warn('SY_ERR_CONFIG_UNKNOWN_KEY', e.keyPos, path, {
      value: e.key,
      detail: `a space is missing after the colon, so YAML reads one key "${e.key}" with no value`,
      expected: `"${colon[1]}: ${colon[2]}"`,
    });
    return;
  }
  const hint = suggestKey(e.key, known);
  d.warn('SY_ERR_CONFIG_UNKNOWN_KEY', e.keyPos, path, {
    value: e.key,
    detail: hint ? `did you mean "${hint}"?` : undefined,
    expected: hint ? undefined : 'a Clash/mihomo or switchyard key (see docs/config.md)',
  });
}
