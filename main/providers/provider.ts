// A rule-set provider (RuleSetProvider of core/provider.ts) for `type: file`,
// `type: inline` and the local copy of `type: http`. Every load parses and
// validates into a NEW matcher, then swaps it in atomically; a failed, empty or
// garbage load keeps the old set (and reports why). Fetching over HTTP comes
// with a later issue: pass `fetch` to plug it in — update() then fetches,
// parses, swaps, and only afterwards writes the local copy.
//
// Lifecycle: create → load() once (throws when nothing usable exists) →
// current() from then on → update() any number of times.
import { readFile as fsReadFile, writeFile as fsWriteFile, stat } from 'node:fs/promises';
import type { RuleProviderConfig } from '../config/types.js';
import { SyError, isSyError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { RuleProviderStatus, RuleSetProvider } from '../core/provider.js';
import type { RuleSetMatcher } from '../core/rule.js';
import type { GeoIpReader } from '../rules/matchers/geoip.js';
import { readEntries, WarningList } from './read-entries.js';
import { buildClassicalSet, buildDomainSet, buildIpSet, type ClassicalData } from './build.js';
import { decodeMrs, fillDomainSet } from './mrs/index.js';
import { DomainSet } from '../rules/sets/domain-set.js';
import { DomainRuleSet } from './rule-sets.js';
import { readCacheMeta, sha256, writeCacheAtomic, type RuleDownloader } from './http-fetch.js';

/** Default size limit of a provider file when `size-limit` is 0. */
export const DEFAULT_SIZE_LIMIT = 64 * 1024 * 1024;

export interface ProviderDeps {
  readonly logger: Logger;
  /** For GEOIP entries of classical sets; null → they never match a country (LAN still works). */
  readonly geoip?: GeoIpReader | null;
  /** GeoSite / ASN data for GEOSITE and IP-ASN entries of classical sets (the engine's geodata); absent → those entries are inactive. */
  readonly data?: ClassicalData;
  /** Downloads the provider's content (http providers); absent until the fetch issue lands. */
  readonly fetch?: (cfg: RuleProviderConfig) => Promise<string>;
  /**
   * Downloads http providers with conditional requests (http-fetch.ts); when
   * set it is used instead of `fetch`, the copy at `path` is written
   * atomically with its validators, and a provider without a local copy
   * starts EMPTY (a warning) until its background download lands.
   */
  readonly download?: RuleDownloader;
  /** Injected for tests; default node:fs. */
  readonly readFile?: (path: string) => Promise<string>;
  readonly writeFile?: (path: string, text: string) => Promise<void>;
  readonly now?: () => number;
}

/** What one parse produced. */
export interface ParseOutcome {
  readonly matcher: RuleSetMatcher;
  /** Entries accepted. */
  readonly count: number;
  readonly warnings: SyError[];
}

const VEHICLE = { file: 'File', http: 'HTTP', inline: 'Inline' } as const;

/** Parses provider content into a new matcher (no side effects). Throws for an unsupported format. */
export function parseProvider(cfg: RuleProviderConfig, text: string | Uint8Array | readonly string[], deps: Pick<ProviderDeps, 'geoip' | 'data'> = {}): ParseOutcome {
  const source = typeof text === 'string' || text instanceof Uint8Array ? cfg.path || `rule-providers.${cfg.name}` : `${cfg.where || `rule-providers.${cfg.name}`} payload`;
  if (cfg.format === 'mrs' && cfg.behavior === 'classical') throw mrsClassical(cfg);
  const warn = new WarningList();
  const mrsWhere = cfg.where ? `${cfg.where} ${source}` : source;
  if (cfg.format === 'mrs' && cfg.behavior === 'domain' && (typeof text === 'string' || text instanceof Uint8Array)) {
    // .mrs domain sets come from a trie: fill the set directly (mrs/index.ts).
    const set = new DomainSet();
    const bin = typeof text === 'string' ? Buffer.from(text, 'latin1') : text;
    for (const r of fillDomainSet(set, decodeMrs(bin, mrsWhere, 'domain').entries)) {
      warn.push(new SyError('SY_ERR_PROVIDER_BAD_ENTRY', { where: mrsWhere, value: r.value, detail: r.why }));
    }
    return { matcher: new DomainRuleSet(set), count: set.size, warnings: warn.done(source) };
  }
  const entries =
    text instanceof Uint8Array
      ? cfg.format === 'mrs'
        ? decodeMrs(text, mrsWhere, cfg.behavior as 'domain' | 'ipcidr').entries.map((value, i) => ({ value, line: i + 1 }))
        : readEntries(Buffer.from(text).toString('utf8'), cfg.format, source, warn).entries
      : typeof text === 'string'
        ? cfg.format === 'mrs'
          ? decodeMrs(Buffer.from(text, 'latin1'), mrsWhere, cfg.behavior as 'domain' | 'ipcidr').entries.map((value, i) => ({ value, line: i + 1 }))
          : readEntries(text, cfg.format, source, warn).entries
        : text.map((v, i) => ({ value: String(v).trim(), line: i + 1 })).filter((e) => e.value !== '' && !e.value.startsWith('#'));
  let matcher: RuleSetMatcher;
  switch (cfg.behavior) {
    case 'domain':
      matcher = buildDomainSet(entries, source, warn);
      break;
    case 'ipcidr':
      matcher = buildIpSet(entries, source, warn);
      break;
    case 'classical':
      matcher = buildClassicalSet(entries, source, warn, deps.geoip ?? null, deps.data);
      break;
    default:
      throw new SyError('SY_ERR_PROVIDER_BEHAVIOR', { where: cfg.where || cfg.name, value: cfg.behavior, expected: 'domain, ipcidr or classical' });
  }
  return { matcher, count: matcher.size, warnings: warn.done(source) };
}

function mrsClassical(cfg: RuleProviderConfig): SyError {
  return new SyError('SY_ERR_PROVIDER_FORMAT', { where: cfg.where || cfg.name, value: `rule-providers.${cfg.name}: format mrs with behavior classical`, expected: 'behavior domain or ipcidr (mihomo writes .mrs only for those)' });
}

export class RuleProvider implements RuleSetProvider {
  private cur: RuleSetMatcher | null = null;
  private inFlight: Promise<void> | undefined;
  /** mtime (ms) of the local copy read by load(); 0 when there was none. */
  localMtime = 0;
  private updatedAt = 0;
  private lastError = '';
  private warnings: SyError[] = [];

  constructor(private readonly cfg: RuleProviderConfig, private readonly deps: ProviderDeps) {}

  get name(): string {
    return this.cfg.name;
  }

  current(): RuleSetMatcher {
    if (!this.cur) throw new SyError('SY_ERR_PROVIDER_READ', { where: this.cfg.where || this.cfg.name, detail: 'used before load()' });
    return this.cur;
  }

  /** Warnings of the last successful parse (skipped entries). */
  lastWarnings(): readonly SyError[] {
    return this.warnings;
  }

  status(): RuleProviderStatus {
    return {
      name: this.cfg.name,
      behavior: this.cfg.behavior,
      format: this.cfg.format,
      vehicleType: VEHICLE[this.cfg.type],
      ruleCount: this.cur?.size ?? 0,
      updatedAt: this.updatedAt,
      lastError: this.lastError,
    };
  }

  async load(): Promise<void> {
    if (this.cfg.format === 'mrs' && this.cfg.behavior === 'classical') throw this.fail(mrsClassical(this.cfg));
    if (this.cfg.type === 'http' && !(await exists(this.cfg.path))) {
      // No local copy yet. With a downloader: start EMPTY (first run offline
      // must not fail the core); the refresh schedule fetches at once.
      if (this.deps.download) {
        this.install([]);
        this.warnings = [
          new SyError('SY_ERR_PROVIDER_EMPTY', { where: this.cfg.where || `rule-providers.${this.cfg.name}`, value: this.cfg.path, detail: `no local copy yet: empty until it is downloaded from ${this.cfg.url} (in the background when running)` }),
        ];
        this.updatedAt = 0;
        return;
      }
      // mihomo downloads it now.
      if (this.deps.fetch) return this.update();
      throw this.fail(
        new SyError('SY_ERR_PROVIDER_NO_FETCHER', {
          where: this.cfg.where || this.cfg.name,
          value: this.cfg.path,
          detail: 'no local copy yet, and downloading rule providers is not available in this build',
        }),
      );
    }
    if (this.cfg.type === 'http' && this.deps.download) {
      // A local copy that cannot be used (unreadable, garbage, wrong format) must
      // not stop the core either: start empty, say why, and download at once.
      try {
        this.install(await this.readLocal());
      } catch (e) {
        this.install([]);
        this.localMtime = 0;
        this.updatedAt = 0;
        this.warnings = [isSyError(e) ? e : new SyError('SY_ERR_PROVIDER_READ', { where: this.cfg.path, cause: e })];
      }
      return;
    }
    const text = this.cfg.type === 'inline' ? this.cfg.payload : await this.readLocal();
    this.install(text);
  }

  async update(): Promise<void> {
    if (this.cfg.type === 'inline') return this.load();
    if (this.cfg.type === 'http' && this.deps.download) {
      // Concurrent calls (timer + PUT) share one download.
      this.inFlight ??= this.downloadNow().finally(() => (this.inFlight = undefined));
      return this.inFlight;
    }
    if (this.cfg.type === 'http') {
      if (!this.deps.fetch) throw this.fail(new SyError('SY_ERR_PROVIDER_NO_FETCHER', { where: this.cfg.where || this.cfg.name }));
      let text: string;
      try {
        text = await this.deps.fetch(this.cfg);
      } catch (e) {
        throw this.fail(isSyError(e) ? e : new SyError('SY_ERR_PROVIDER_READ', { where: this.cfg.url, cause: e }));
      }
      this.checkSize(text.length, this.cfg.url);
      this.install(text);
      if (this.cfg.path) await (this.deps.writeFile ?? ((p, t) => fsWriteFile(p, t, 'utf8')))(this.cfg.path, text);
      return;
    }
    await this.load();
  }

  /** http with a downloader: conditional GET, validate + swap, then write the copy atomically. */
  private async downloadNow(): Promise<void> {
    const path = this.cfg.path;
    const held = this.cur !== null && this.cur.size > 0;
    const meta = held && path ? await readCacheMeta(path) : { etag: '', lastModified: '', sha256: '' };
    let r;
    try {
      r = await this.deps.download!(this.cfg, meta);
    } catch (e) {
      throw this.fail(isSyError(e) ? e : new SyError('SY_ERR_PROVIDER_FETCH', { where: this.cfg.where || this.cfg.name, cause: e }));
    }
    const now = (this.deps.now ?? Date.now)();
    if (r.notModified || (held && meta.sha256 !== '' && sha256(r.body) === meta.sha256)) {
      // 304 or identical content: nothing to parse or write.
      this.updatedAt = now;
      this.lastError = '';
      return;
    }
    if (r.body.length === 0) throw this.fail(new SyError('SY_ERR_PROVIDER_EMPTY', { where: this.cfg.url, detail: 'empty download; kept the previous set' }));
    this.install(this.cfg.format === 'mrs' ? r.body : r.body.toString('utf8'));
    if (this.cur!.size === 0) throw this.fail(new SyError('SY_ERR_PROVIDER_EMPTY', { where: this.cfg.url, detail: 'no usable entries; the local copy was not replaced' }));
    if (!path) return;
    try {
      await writeCacheAtomic(path, r.body, { etag: r.etag, lastModified: r.lastModified, sha256: sha256(r.body) });
    } catch (e) {
      throw this.fail(new SyError('SY_ERR_PROVIDER_READ', { where: path, detail: 'the new set is active but its local copy could not be written', cause: e }));
    }
  }

  private async readLocal(): Promise<string | Buffer> {
    const path = this.cfg.path;
    try {
      if (!this.deps.readFile) {
        const st = await stat(path);
        this.checkSize(st.size, path);
        this.localMtime = st.mtimeMs;
        if (this.cfg.format === 'mrs') return await fsReadFile(path);
      }
      const text = await (this.deps.readFile ?? ((p) => fsReadFile(p, 'utf8')))(path);
      this.checkSize(text.length, path);
      return text;
    } catch (e) {
      throw this.fail(isSyError(e) ? e : new SyError('SY_ERR_PROVIDER_READ', { where: `${this.cfg.where} ${path}`.trim(), cause: e }));
    }
  }

  private checkSize(bytes: number, where: string): void {
    const limit = this.cfg.sizeLimit > 0 ? this.cfg.sizeLimit : DEFAULT_SIZE_LIMIT;
    if (bytes > limit) throw new SyError('SY_ERR_PROVIDER_TOO_LARGE', { where, value: bytes, expected: `at most ${limit} bytes (size-limit)` });
  }

  /** Parse into a new matcher and swap; keep the old one when the new content is unusable. */
  private install(text: string | Uint8Array | readonly string[]): void {
    let out: ParseOutcome;
    try {
      out = parseProvider(this.cfg, text, this.deps);
    } catch (e) {
      throw this.fail(isSyError(e) ? e : new SyError('SY_ERR_PROVIDER_READ', { where: this.cfg.where || this.cfg.name, cause: e }));
    }
    if (out.count === 0 && this.cur && this.cur.size > 0) {
      throw this.fail(new SyError('SY_ERR_PROVIDER_EMPTY', { where: this.cfg.path || this.cfg.where, detail: 'kept the previous set' }));
    }
    if (out.count === 0) {
      out.warnings.push(new SyError('SY_ERR_PROVIDER_EMPTY', { where: this.cfg.path || this.cfg.where || this.cfg.name }));
    }
    this.cur = out.matcher;
    this.warnings = out.warnings;
    this.updatedAt = (this.deps.now ?? Date.now)();
    this.lastError = '';
    const log = this.deps.logger;
    log.info('rule provider loaded', { provider: this.cfg.name, behavior: this.cfg.behavior, entries: out.count, skipped: out.warnings.length });
    for (const w of out.warnings.slice(0, 10)) log.warn(w.message, { provider: this.cfg.name, code: w.code });
  }

  private fail(e: SyError): SyError {
    this.lastError = e.message;
    this.deps.logger.warn('rule provider load failed', { provider: this.cfg.name, error: e });
    return e;
  }
}

async function exists(path: string): Promise<boolean> {
  if (!path) return false;
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Creates a provider for `type: file | inline` (and the local copy of `http`). Call load() before current(). */
export function createRuleProvider(cfg: RuleProviderConfig, deps: ProviderDeps): RuleProvider {
  return new RuleProvider(cfg, deps);
}

/** Creates and loads every provider of a config; collects errors instead of stopping at the first. */
export async function loadRuleProviders(
  configs: Readonly<Record<string, RuleProviderConfig>>,
  deps: ProviderDeps,
): Promise<{ providers: Map<string, RuleProvider>; errors: SyError[] }> {
  const providers = new Map<string, RuleProvider>();
  const errors: SyError[] = [];
  await Promise.all(
    Object.values(configs).map(async (cfg) => {
      const p = createRuleProvider(cfg, deps);
      try {
        await p.load();
        providers.set(cfg.name, p);
      } catch (e) {
        errors.push(isSyError(e) ? e : new SyError('SY_ERR_PROVIDER_READ', { where: cfg.where, cause: e }));
      }
    }),
  );
  return { providers, errors };
}
