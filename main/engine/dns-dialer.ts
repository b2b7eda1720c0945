// The dialer dns/ uses for nameservers written with `#PROXY` /
// `#<proxy-or-group>` and for `respect-rules: true`: an explicit name dials
// through that outbound (a group picks its member as for any connection);
// VIA_RULES decides with the rules (mode included), on the server's host and
// address, never resolving (the resolver being served cannot be asked: a
// rule that would resolve sees the address the nameserver was written with
// or default-nameserver gave, else none). REJECT, a group without a usable
// member, or UDP through an outbound that relays no UDP fail the exchange
// with SY_ERR_DNS_PROXY naming the server's route.
import type { Decision } from '../core/rule.js';
import type { Destination } from '../core/outbound.js';
import { SyError } from '../core/errors.js';
import { newMetadata } from '../core/metadata.js';
import { VIA_RULES, type DnsProxyDialer } from '../dns/proxied.js';
import { decide, resolveRoute, type RouteDeps } from '../tunnel/route.js';

const NO_RESOLVE = { resolve: async () => [] as string[] };

export function createDnsProxyDialer(deps: Omit<RouteDeps, 'resolver'>): DnsProxyDialer {
  const route = async (via: string, dst: Destination, network: 'tcp' | 'udp') => {
    const meta = newMetadata({ network, type: 'Inner', host: dst.host, dstIP: dst.ip, dstPort: dst.port, inboundName: 'dns' });
    const decision: Decision = via === VIA_RULES ? await decide(meta, { ...deps, resolver: NO_RESOLVE }) : { target: via, rule: null };
    const r = resolveRoute(decision, meta, deps.outbounds());
    const where = `nameserver ${dst.host || dst.ip}:${dst.port} via ${via === VIA_RULES ? `the rules (${decision.target})` : via}`;
    if (!r.leaf) throw new SyError('SY_ERR_DNS_PROXY', { where, detail: r.why || `${decision.target} rejects it` });
    return { leaf: r.leaf, meta, where };
  };
  return {
    async tcp(via, dst, signal) {
      const { leaf, meta } = await route(via, dst, 'tcp');
      return leaf.dialTcp(dst, meta, signal);
    },
    async udp(via, dst, signal) {
      const { leaf, meta, where } = await route(via, dst, 'udp');
      if (!leaf.supportsUdp) throw new SyError('SY_ERR_DNS_PROXY', { where, value: leaf.name, detail: 'this outbound relays no UDP (mihomo too); write the nameserver as tcp://… to query it over TCP through the proxy' });
      return leaf.dialUdp(meta, signal);
    },
  };
}
