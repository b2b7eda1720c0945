// What renderCapture/planRouting need: the `capture:` config plus facts only
// known at run time (ports, the core's routing mark, upstream and host addresses).
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import type { CaptureConfig, Config } from '../config/types.js';
import { SyError } from '../core/errors.js';
import { parseHostPort } from '../core/address.js';
import { parsePrefix } from './cidr.js';

export interface CaptureInput extends CaptureConfig {
  /** the TPROXY listener port (TCP and UDP) */
  readonly tproxyPort: number;
  /** the DNS listener port; 0 = no DNS redirect (also when dnsRedirect is false) */
  readonly dnsPort: number;
  /** SO_MARK of the core's own sockets: exempt before anything else (no loops) */
  readonly routingMark: number;
  /** IP addresses of the upstream proxy servers: never captured */
  readonly upstreams: readonly string[];
  /** this host's own addresses or connected subnets (CIDRs): never captured (fib `local` covers the addresses too) */
  readonly hostAddresses: readonly string[];
}

/**
 * Ranges never captured: unspecified, private, CGNAT, loopback, link-local,
 * multicast, reserved, broadcast; v6 loopback, link-local, ULA, multicast.
 * NOTE: the documentation ranges (192.0.2/24, 198.51.100/24, 203.0.113/24,
 * 2001:db8::/32) are deliberately absent: the tests use them as public addresses.
 * So is 198.18.0.0/15: it is the default fake-ip range, which must be captured.
 */
export const RESERVED_V4: readonly string[] = [
  '0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16',
  '172.16.0.0/12', '192.168.0.0/16', '224.0.0.0/4', '240.0.0.0/4', '255.255.255.255/32',
];
export const RESERVED_V6: readonly string[] = ['::/128', '::1/128', 'fe80::/10', 'fc00::/7', 'ff00::/8'];

/**
 * Builds the input from a loaded config and the runtime facts. dnsPort
 * defaults to the port of `dns.listen` when DNS is enabled (else 0: no redirect);
 * hostAddresses defaults to this host's interface addresses (localAddresses()).
 */
export function captureInputFrom(
  config: Pick<Config, 'capture' | 'tproxyPort' | 'routingMark' | 'dns'>,
  facts: { upstreams: readonly string[]; hostAddresses?: readonly string[]; dnsPort?: number },
): CaptureInput {
  const listen = parseHostPort(config.dns.listen);
  const dnsPort = facts.dnsPort ?? (config.dns.enable && listen ? listen.port : 0);
  return {
    ...config.capture,
    tproxyPort: config.tproxyPort,
    routingMark: config.routingMark,
    dnsPort,
    upstreams: facts.upstreams,
    hostAddresses: facts.hostAddresses ?? localAddresses(),
  };
}

/**
 * This host's interface addresses with their connected subnets as CIDRs
 * (e.g. 192.168.1.10/24): traffic to a directly connected network is never
 * captured, so gateway mode keeps the upstream LAN and router admin pages
 * reachable (reference §5 #5).
 */
export function localAddresses(): string[] {
  const out: string[] = [];
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) out.push((a.cidr ?? a.address).replace(/%[^/]*/, ''));
  }
  return out;
}

/** Throws SY_ERR_CAPTURE_BAD_INPUT for anything that would render a broken or looping ruleset. */
export function checkCaptureInput(i: CaptureInput): void {
  const bad = (field: string, value: unknown, expected: string): never => {
    throw new SyError('SY_ERR_CAPTURE_BAD_INPUT', { where: `capture input ${field}`, value, expected });
  };
  const isPort = (p: number) => Number.isInteger(p) && p >= 1 && p <= 65535;
  const isMark = (m: number) => Number.isInteger(m) && m >= 1 && m <= 0xffffffff;
  if (!i.local && !i.lan) bad('local/lan', { local: i.local, lan: i.lan }, 'local or lan (or both) enabled');
  if (!isPort(i.tproxyPort)) bad('tproxyPort', i.tproxyPort, 'a port 1-65535 (tproxy-port)');
  if (i.dnsPort !== 0 && !isPort(i.dnsPort)) bad('dnsPort', i.dnsPort, 'a port 1-65535, or 0 for no DNS redirect');
  if (!isMark(i.mark)) bad('mark', i.mark, 'an integer 1..0xffffffff');
  if (!isMark(i.routingMark)) bad('routingMark', i.routingMark, 'a non-zero routing-mark: without it the core\'s own traffic would be captured again (a loop)');
  // Marks are matched exactly, but policy routing and other tools often mask: keep them bit-disjoint (reference §6.4).
  if ((i.mark & i.routingMark) !== 0) bad('mark', { mark: i.mark, routingMark: i.routingMark }, 'capture.mark and routing-mark with no bits in common');
  if (!Number.isInteger(i.table) || i.table < 1 || (i.table >= 253 && i.table <= 255)) bad('table', i.table, 'a routing table number other than 0 and 253-255');
  if (!Number.isInteger(i.deadmanSeconds) || i.deadmanSeconds < 1) bad('deadmanSeconds', i.deadmanSeconds, 'an integer number of seconds ≥ 1');
  if (i.lan && i.interfaces.length === 0) bad('interfaces', i.interfaces, 'the LAN interface names when lan is on');
  const ifname = /^[A-Za-z0-9_.@:+-]{1,15}$/;
  i.interfaces.forEach((n, k) => (ifname.test(n) && n !== 'lo' ? 0 : bad(`interfaces[${k}]`, n, 'an interface name (not lo)')));
  i.excludeInterfaces.forEach((n, k) => (/^[A-Za-z0-9_.@:+-]{0,14}\*?$/.test(n) && n ? 0 : bad(`excludeInterfaces[${k}]`, n, 'an interface name or pattern such as docker*')));
  i.bypass.forEach((c, k) => (parsePrefix(c) ? 0 : bad(`bypass[${k}]`, c, 'a CIDR such as 192.0.2.0/24')));
  i.upstreams.forEach((a, k) => (isIP(a) ? 0 : bad(`upstreams[${k}]`, a, 'an IP address (resolve upstream names first)')));
  i.hostAddresses.forEach((a, k) => (parsePrefix(a) ? 0 : bad(`hostAddresses[${k}]`, a, 'an IP address')));
}
