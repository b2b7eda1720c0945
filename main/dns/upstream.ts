// One upstream nameserver as the resolver uses it: exchange(question) over the
// server's protocol (udp/tcp in exchange.ts, tls in dot.ts, https/http in
// doh.ts, rcode:// answered locally); shared pieces in target.ts.
import { exchange, type Question } from './exchange.js';
import type dnsPacket from 'dns-packet';
import { RCODE_SERVERS, type Nameserver } from './nameserver.js';
import { DotClient } from './dot.js';
import { DohClient } from './doh.js';
import { proxiedTarget, targetOf, viaOf, withTimeout, type Upstream, type UpstreamDeps } from './target.js';
import { exchangeVia } from './proxied.js';

export type { Upstream, UpstreamDeps, TlsTrust } from './target.js';

export function createUpstream(ns: Nameserver, deps: UpstreamDeps): Upstream {
  const u = createTransport(ns, deps);
  const off4 = ns.params['disable-ipv4'] === 'true';
  const off6 = ns.params['disable-ipv6'] === 'true';
  if (!off4 && !off6) return u;
  // mihomo's #disable-ipv4 / #disable-ipv6: that family is answered empty, never asked.
  return {
    ns,
    exchange: (q, timeoutMs, signal) => ((q.type === 'A' && off4) || (q.type === 'AAAA' && off6) ? Promise.resolve(localAnswer(q, 'NOERROR')) : u.exchange(q, timeoutMs, signal)),
    close: () => u.close(),
  };
}

/** A response made here: `rcode`, no records. */
function localAnswer(q: Question, rcode: string): dnsPacket.DecodedPacket {
  return { type: 'response', id: 0, flags: 0, rcode, questions: [{ name: q.name, type: q.type, class: 'IN' }], answers: [], authorities: [], additionals: [] } as unknown as dnsPacket.DecodedPacket;
}

function createTransport(ns: Nameserver, deps: UpstreamDeps): Upstream {
  if (ns.proto === 'tls') return new DotClient(ns, deps);
  if (ns.proto === 'https' || ns.proto === 'http') return new DohClient(ns, deps);
  if (ns.proto === 'rcode') {
    const rcode = RCODE_SERVERS[ns.host] ?? 'REFUSED';
    return {
      ns,
      exchange: async (q) => localAnswer(q, rcode),
      close() {},
    };
  }
  const via = viaOf(deps);
  if (via) {
    // Through an outbound: UDP over its UDP relay, TCP over its stream (proxied.ts).
    return {
      ns,
      async exchange(q, timeoutMs, signal) {
        const started = Date.now();
        const dst = await withTimeout(proxiedTarget(ns, deps), ns, q, timeoutMs, signal);
        return exchangeVia(ns, via, dst, q, deps.proxy!, Math.max(1, timeoutMs - (Date.now() - started)), signal);
      },
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

