// GeoSite.dat and the ASN mmdb in the running core, as mihomo does it: when
// the loaded rules (or DNS `geosite:` keys) need data that is not there, it
// is downloaded in the background from `geox-url` THROUGH THE RULES (the
// URL's host is decided like any other connection of the core; the chosen
// outbound dials it), with the rule-provider machinery: size limit that
// rejects, conditional request (ETag / Last-Modified beside the file),
// validated by decoding BEFORE an atomic swap, the last good copy kept.
// When new data lands, `onUpdated` recompiles the rules (the engine's
// generation swap; established connections keep their sockets), so inactive
// GEOSITE / IP-ASN rules become active. Failures are located warnings and are
// retried with backoff; never fatal. `geo-auto-update` refreshes both files
// every `geo-update-interval` hours (±10% jitter), swapping on change only.
//
// Lifecycle: startGeoData() → timers (unref'd) → stop(). One instance per
// loaded config; the engine restarts it on reload.
import { existsSync, readFileSync, statSync } from 'node:fs';
import type { Config } from '../config/types.js';
import { SyError, isSyError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { newMetadata } from '../core/metadata.js';
import type { Dial } from '../fetch/http-get.js';
import { DEFAULT_GEOSITE_URL, GEOSITE_SIZE_LIMIT, geoSiteTarget, needsAsnData, needsGeoSite } from '../geodata/files.js';
import { decodeGeoSite } from '../geodata/geosite.js';
import { ASN_SIZE_LIMIT, DEFAULT_ASN_URL, asnTarget, validateAsn } from '../geodata/asn-file.js';
import { download, readCacheMeta, sha256, writeCacheAtomic } from '../providers/http-fetch.js';
import { startRefresh, type RefreshHandle, type RefreshItem } from '../providers/refresh.js';
import { decide, resolveRoute, type RouteDeps } from '../tunnel/route.js';

export type GeoKind = 'geosite' | 'asn';

/** One geodata file: where it comes from, where it goes, how a body is checked. */
export interface GeoFile {
  readonly kind: GeoKind;
  readonly url: string;
  /** The local copy (beside the config / in the home). */
  readonly target: string;
  /** Config location for messages (`geox-url.geosite`). */
  readonly where: string;
  readonly sizeLimit: number;
  /** Throws a coded error when the body is unusable; returns a one-line summary. */
  validate(body: Buffer): string;
}

export type GeoUpdateResult =
  | { readonly status: 'unchanged' }
  | { readonly status: 'updated'; readonly summary: string; readonly bytes: number };

/** mihomo's default hours between geodata refreshes. */
export const DEFAULT_GEO_UPDATE_HOURS = 24;

/** The file of `kind` for a config (URL from geox-url, else mihomo's default). */
export function geoFileOf(kind: GeoKind, c: Pick<Config, 'file' | 'home' | 'geoxUrl'>): GeoFile {
  if (kind === 'geosite') {
    return {
      kind, url: c.geoxUrl?.geosite || DEFAULT_GEOSITE_URL, target: geoSiteTarget(c.file, c.home), where: 'geox-url.geosite', sizeLimit: GEOSITE_SIZE_LIMIT,
      validate: (body) => `${decodeGeoSite(body, c.geoxUrl?.geosite || DEFAULT_GEOSITE_URL).categories.length} categories`,
    };
  }
  const url = c.geoxUrl?.asn || DEFAULT_ASN_URL;
  return { kind, url, target: asnTarget(c.home), where: 'geox-url.asn', sizeLimit: ASN_SIZE_LIMIT, validate: (body) => validateAsn(body, url) };
}

/** The files the config's rules / DNS keys use (plus those forced: `geo update --asn`, GEOSITE / IP-ASN lines in classical rule sets). */
export function neededGeoFiles(config: Config, force: { geosite?: boolean; asn?: boolean } = {}): GeoFile[] {
  const out: GeoFile[] = [];
  if (force.geosite || needsGeoSite(config)) out.push(geoFileOf('geosite', config));
  if (force.asn || needsAsnData(config)) out.push(geoFileOf('asn', config));
  return out;
}

/**
 * Downloads `f` through `dial` and installs it: 304 / identical content →
 * unchanged; otherwise validated, then written atomically with its
 * validators. Rejects with a coded error and leaves the old file on any failure.
 */
export async function updateGeoFile(f: GeoFile, dial: Dial, opts: { timeoutMs?: number; ca?: string | Buffer; unconditional?: boolean } = {}): Promise<GeoUpdateResult> {
  // unconditional: the local copy is known bad, so neither its validators nor its bytes count.
  const have = !opts.unconditional && existsSync(f.target);
  const meta = have ? await readCacheMeta(f.target) : { etag: '', lastModified: '', sha256: '' };
  const r = await download(dial, f.url, {
    ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
    ...(opts.ca ? { ca: opts.ca } : {}),
    sizeLimit: f.sizeLimit,
    validators: meta,
    where: f.where,
  });
  if (r.notModified) return { status: 'unchanged' };
  const sum = sha256(r.body);
  if (have && sum === sha256(readFileSync(f.target))) {
    await writeCacheAtomic(f.target, r.body, { etag: r.etag, lastModified: r.lastModified, sha256: sum });
    return { status: 'unchanged' };
  }
  const summary = f.validate(r.body);
  await writeCacheAtomic(f.target, r.body, { etag: r.etag, lastModified: r.lastModified, sha256: sum });
  return { status: 'updated', summary, bytes: r.body.length };
}

/**
 * A Dial routed by the rules (mihomo: the core's own downloads are decided
 * like any connection): the decision's outbound dials; REJECT or a group with
 * no usable member fails with SY_ERR_PROVIDER_FETCH saying why.
 */
export function dialByRules(deps: RouteDeps, inboundName: string, onRoute?: (chain: readonly string[], host: string) => void): Dial {
  return async (dst, signal) => {
    const meta = newMetadata({ network: 'tcp', type: 'Inner', host: dst.host, dstIP: dst.ip, dstPort: dst.port, inboundName });
    const decision = await decide(meta, deps);
    const route = resolveRoute(decision, meta, deps.outbounds());
    onRoute?.(route.chain, dst.host || dst.ip);
    if (!route.leaf) {
      throw new SyError('SY_ERR_PROVIDER_FETCH', { where: inboundName, value: dst.host || dst.ip, detail: `the rules send it to ${decision.target}: ${route.why || 'rejected'}` });
    }
    return route.leaf.dialTcp({ host: dst.host, ip: meta.dstIP || dst.ip, port: dst.port }, meta, signal);
  };
}

export interface GeoDataDeps {
  readonly config: Config;
  /** How downloads are dialed (dialByRules in the engine). */
  readonly dial: Dial;
  readonly logger: Logger;
  /** New data is installed: recompile the rules. */
  readonly onUpdated: (kind: GeoKind) => Promise<void>;
  readonly timeoutMs?: number;
  readonly ca?: string | Buffer;
  /** First retry delay after a failure (default 30 s). */
  readonly backoffBaseMs?: number;
  readonly random?: () => number;
  /** Overrides geo-update-interval, in seconds (tests). */
  readonly intervalS?: number;
  /** Needed although the config's rules do not say so (classical rule sets with GEOSITE / IP-ASN lines). */
  readonly force?: { readonly geosite?: boolean; readonly asn?: boolean };
  /** Local files found malformed: downloaded at once, unconditionally (mihomo: "invalid, remove and download"). */
  readonly replace?: { readonly geosite?: boolean; readonly asn?: boolean };
}

export interface GeoDataHandle {
  /** The files watched (for status and tests). */
  readonly files: readonly GeoFile[];
  /** Downloads every watched file now (POST /configs/geo, tests); rejects with the first error. */
  updateNow(): Promise<GeoUpdateResult[]>;
  stop(): void;
}

/** Starts the background downloads and refreshes the config needs; nothing to do → an idle handle. */
export function startGeoData(deps: GeoDataDeps): GeoDataHandle {
  const { config, logger } = deps;
  const auto = config.geoAutoUpdate === true;
  const intervalS = deps.intervalS ?? (config.geoUpdateInterval ?? DEFAULT_GEO_UPDATE_HOURS) * 3600;
  // Needed files, plus (with auto-update) the ones already present.
  const files = neededGeoFiles(config, { geosite: deps.force?.geosite || deps.replace?.geosite, asn: deps.force?.asn || deps.replace?.asn });
  const bad = new Set(files.filter((f) => deps.replace?.[f.kind]).map((f) => f.kind));
  if (auto) for (const k of ['geosite', 'asn'] as const) if (!files.some((f) => f.kind === k) && existsSync(geoFileOf(k, config).target)) files.push(geoFileOf(k, config));
  let stopped = false;
  const updateOne = async (f: GeoFile): Promise<GeoUpdateResult> => {
    let r: GeoUpdateResult;
    try {
      r = await updateGeoFile(f, deps.dial, { timeoutMs: deps.timeoutMs, ca: deps.ca, unconditional: bad.has(f.kind) });
    } catch (e) {
      const err = isSyError(e) ? e : new SyError('SY_ERR_PROVIDER_FETCH', { where: f.where, value: f.url, cause: e });
      throw new SyError(err.code, { where: f.where, value: f.url, detail: `${err.message}${existsSync(f.target) ? '; kept the last good copy' : '; the rules that need it stay inactive'}`, cause: err });
    }
    bad.delete(f.kind);
    if (r.status === 'updated') {
      logger.info(`geodata ${f.kind} updated`, { file: f.target, url: f.url, summary: r.summary, bytes: r.bytes });
      // A download that finishes after stop() (engine stopped or reloaded) installs the file but recompiles nothing.
      if (!stopped) await deps.onUpdated(f.kind);
    }
    return r;
  };
  const now = Date.now();
  const items: RefreshItem[] = [];
  for (const f of files) {
    let mtime = 0;
    try {
      mtime = bad.has(f.kind) ? 0 : statSync(f.target).mtimeMs;
    } catch {
      /* missing */
    }
    if (mtime === 0) {
      logger.warn(`geodata ${f.kind} ${bad.has(f.kind) ? 'malformed' : 'missing'}: downloading ${f.url} in the background`, { where: f.where, file: f.target });
      items.push({ provider: { name: f.where, update: () => updateOne(f).then(() => {}) }, interval: auto ? intervalS : 0, firstDelayMs: 0 });
    } else if (auto) {
      items.push({ provider: { name: f.where, update: () => updateOne(f).then(() => {}) }, interval: intervalS, firstDelayMs: Math.max(0, mtime + intervalS * 1000 - now) });
    }
  }
  let refresh: RefreshHandle | undefined = items.length > 0
    ? startRefresh(items, { logger, label: 'geodata', ...(deps.random ? { random: deps.random } : {}), ...(deps.backoffBaseMs !== undefined ? { backoffBaseMs: deps.backoffBaseMs } : {}) })
    : undefined;
  return {
    files,
    updateNow: async () => {
      const out: GeoUpdateResult[] = [];
      for (const f of files) out.push(await updateOne(f));
      return out;
    },
    stop() {
      stopped = true;
      refresh?.stop();
      refresh = undefined;
    },
  };
}
