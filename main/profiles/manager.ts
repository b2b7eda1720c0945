// ProfileManager: import, update, switch, edit and remove profiles in the
// config home. Contract:
// - a candidate (download, file, payload, or a new override) is applied to the
//   override and checked like `switchyard check` BEFORE anything is written;
//   a failed, empty, oversized or invalid candidate never replaces the working
//   profile, and its coded, located error is recorded on the profile;
// - files are written atomically (temp + rename);
// - activating asks the engine to load the effective file through the
//   injected `reload`; when that fails nothing changes;
// - operations run one at a time (one process; the CLI and a running core
//   editing the same home at once are not coordinated).
import { resolve } from 'node:path';
import { SyError, isSyError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { redactUrl, checkUrl, type DownloadOptions, type DownloadResult } from './download.js';
import { badInput, checkInterval, DEFAULT_URL_INTERVAL, defaultName, find, sourceLabel, uniqueName } from './helpers.js';
import { fetchSource, type Fetched } from './source.js';
import { applyOverride, parseOverride } from './override.js';
import { createAutoUpdater, type AutoUpdater } from './scheduler.js';
import { newProfileId, profilePaths, readIndex, readText, removeFiles, writeAtomic, type ProfilePaths } from './store.js';
import type { ProfileIndex, ProfileRecord, ProfileView } from './types.js';
import { cleanName } from './userinfo.js';
import { checkCandidate, invalidProfile } from './validate.js';

export interface ProfileManagerDeps {
  /** The config home (`$XDG_CONFIG_HOME/switchyard`); profiles live in `<home>/profiles/`. */
  home: string;
  logger: Logger;
  /** Loads a config file into the running engine; rejects when it cannot (the old config keeps running). Absent = only remember. */
  reload?: (file: string) => Promise<void>;
  /** Injected for tests; default node:http(s). */
  download?: (url: string, opts: Partial<DownloadOptions>) => Promise<DownloadResult>;
  downloadOptions?: Partial<DownloadOptions>;
  now?: () => number;
  random?: () => number;
}

export interface AddProfileInput {
  url?: string;
  /** A local config file (kept as the source: update re-reads it). */
  file?: string;
  /** Config text given once (POST /profiles {name, payload}). */
  payload?: string;
  name?: string;
  /** Auto-update interval in seconds (URL profiles); default 86400 for URLs, 0 otherwise. */
  interval?: number;
}

export interface ProfilePatch {
  name?: string;
  interval?: number;
}


export class ProfileManager {
  readonly paths: ProfilePaths;
  private chain: Promise<unknown> = Promise.resolve();
  private auto: AutoUpdater | null = null;
  private readonly now: () => number;

  constructor(private readonly d: ProfileManagerDeps) {
    this.paths = profilePaths(d.home);
    this.now = d.now ?? Date.now;
  }

  /** Every profile, in index order. */
  list(): Promise<ProfileView[]> {
    return this.serial(async () => {
      const idx = await readIndex(this.paths.index);
      return Promise.all(idx.profiles.map((p) => this.view(idx, p)));
    });
  }

  /** One profile by id or by name. */
  get(ref: string): Promise<ProfileView> {
    return this.serial(async () => {
      const idx = await readIndex(this.paths.index);
      return this.view(idx, find(idx, ref));
    });
  }

  async add(input: AddProfileInput): Promise<ProfileView> {
    const given = [input.url, input.file, input.payload].filter((x) => x !== undefined).length;
    if (given !== 1) throw badInput('add', input.url ?? input.file, 'exactly one of url, file or payload');
    const interval = checkInterval(input.interval ?? (input.url !== undefined ? DEFAULT_URL_INTERVAL : 0));
    const id = newProfileId();
    const rec: ProfileRecord = {
      id,
      name: '',
      source: input.url !== undefined ? { type: 'url', url: checkUrl(input.url).toString() } : input.file !== undefined ? { type: 'file', path: resolve(input.file) } : { type: 'local' },
      interval: input.url !== undefined ? interval : 0,
      updatedAt: 0,
      lastError: null,
      failures: 0,
      userinfo: null,
    };
    const got: Fetched | null = input.payload !== undefined ? { text: input.payload, name: '', userinfo: null, validators: {} } : await fetchSource(rec, this.d);
    if (got === null) throw new SyError('SY_ERR_PROFILE_EMPTY', { where: sourceLabel(rec) });
    return this.serial(async () => {
      const idx = await readIndex(this.paths.index);
      rec.name = uniqueName(idx, cleanName(input.name ?? '') || got.name || defaultName(rec));
      await this.install(rec, got.text, '');
      rec.userinfo = got.userinfo;
      Object.assign(rec, got.validators);
      rec.updatedAt = this.now();
      idx.profiles.push(rec);
      await this.saveIndex(idx);
      this.kick();
      return this.view(idx, rec);
    });
  }

  /** Update now from the URL or file. On failure the error is recorded on the profile and thrown; the working profile stays. */
  async update(ref: string): Promise<ProfileView> {
    const first = await this.serial(async () => find(await readIndex(this.paths.index), ref));
    // The download runs outside the lock; its outcome is applied under it.
    const got = await fetchSource(first, this.d).then(
      (r) => ({ ok: true as const, r }),
      (e: unknown) => ({ ok: false as const, e }),
    );
    return this.serial(async () => {
      const idx = await readIndex(this.paths.index);
      const rec = find(idx, first.id);
      try {
        if (!got.ok) throw got.e;
        if (got.r !== null) {
          const override = (await readText(this.paths.override(rec.id))) ?? '';
          await this.install(rec, got.r.text, override, idx.active === rec.id);
          rec.userinfo = got.r.userinfo ?? rec.userinfo;
          delete rec.etag;
          delete rec.lastModified;
          Object.assign(rec, got.r.validators);
        }
        rec.updatedAt = this.now();
        rec.lastError = null;
        rec.failures = 0;
      } catch (e) {
        const err = isSyError(e) ? e : new SyError('SY_ERR_PROFILE_IO', { where: `profile ${rec.name}`, cause: e });
        rec.lastError = { code: err.code, message: err.message, at: this.now() };
        rec.failures += 1;
        await this.saveIndex(idx);
        throw err;
      } finally {
        this.kick();
      }
      await this.saveIndex(idx);
      return this.view(idx, rec);
    });
  }

  patch(ref: string, p: ProfilePatch): Promise<ProfileView> {
    return this.serial(async () => {
      const idx = await readIndex(this.paths.index);
      const rec = find(idx, ref);
      if (p.name !== undefined) {
        const name = cleanName(p.name);
        if (!name) throw badInput('name', p.name, 'a non-empty name of at most 64 characters');
        if (idx.profiles.some((x) => x.id !== rec.id && x.name === name)) throw badInput('name', p.name, 'a name no other profile has');
        rec.name = name;
      }
      if (p.interval !== undefined) rec.interval = checkInterval(p.interval);
      await this.saveIndex(idx);
      this.kick();
      return this.view(idx, rec);
    });
  }

  /** Makes a profile the one the core runs: reload first, remember only when the engine accepted it. */
  activate(ref: string): Promise<ProfileView> {
    return this.serial(async () => {
      const idx = await readIndex(this.paths.index);
      const rec = find(idx, ref);
      const file = this.paths.effective(rec.id);
      if ((await readText(file)) === null) {
        const base = await readText(this.paths.base(rec.id));
        if (base === null) throw new SyError('SY_ERR_PROFILE_IO', { where: this.paths.base(rec.id), detail: 'the profile file is missing' });
        await writeAtomic(file, this.effective(rec, base, (await readText(this.paths.override(rec.id))) ?? ''), this.paths.dir);
      }
      await this.reloadEngine(file);
      idx.active = rec.id;
      await this.saveIndex(idx);
      return this.view(idx, rec);
    });
  }

  remove(ref: string): Promise<void> {
    return this.serial(async () => {
      const idx = await readIndex(this.paths.index);
      const rec = find(idx, ref);
      if (idx.active === rec.id) throw new SyError('SY_ERR_PROFILE_ACTIVE', { where: `profile ${rec.name}`, detail: 'activate another profile first' });
      idx.profiles = idx.profiles.filter((p) => p.id !== rec.id);
      await this.saveIndex(idx);
      await removeFiles([this.paths.base(rec.id), this.paths.override(rec.id), this.paths.effective(rec.id)]);
      this.kick();
    });
  }

  /** The override's YAML text ('' when none). */
  getOverride(ref: string): Promise<string> {
    return this.serial(async () => {
      const rec = find(await readIndex(this.paths.index), ref);
      return (await readText(this.paths.override(rec.id))) ?? '';
    });
  }

  /** Checks the override, then the profile with it applied; saves both only when valid (and reloads an active profile). */
  putOverride(ref: string, text: string): Promise<ProfileView> {
    return this.serial(async () => {
      const idx = await readIndex(this.paths.index);
      const rec = find(idx, ref);
      const base = await readText(this.paths.base(rec.id));
      if (base === null) throw new SyError('SY_ERR_PROFILE_IO', { where: this.paths.base(rec.id), detail: 'the profile file is missing' });
      await this.install(rec, base, text, idx.active === rec.id, true);
      return this.view(idx, rec);
    });
  }

  /** Starts auto-updates (timers are unref'd: they never keep the process alive). */
  startAutoUpdate(): void {
    if (this.auto) return;
    this.auto = createAutoUpdater({
      records: async () => (await readIndex(this.paths.index)).profiles,
      update: (id) => this.update(id),
      logger: this.d.logger,
      ...(this.d.now ? { now: this.d.now } : {}),
      ...(this.d.random ? { random: this.d.random } : {}),
    });
    this.kick();
  }

  close(): void {
    this.auto?.close();
    this.auto = null;
  }

  // ---- internals ----

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch(() => {});
    return run;
  }

  private kick(): void {
    void this.auto?.reschedule();
  }

  private effective(rec: ProfileRecord, base: string, overrideText: string): string {
    const header = `# switchyard: profile "${rec.name.replace(/[\r\n]/g, ' ')}" (${rec.id}) with its override applied. Generated: edit the override, not this file.`;
    return applyOverride(base, parseOverride(overrideText, this.paths.override(rec.id)), header);
  }

  /**
   * Checks base+override and, only when valid, writes the base, the override
   * (when `saveOverride`) and the effective file; an active profile is
   * reloaded, and its previous files are restored if the engine refuses.
   */
  private async install(rec: ProfileRecord, base: string, overrideText: string, active = false, saveOverride = false): Promise<void> {
    const shownAs = this.paths.effective(rec.id);
    if (base.trim() === '') throw new SyError('SY_ERR_PROFILE_EMPTY', { where: rec.source.type === 'url' ? redactUrl(rec.source.url) : shownAs });
    const eff = this.effective(rec, base, overrideText);
    const errors = await checkCandidate(this.paths, rec.id, eff, this.d.logger, shownAs);
    if (errors.length > 0) throw invalidProfile(rec.source.type === 'url' ? redactUrl(rec.source.url) : shownAs, errors);
    const files: Array<[string, string]> = [[this.paths.base(rec.id), base], [shownAs, eff]];
    if (saveOverride) files.push([this.paths.override(rec.id), overrideText]);
    const before = await Promise.all(files.map(async ([f]) => [f, await readText(f)] as const));
    for (const [f, t] of files) await writeAtomic(f, t, this.paths.dir);
    if (!active) return;
    try {
      await this.reloadEngine(shownAs);
    } catch (e) {
      for (const [f, t] of before) {
        if (t === null) await removeFiles([f]);
        else await writeAtomic(f, t, this.paths.dir);
      }
      throw e;
    }
  }

  private async reloadEngine(file: string): Promise<void> {
    if (!this.d.reload) return;
    try {
      await this.d.reload(file);
    } catch (cause) {
      throw new SyError('SY_ERR_PROFILE_RELOAD', { where: file, cause, detail: isSyError(cause) ? cause.message : String(cause) });
    }
  }

  private async saveIndex(idx: ProfileIndex): Promise<void> {
    await writeAtomic(this.paths.index, JSON.stringify(idx, null, 2) + '\n', this.paths.dir);
  }

  private async view(idx: ProfileIndex, p: ProfileRecord): Promise<ProfileView> {
    const hasOverride = ((await readText(this.paths.override(p.id))) ?? '').trim() !== '';
    return { ...structuredClone(p), active: idx.active === p.id, file: this.paths.effective(p.id), hasOverride };
  }
}
