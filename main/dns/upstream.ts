// One upstream nameserver as the resolver uses it: exchange(question) over the
// server's protocol (udp/tcp in exchange.ts, tls in dot.ts, https/http in
// doh.ts, rcode:// answered locally); shared pieces in target.ts.
import { exchange } from './exchange.js';
import type dnsPacket from 'dns-packet';
import { RCODE_SERVERS, type Nameserver } from './nameserver.js';
import { DotClient } from './dot.js';
import { DohClient } from './doh.js';
import { targetOf, withTimeout, type Upstream, type UpstreamDeps } from './target.js';

export type { Upstream, UpstreamDeps, TlsTrust } from './target.js';

export function createUpstream(ns: Nameserver, deps: UpstreamDeps): Upstream {
  if (ns.proto === 'tls') return new DotClient(ns, deps);
  if (ns.proto === 'https' || ns.proto === 'http') return new DohClient(ns, deps);
  if (ns.proto === 'rcode') {
    const rcode = RCODE_SERVERS[ns.host] ?? 'REFUSED';
    return {
      ns,
      exchange: async (q) => ({ type: 'response', id: 0, flags: 0, rcode, questions: [{ name: q.name, type: q.type, class: 'IN' }], answers: [], authorities: [], additionals: [] }) as unknown as dnsPacket.DecodedPacket,
      close() {},
    };
  }
  return {
    ns,
    async exchange(q, timeoutMs, signal) {
      const started = Date.now();
      const to = await withTimeout(targetOf(ns, deps), ns, q, timeoutMs, signal);
      return exchange(ns, to, q, deps.sockets, Math.max(1, timeoutMs - (Date.now() - started)), signal);
    },
    close() {},
  };
}

