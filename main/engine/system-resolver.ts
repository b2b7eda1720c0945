// The OS resolver (getaddrinfo, /etc/hosts included) as a Resolver, used when
// the config names no nameserver — what a user without a `dns:` block expects.
import { lookup } from 'node:dns/promises';
import type { Resolver } from '../core/rule.js';

export function systemResolver(ipv6: boolean): Resolver {
  return {
    async resolve(host) {
      try {
        const all = await lookup(host, { all: true, family: ipv6 ? 0 : 4 });
        return all.map((a) => a.address);
      } catch {
        return [];
      }
    },
  };
}
