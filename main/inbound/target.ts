// Turns an address named by a client (SOCKS5 DST, HTTP authority) into the
// metadata fields: an IP literal fills dstIP, a name is normalised into host.
import { normalizeHost, normalizeIp } from '../core/address.js';

/** null when the name is not a valid host name or the port is out of range. */
export function parseTarget(host: string, port: number): { host: string; dstIP: string; dstPort: number } | null {
  if (!Number.isInteger(port) || port <= 0 || port > 65535) return null;
  const ip = normalizeIp(host);
  if (ip) return { host: '', dstIP: ip, dstPort: port };
  if (host.length > 253 || !/^[^\s/\\@:]+$/.test(host)) return null;
  const h = normalizeHost(host);
  if (!h || !/^[a-z0-9_.-]+$/.test(h)) return null;
  return { host: h, dstIP: '', dstPort: port };
}
