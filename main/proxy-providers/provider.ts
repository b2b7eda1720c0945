// One proxy provider: its current proxies (as outbounds), the last good copy
// on disk for http providers, refresh and health checks.
//
// Lifecycle: load() once at start-up (file/inline: read now, errors thrown;
// http: the last good copy at `path` — a missing or broken copy is a warning
// and an empty provider, then a background fetch). start() schedules refresh
// every `interval` (±10 % jitter; failures back off from 30 s, doubling, up
// to the interval) and health checks; close() stops both. update() fetches
// now: the content is validated before it replaces anything (atomic swap of
// both the in-memory list and the file), so a failure keeps the last good list.
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Logger } from '../core/logger.js';
import { SyError, isSyError } from '../core/errors.js';
import type { Outbound } from '../core/outbound.js';
import type { ProxyConfig, ProxyProviderConfig } from '../config/types.js';
import { parseProxyProviderBody, applyOverride, filterProxies } from '../config/proxy-provider-body.js';
import { measureDelay, UnsupportedOutbound, type Member, type ProviderMembers } from '../outbound/index.js';
import { DEFAULT_FETCH_TIMEOUT_MS, DEFAULT_SIZE_LIMIT, fetchThrough, parseUserinfo } from './fetch.js';

export interface SubscriptionInfo {
  Upload: number;
  Download: number;
  Total: number;
  Expire: number;
}

export interface ProxyProviderDeps {
  /** Outbound lookup (the download `proxy`) and builder of the provider's members. */
  outbounds: { get(name: string): Outbound | undefined; makeMember(p: ProxyConfig): Member };
  /** Called after the proxy list changed (the engine recomputes group members). */
  onChange(): void;
  /** lazy health checks: whether a group using this provider was used within `ms`. */
  usedWithin?(ms: number): boolean;
  logger: Logger;
  fetchTimeoutMs?: number;
  /** First retry delay after a failed refresh (default 30 s). */
  retryBaseMs?: number;
  random?: () => number;
}

export type VehicleType = 'HTTP' | 'File' | 'Inline';
const VEHICLE: Record<ProxyProviderConfig['type'], VehicleType> = { http: 'HTTP', file: 'File', inline: 'Inline' };

export class ProxyProvider implements ProviderMembers {
  readonly name: string;
  readonly vehicleType: VehicleType;
  private list: Member[] = [];
  private configs: ProxyConfig[] = [];
  private updated: Date | undefined;
  private etag = '';
  private userinfo: SubscriptionInfo | undefined;
  private refreshTimer: NodeJS.Timeout | undefined;
  private hcTimer: NodeJS.Timeout | undefined;
  private failures = 0;
  private inFlight: Promise<void> | undefined;
  private closed = false;
  private readonly log: Logger;

  constructor(readonly cfg: ProxyProviderConfig, private readonly deps: ProxyProviderDeps) {
    this.name = cfg.name;
    this.vehicleType = VEHICLE[cfg.type];
    this.log = deps.logger.child({ area: 'proxy-provider', provider: cfg.name });
  }

  members(): readonly Member[] {
    return this.list;
  }

  proxies(): readonly ProxyConfig[] {
    return this.configs;
  }

  updatedAt(): Date | undefined {
    return this.updated;
  }

  subscriptionInfo(): SubscriptionInfo | undefined {
    return this.userinfo;
  }

  /** Start-up load. Throws (coded, located) only for file providers whose file is missing or broken. */
  async load(): Promise<void> {
    if (this.cfg.type === 'inline') {
      this.swap(applyOverride(filterProxies(this.cfg.payload, this.cfg), this.cfg.override), new Date());
      return;
    }
    if (this.cfg.type === 'file') {
      await this.readLocal();
      return;
    }
    try {
      await this.readLocal();
    } catch (e) {
      this.log.warn('no usable local copy of the subscription; starting empty and downloading it', { error: e, path: this.cfg.path });
    }
  }

  /** The local copy: parsed, then swapped in. Rejects SY_ERR_PROXY_PROVIDER_READ / _PARSE (nothing changes). */
  private async readLocal(): Promise<void> {
    let text: string;
    let mtime: Date;
    try {
      [text, mtime] = await Promise.all([readFile(this.cfg.path, 'utf8'), stat(this.cfg.path).then((s) => s.mtime)]);
    } catch (cause) {
      throw new SyError('SY_ERR_PROXY_PROVIDER_READ', { where: this.cfg.where || this.name, value: this.cfg.path, cause });
    }
    const body = parseProxyProviderBody(text, this.cfg.path, this.cfg);
    for (const w of body.warnings) this.log.warn(w.message, { code: w.code });
    this.swap([...body.proxies], mtime);
  }

  /** Whether the local copy is older than the interval (or absent): then start() fetches at once. */
  private stale(): boolean {
    if (this.cfg.type !== 'http') return false;
    if (!this.updated) return true;
    return this.cfg.interval > 0 && Date.now() - this.updated.getTime() >= this.cfg.interval * 1000;
  }

