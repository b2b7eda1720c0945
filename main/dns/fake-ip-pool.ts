// The fake-ip pool (implements core's FakeIpPool): hands out addresses from
// `fake-ip-range` (and `fake-ip-range6`) one per host, remembers host <-> ip
// both ways, and when full reuses the address of the least recently used
// host (allocate and lookupHost both count as use). The mapping survives
// restarts through save()/load() (pool-file.ts), so clients that cached a
// fake IP keep reaching the right host.
import type { FakeIpPool } from '../core/dns.js';
import type { Logger } from '../core/logger.js';
import { NULL_LOGGER } from '../core/logger.js';
import { SyError } from '../core/errors.js';
import { normalizeHost, normalizeIp, ipFamily } from '../core/address.js';
import { addressAt, bigIntToIp, inRange, ipToBigInt, offsetOf, parseRange, type IpRange } from './ip-range.js';
import type { DomainSet } from './wildcard.js';
import { compileOrderedPolicy, type DomainMatcherFactory } from './policy.js';
import { Lru } from './lru.js';
import { decodePoolFile, encodePoolFile, type Entries } from './pool-file.js';
import { mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface FakeIpPoolOptions {
  /** IPv4 CIDR, e.g. 198.18.0.1/16. */
  readonly range: string;
  /** IPv6 CIDR, '' or absent = no AAAA fake IPs. */
  readonly range6?: string;
  /** fake-ip-filter: Clash wildcard patterns that get real answers. */
  readonly filter?: readonly string[];
  /** Evaluates `geosite:` / `rule-set:` filter entries (the rules layer); absent = those entries are inactive. */
  readonly matchers?: DomainMatcherFactory;
  /** Most mappings kept per family (default 65535, like mihomo's fake-ip cache). */
  readonly maxSize?: number;
  readonly logger?: Logger;
}

/** One family's mappings. `byHost` is an LRU: its oldest entry loses its address when the range is full. */
export class FamilyPool {
  readonly byHost = new Lru<string, number>();
  readonly byOffset = new Map<number, string>();
  private next = 0;
  constructor(readonly range: IpRange) {}

  get(host: string): number | undefined {
    return this.byHost.get(host);
  }

  touch(host: string): void {
    this.byHost.get(host);
  }

  allocate(host: string): number {
    const known = this.get(host);
    if (known !== undefined) return known;
    let off: number;
    if (this.byOffset.size < this.range.capacity) {
      while (this.byOffset.has(this.next)) this.next = (this.next + 1) % this.range.capacity;
      off = this.next;
      this.next = (this.next + 1) % this.range.capacity;
    } else {
      const [lruHost, lruOff] = this.byHost.oldest()!;
      this.byHost.delete(lruHost);
      off = lruOff;
    }
    this.set(host, off);
    return off;
  }

  /** Records a mapping (newest); replaces whatever held the host or the offset. */
  set(host: string, off: number): void {
    const prevOff = this.byHost.peek(host);
    if (prevOff !== undefined) this.byOffset.delete(prevOff);
    const prevHost = this.byOffset.get(off);
    if (prevHost !== undefined) this.byHost.delete(prevHost);
    this.byHost.set(host, off);
    this.byOffset.set(off, host);
  }

  clear(): void {
    this.byHost.clear();
    this.byOffset.clear();
    this.next = 0;
  }

  ipOf(off: number): string {
    return bigIntToIp(addressAt(this.range, off), this.range.family);
  }
}

export class FakeIpPoolImpl implements FakeIpPool {
  readonly v4: FamilyPool;
  readonly v6: FamilyPool | undefined;
  readonly filter: DomainSet;
  readonly logger: Logger;

  constructor(opts: FakeIpPoolOptions) {
    const max = opts.maxSize ?? 65535;
    this.logger = opts.logger ?? NULL_LOGGER;
    this.v4 = new FamilyPool(parseRange(opts.range, 4, max, 'dns.fake-ip-range'));
    this.v6 = opts.range6 ? new FamilyPool(parseRange(opts.range6, 6, max, 'dns.fake-ip-range6')) : undefined;
    const entries = (opts.filter ?? []).map((p) => [p, true] as const);
    const lookup = compileOrderedPolicy(entries, 'dns.fake-ip-filter', opts.matchers, this.logger);
    this.filter = { lookup, has: (h) => lookup(h) === true, size: entries.length };
  }

  /** The gateway address of a family's range (never handed out). */
  gateway(family: 4 | 6): string | undefined {
    const p = family === 4 ? this.v4 : this.v6;
    return p ? bigIntToIp(p.range.gateway, family) : undefined;
  }

  hasFamily(family: 4 | 6): boolean {
    return family === 4 || this.v6 !== undefined;
  }

  /** Whether `host` matches fake-ip-filter (it then gets real answers). */
  isFiltered(host: string): boolean {
    return this.filter.has(host);
  }

  contains(ip: string): boolean {
    const found = this.locate(ip);
    return found !== undefined && inRange(found.pool.range, found.addr);
  }

  lookupHost(ip: string): string | undefined {
    const found = this.locate(ip);
    if (!found) return undefined;
    const off = offsetOf(found.pool.range, found.addr);
    if (off < 0) return undefined;
    const host = found.pool.byOffset.get(off);
    if (host !== undefined) found.pool.touch(host);
    return host;
  }

  /** The fake IP already mapped to `host`, without allocating (and without counting as use). */
  peek(host: string, family: 4 | 6): string | undefined {
    const pool = family === 4 ? this.v4 : this.v6;
    const off = pool?.byHost.peek(normalizeHost(host));
    return off === undefined ? undefined : pool!.ipOf(off);
  }

  allocate(host: string, family: 4 | 6): string {
    const name = normalizeHost(host);
    if (!name) throw new SyError('SY_ERR_DNS_BAD_QUERY', { where: 'fake-ip allocate', value: host, expected: 'a domain name' });
    const pool = family === 4 ? this.v4 : this.v6;
    if (!pool) throw new SyError('SY_ERR_DNS_NO_FAKE_IP6', { where: 'fake-ip allocate', value: host, expected: 'dns.fake-ip-range6 set' });
    return pool.ipOf(pool.allocate(name));
  }

  flush(): void {
    this.v4.clear();
    this.v6?.clear();
  }

  /** Number of mappings held per family. */
  size(family: 4 | 6 = 4): number {
    return (family === 4 ? this.v4 : this.v6)?.byOffset.size ?? 0;
  }

  /** Writes the mappings to `file` atomically (temp file + rename). Throws SY_ERR_DNS_POOL_SAVE. */
  async save(file: string): Promise<void> {
    const dump = (p: FamilyPool | undefined): [string, string][] => (p ? [...p.byHost.entries()].map(([h, off]) => [h, p.ipOf(off)]) : []);
    const text = encodePoolFile({ range: this.v4.range.cidr, range6: this.v6?.range.cidr ?? '', v4: dump(this.v4), v6: dump(this.v6) });
    const tmp = `${file}.${process.pid}.tmp`;
    try {
      await mkdir(dirname(file), { recursive: true });
      await writeFile(tmp, text, { mode: 0o600 });
      await rename(tmp, file);
    } catch (e) {
      await unlink(tmp).catch(() => {});
      throw new SyError('SY_ERR_DNS_POOL_SAVE', { where: file, cause: e });
    }
  }

  /**
   * Replaces the mappings with those saved in `file`. A missing file is a
   * first run (0). A corrupt file is logged as a located warning and leaves
   * the pool empty; never throws. Returns the number of mappings restored.
   */
  async load(file: string): Promise<number> {
    this.flush();
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      const err = new SyError('SY_ERR_DNS_POOL_FILE', { where: file, cause: e });
      this.logger.warn(err.message, { code: err.code });
      return 0;
    }
    try {
      const state = decodePoolFile(text, file);
      const dropped = this.restore(this.v4, state.v4) + this.restore(this.v6, state.v6);
      if (dropped > 0) {
        const w = new SyError('SY_ERR_DNS_POOL_FILE', { where: file, detail: `${dropped} mapping(s) outside the current fake-ip range or duplicated were dropped` });
        this.logger.warn(w.message, { code: w.code });
      }
      return this.size(4) + this.size(6);
    } catch (e) {
      this.flush();
      const err = e instanceof SyError ? e : new SyError('SY_ERR_DNS_POOL_FILE', { where: file, cause: e });
      this.logger.warn(err.message, { code: err.code });
      return 0;
    }
  }

  /** Adds saved entries (oldest first, so LRU order is kept); returns how many were dropped. */
  private restore(pool: FamilyPool | undefined, entries: Entries): number {
    if (!pool) return entries.length;
    let dropped = 0;
    for (const [host, ip] of entries) {
      const addr = ipToBigInt(ip);
      const off = addr === undefined ? -1 : offsetOf(pool.range, addr);
      if (off < 0 || pool.byHost.has(host) || pool.byOffset.has(off)) {
        dropped++;
        continue;
      }
      pool.set(host, off);
    }
    return dropped;
  }

  private locate(ip: string): { pool: FamilyPool; addr: bigint } | undefined {
    const n = normalizeIp(ip);
    const fam = ipFamily(n);
    const pool = fam === 4 ? this.v4 : fam === 6 ? this.v6 : undefined;
    if (!pool) return undefined;
    const addr = ipToBigInt(n);
    return addr === undefined ? undefined : { pool, addr };
  }
}

export function createFakeIpPool(opts: FakeIpPoolOptions): FakeIpPoolImpl {
  return new FakeIpPoolImpl(opts);
}
