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
import { buildClassicalSet, buildDomainSet, buildIpSet } from './build.js';

/** Default size limit of a provider file when `size-limit` is 0. */
export const DEFAULT_SIZE_LIMIT = 64 * 1024 * 1024;

export interface ProviderDeps {
  readonly logger: Logger;
  /** For GEOIP entries of classical sets; null → they never match a country (LAN still works). */
  readonly geoip?: GeoIpReader | null;
  /** Downloads the provider's content (http providers); absent until the fetch issue lands. */
  readonly fetch?: (cfg: RuleProviderConfig) => Promise<string>;
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
export function parseProvider(cfg: RuleProviderConfig, text: string | readonly string[], deps: Pick<ProviderDeps, 'geoip'> = {}): ParseOutcome {
  const source = typeof text === 'string' ? cfg.path || `rule-providers.${cfg.name}` : `${cfg.where || `rule-providers.${cfg.name}`} payload`;
  if (cfg.format === 'mrs') {
    throw new SyError('SY_ERR_PROVIDER_FORMAT', { where: cfg.where || cfg.name, value: 'mrs', detail: 'not supported yet (a later issue)', expected: 'yaml or text' });
  }
  const warn = new WarningList();
  const entries =
    typeof text === 'string'
      ? readEntries(text, cfg.format, source, warn).entries
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
      matcher = buildClassicalSet(entries, source, warn, deps.geoip ?? null);
      break;
    default:
      throw new SyError('SY_ERR_PROVIDER_BEHAVIOR', { where: cfg.where || cfg.name, value: cfg.behavior, expected: 'domain, ipcidr or classical' });
  }
  return { matcher, count: matcher.size, warnings: warn.done(source) };
}

export class RuleProvider implements RuleSetProvider {
  private cur: RuleSetMatcher | null = null;
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
    if (this.cfg.format === 'mrs') {
      throw this.fail(new SyError('SY_ERR_PROVIDER_FORMAT', { where: this.cfg.where || this.cfg.name, value: 'mrs', detail: 'not supported yet (a later issue)', expected: 'yaml or text' }));
    }
    if (this.cfg.type === 'http' && !(await exists(this.cfg.path))) {
      // No local copy yet: mihomo downloads it now.
      if (this.deps.fetch) return this.update();
      throw this.fail(
        new SyError('SY_ERR_PROVIDER_NO_FETCHER', {
          where: this.cfg.where || this.cfg.name,
          value: this.cfg.path,
          detail: 'no local copy yet, and downloading rule providers is not available in this build',
        }),
      );
    }
    const text = this.cfg.type === 'inline' ? this.cfg.payload : await this.readLocal();
    this.install(text);
  }

  async update(): Promise<void> {
    if (this.cfg.type === 'inline') return this.load();
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

  private async readLocal(): Promise<string> {
    const path = this.cfg.path;
    try {
      if (!this.deps.readFile) {
        const st = await stat(path);
        this.checkSize(st.size, path);
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
  private install(text: string | readonly string[]): void {
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