  /**
   * Update now. http: download, validate, write the copy atomically, swap;
   * file: re-read; inline: nothing to do. Rejects with a coded error (the
   * last good list stays). Concurrent calls share one download.
   */
  update(): Promise<void> {
    if (this.inFlight) return this.inFlight;
    const run = (this.cfg.type === 'http' ? this.download() : this.cfg.type === 'file' ? this.readLocal() : Promise.resolve()).finally(() => {
      this.inFlight = undefined;
    });
    this.inFlight = run;
    return run;
  }

  private async download(): Promise<void> {
    const via = this.deps.outbounds.get(this.cfg.proxy || 'DIRECT');
    if (!via) throw new SyError('SY_ERR_NET_UNKNOWN_OUTBOUND', { where: this.cfg.where || this.name, value: this.cfg.proxy });
    const r = await fetchThrough(via, this.cfg.url, {
      timeoutMs: this.deps.fetchTimeoutMs ?? DEFAULT_FETCH_TIMEOUT_MS,
      sizeLimit: this.cfg.sizeLimit > 0 ? this.cfg.sizeLimit : DEFAULT_SIZE_LIMIT,
      headers: this.cfg.header,
      etag: this.list.length > 0 ? this.etag : '',
      where: this.cfg.where || this.name,
    });
    if (r.notModified) {
      this.updated = new Date();
      return;
    }
    // Validate first: nothing is replaced unless the whole body parses.
    const body = parseProxyProviderBody(r.body, this.cfg.url, this.cfg);
    for (const w of body.warnings) this.log.warn(w.message, { code: w.code });
    if (this.closed) return;
    await mkdir(dirname(this.cfg.path), { recursive: true });
    const tmp = `${this.cfg.path}.${process.pid}.tmp`;
    await writeFile(tmp, r.body);
    await rename(tmp, this.cfg.path);
    this.etag = r.etag;
    this.userinfo = parseUserinfo(r.userinfo) ?? this.userinfo;
    this.swap([...body.proxies], new Date());
    this.log.info('subscription updated', { proxies: body.proxies.length });
  }

  /** Replace the list; members whose config is unchanged keep their outbound (and delay history). */
  private swap(configs: ProxyConfig[], at: Date): void {
    const old = new Map(this.configs.map((c, i) => [JSON.stringify(c), this.list[i]!]));
    this.list = configs.map((c) => old.get(JSON.stringify(c)) ?? this.deps.outbounds.makeMember(c));
    this.configs = configs;
    this.updated = at;
    this.deps.onChange();
  }

  /** Test every member once (in parallel); records delays; resolves to those that answered. */
  async healthCheck(opts: { url?: string; timeoutMs?: number; expected?: string } = {}): Promise<Record<string, number>> {
    const hc = this.cfg.healthCheck;
    const url = opts.url || hc.url;
    const timeout = opts.timeoutMs ?? hc.timeout;
    const expected = opts.expected ?? (hc.expectedStatus === '*' ? '' : hc.expectedStatus);
    const out: Record<string, number> = {};
    await Promise.all(
      this.list.map(async (m) => {
        if (m instanceof UnsupportedOutbound || !m.health) return;
        try {
          const d = await measureDelay(m, url, timeout, expected);
          m.health.record(d);
          out[m.name] = d;
        } catch (e) {
          m.health.record(0);
          this.log.debug('health check failed', { member: m.name, error: e });
        }
      }),
    );
    return out;
  }

  /** Schedule refresh (http) and health checks. Timers are unref'd. */
  start(): void {
    if (this.closed) return;
    if (this.cfg.type === 'http') this.schedule(this.stale() ? 0 : this.nextDelay());
    const hc = this.cfg.healthCheck;
    if (hc.enable && hc.interval > 0 && !this.hcTimer) {
      const period = hc.interval * 1000;
      if (!hc.lazy) void this.healthCheck();
      this.hcTimer = setInterval(() => {
        if (hc.lazy && this.deps.usedWithin && !this.deps.usedWithin(period)) return;
        void this.healthCheck();
      }, period);
      this.hcTimer.unref();
    }
  }

  private nextDelay(): number {
    const rnd = this.deps.random ?? Math.random;
    const intervalMs = this.cfg.interval * 1000;
    if (this.failures > 0) {
      const base = this.deps.retryBaseMs ?? 30_000;
      const back = Math.min(base * 2 ** (this.failures - 1), intervalMs > 0 ? intervalMs : Infinity, 6 * 3600_000);
      return Math.round(back * (0.9 + 0.2 * rnd()));
    }
    return intervalMs > 0 ? Math.round(intervalMs * (0.9 + 0.2 * rnd())) : -1;
  }

  private schedule(ms: number): void {
    if (this.closed || ms < 0) return;
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => {
      this.update().then(
        () => {
          this.failures = 0;
        },
        (e: unknown) => {
          this.failures++;
          this.log.warn('subscription update failed; keeping the last good list', { error: isSyError(e) ? e.message : e, failures: this.failures });
        },
      ).finally(() => this.schedule(this.nextDelay()));
    }, ms);
    this.refreshTimer.unref();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.refreshTimer);
    clearInterval(this.hcTimer);
    this.refreshTimer = undefined;
    this.hcTimer = undefined;
  }
}
