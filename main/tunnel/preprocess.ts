// Metadata pre-processing before rules (reference §2.2.1): a fake IP is mapped
// back to its host and cleared; a real IP that DNS answered for a host
// (redir-host) gets that host attached.
import type { Metadata } from '../core/metadata.js';
import type { FakeIpPool, HostCache } from '../core/dns.js';
import { normalizeHost, normalizeIp } from '../core/address.js';
import { SyError } from '../core/errors.js';

export interface PreprocessDeps {
  fakeIp: FakeIpPool | null;
  hostCache: HostCache | null;
}

/** Mutates `meta`; throws SY_ERR_DNS_FAKEIP_UNMAPPED for a fake IP with no mapping. */
export function preprocess(meta: Metadata, deps: PreprocessDeps): void {
  meta.host = normalizeHost(meta.host);
  meta.srcIP = normalizeIp(meta.srcIP) || meta.srcIP;
  if (meta.dstIP) meta.dstIP = normalizeIp(meta.dstIP) || meta.dstIP;
  if (!meta.host && meta.dstIP) {
    // A literal IP written as host by a SOCKS/HTTP client stays in dstIP.
  } else if (meta.host && !meta.dstIP && normalizeIp(meta.host)) {
    meta.dstIP = normalizeIp(meta.host);
    meta.host = '';
  }
  if (!meta.dstIP) return;
  if (deps.fakeIp && deps.fakeIp.contains(meta.dstIP)) {
    const host = deps.fakeIp.lookupHost(meta.dstIP);
    if (!host) {
      throw new SyError('SY_ERR_TUNNEL_FAKEIP_UNMAPPED', {
        where: `${meta.network} ${meta.srcIP}:${meta.srcPort} -> ${meta.dstIP}:${meta.dstPort}`,
        value: meta.dstIP,
        detail: 'the fake IP has no host (stale client cache after a flush or restart?)',
      });
    }
    meta.host = host;
    meta.dnsMode = 'fake-ip';
    meta.dstIP = '';
    return;
  }
  if (!meta.host && deps.hostCache) {
    const host = deps.hostCache.hostOf(meta.dstIP);
    if (host) {
      meta.host = host;
      meta.dnsMode = 'redir-host';
    }
  }
}
