// A TTL-respecting answer cache, bounded in entries (LRU eviction). TTLs are
// clamped to [minTtl, maxTtl]; negative answers (NXDOMAIN, or NOERROR with no
// record of the type) live for the SOA minimum capped at negativeTtl. Served
// records carry their remaining TTL. The clock is injected for tests.
import type dnsPacket from 'dns-packet';
import { Lru } from './lru.js';

export interface CachedAnswer {
  readonly rcode: string;
  readonly answers: readonly dnsPacket.Answer[];
  readonly authorities: readonly dnsPacket.Answer[];
}

export interface CacheOptions {
  /** Seconds; default 1. */
  readonly minTtl?: number;
  /** Seconds; default 3600. */
  readonly maxTtl?: number;
  /** Longest negative caching, seconds; default 30. */
  readonly negativeTtl?: number;
  /** Default 4096. */
  readonly maxEntries?: number;
  /** Milliseconds clock; default Date.now. */
  readonly now?: () => number;
}

interface Entry {
  readonly value: CachedAnswer;
  readonly storedAt: number;
  readonly expiresAt: number;
}

export class DnsCache {
  private readonly map = new Lru<string, Entry>();
  private readonly minTtl: number;
  private readonly maxTtl: number;
  private readonly negativeTtl: number;
  private readonly maxEntries: number;
  readonly now: () => number;

  constructor(opts: CacheOptions = {}) {
    this.minTtl = opts.minTtl ?? 1;
    this.maxTtl = Math.max(opts.maxTtl ?? 3600, this.minTtl);
    this.negativeTtl = opts.negativeTtl ?? 30;
    this.maxEntries = opts.maxEntries ?? 4096;
    this.now = opts.now ?? Date.now;
  }

  static key(name: string, type: string): string {
    return `${name}|${type}`;
  }

  /** The answer with TTLs reduced by the time spent in the cache, or undefined when absent/expired. */
  get(key: string): CachedAnswer | undefined {
    const e = this.map.get(key);
    if (!e) return undefined;
    const now = this.now();
    if (now >= e.expiresAt) {
      this.map.delete(key);
      return undefined;
    }
    const spent = Math.floor((now - e.storedAt) / 1000);
    const age = (rs: readonly dnsPacket.Answer[]) => rs.map((r) => ('ttl' in r && r.ttl !== undefined ? { ...r, ttl: Math.max(r.ttl - spent, 1) } : r) as dnsPacket.Answer);
    return { rcode: e.value.rcode, answers: age(e.value.answers), authorities: age(e.value.authorities) };
  }

  /** Stores an answer; SERVFAIL and other failures are not cached. Returns the TTL used (0 = not stored). */
  set(key: string, value: CachedAnswer): number {
    const ttl = this.ttlOf(value);
    if (ttl <= 0) return 0;
    const now = this.now();
    this.map.set(key, { value, storedAt: now, expiresAt: now + ttl * 1000 });
    while (this.map.size > this.maxEntries) this.map.delete(this.map.oldest()![0]);
    return ttl;
  }

  ttlOf(v: CachedAnswer): number {
    if (v.rcode !== 'NOERROR' && v.rcode !== 'NXDOMAIN') return 0;
    const records = v.answers.filter((a) => a.type !== 'OPT');
    if (v.rcode === 'NOERROR' && records.length > 0) {
      const ttl = Math.min(...records.map((a) => ('ttl' in a && a.ttl !== undefined ? a.ttl : this.minTtl)));
      return Math.min(Math.max(ttl, this.minTtl), this.maxTtl);
    }
    const soa = v.authorities.find((a) => a.type === 'SOA') as dnsPacket.SoaAnswer | undefined;
    const neg = soa ? Math.min(soa.ttl ?? this.negativeTtl, soa.data.minimum ?? this.negativeTtl) : this.negativeTtl;
    return Math.min(Math.max(neg, this.minTtl), this.negativeTtl);
  }

  clear(): void {
    this.map.clear();
  }

  get size(): number {
    return this.map.size;
  }
}
