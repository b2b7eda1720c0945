// One upstream nameserver as the resolver uses it: exchange(question) over the
// server's protocol (udp/tcp in exchange.ts, tls in dot.ts, https/http in
// doh.ts); shared pieces in target.ts.
import { exchange } from './exchange.js';
import type { Nameserver } from './nameserver.js';
import { DotClient } from './dot.js';
import { DohClient } from './doh.js';
import { targetOf, withTimeout, type Upstream, type UpstreamDeps } from './target.js';

export type { Upstream, UpstreamDeps, TlsTrust } from './target.js';

export function createUpstream(ns: Nameserver, deps: UpstreamDeps): Upstream {
  if (ns.proto === 'tls') return new DotClient(ns, deps);
  if (ns.proto === 'https' || ns.proto === 'http') return new DohClient(ns, deps);
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

