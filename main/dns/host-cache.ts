// ip -> host memory (implements core's HostCache) filled from upstream
// answers, for redir-host mode and for the connections table. Bounded LRU;
// entries outlive their DNS TTL on purpose: a connection may start long after
// the lookup, and the last name answered for an address is the best guess.
import type { HostCache } from '../core/dns.js';
import { normalizeHost, normalizeIp } from '../core/address.js';
import { Lru } from './lru.js';

export class HostCacheImpl implements HostCache {
  private readonly map = new Lru<string, string>();
  constructor(private readonly maxEntries = 16384) {}

  hostOf(ip: string): string | undefined {
    return this.map.peek(normalizeIp(ip));
  }

  /** Remembers that `ip` was answered for `host` (the newest answer wins). */
  record(ip: string, host: string): void {
    const key = normalizeIp(ip);
    const name = normalizeHost(host);
    if (!key || !name) return;
    this.map.set(key, name);
    if (this.map.size > this.maxEntries) this.map.delete(this.map.oldest()![0]);
  }

  clear(): void {
    this.map.clear();
  }

  get size(): number {
    return this.map.size;
  }
}
