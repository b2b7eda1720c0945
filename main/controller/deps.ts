// ControllerDeps: everything the controller's routes need from the running
// core. The ENGINE (main/engine.ts) implements it; the routes see only this
// interface (and core contracts), so they never import engine internals.
//
// Errors: methods throw SyError with a code; the controller maps codes to
// statuses (SY_ERR_*_NOT_FOUND -> 404, *_TIMEOUT -> 504, bad input -> 400).
import type { LogHub } from '../core/logger.js';
import type { Network } from '../core/metadata.js';
import type { Outbound } from '../core/outbound.js';
import type { RuleEngine } from '../core/rule.js';
import type { RuleProviderStatus } from '../core/provider.js';
import type { ConnectionTable } from '../stats/tracker.js';
import type { Sampler } from '../stats/samplers.js';
import type {
  ApiCaptureState,
  ApiConfigs,
  ApiDnsQuery,
  ApiMatchResult,
  ApiMemory,
  ApiMode,
  ApiProfile,
  ApiTraffic,
} from './api-types.js';

/** A validated PATCH /configs body (wire keys already checked and mapped). */
export interface ConfigPatch {
  mode?: ApiMode;
  logLevel?: 'debug' | 'info' | 'warning' | 'error' | 'silent';
  allowLan?: boolean;
  ipv6?: boolean;
  sniffing?: boolean;
  /** switchyard's own: capture toggles; only the given keys change. */
  capture?: Partial<Omit<ApiCaptureState, 'installed' | 'error'>>;
}

/** PUT /configs (and POST /restart): reload; a failure leaves the running config as it was. */
export interface ReloadRequest {
  /** YAML text to load instead of the file. */
  payload?: string;
  /** A config file path ('' = the current one). */
  path?: string;
  /** `?force=true`: mihomo's flag; passed through. */
  force?: boolean;
}

/** Presentation extras of an outbound that the core contract does not carry. */
export interface OutboundDetails {
  testUrl?: string;
  expectedStatus?: string;
  hidden?: boolean;
  icon?: string;
  /** url-test/fallback: the pinned member ('' = none). */
  fixed?: string;
  server?: string;
  port?: number;
  interface?: string;
  routingMark?: number;
  /** Proxies from a proxy provider: its name (mihomo's `provider-name`). */
  providerName?: string;
}

export interface DelayTestOptions {
  url: string;
  timeoutMs: number;
  /** mihomo's `expected`: '200', '200/204', '200-299'; '' = any. */
  expected: string;
}

export interface OutboundsView {
  /** Every outbound including DIRECT, REJECT, groups and GLOBAL, in config order. */
  all(): readonly Outbound[];
  get(name: string): Outbound | undefined;
  details?(name: string): OutboundDetails;
  /** Selector groups: choose `member`; throws SY_ERR_API_NOT_SELECTOR (or a group error) when not allowed. */
  select(group: string, member: string): void;
  /** url-test/fallback: clear the pinned choice (DELETE /proxies/:name). */
  unfix(group: string): void;
  /** One delay test; resolves to ms, rejects on failure (SY_ERR_*_TIMEOUT on timeout). */
  testDelay(name: string, opts: DelayTestOptions): Promise<number>;
}

export interface RuleProviderView extends RuleProviderStatus {
  url?: string;
  /** seconds */
  interval?: number;
  /** Inline providers: the payload lines. */
  payload?: readonly string[];
}

/** One proxy provider as the routes need it (GET/PUT /providers/proxies). */
export interface ProxyProviderView {
  name: string;
  vehicleType: 'HTTP' | 'File' | 'Inline';
  /** Its current proxies' names, in order (looked up through OutboundsView). */
  proxies: readonly string[];
  testUrl: string;
  expectedStatus: string;
  /** RFC 3339; absent before the first successful load. */
  updatedAt?: string;
  subscriptionInfo?: { Upload: number; Download: number; Total: number; Expire: number };
}

export interface ProxyProvidersView {
  list(): readonly ProxyProviderView[];
  /** Update now; rejects with a coded error (and keeps the last good list) on failure. */
  update(name: string): Promise<void>;
  /** Health-check every proxy of the provider; resolves to the delays of those that answered. */
  healthCheck(name: string): Promise<Record<string, number>>;
}

export interface RuleProvidersView {
  list(): readonly RuleProviderView[];
  /** Update now; rejects (and keeps the old set) on failure. */
  update(name: string): Promise<void>;
}

export interface DnsView {
  /** Resolve through the engine's DNS, answer in mihomo's /dns/query shape. */
  query(name: string, qtype: number): Promise<ApiDnsQuery>;
  flushFakeIp(): void;
  flushCache(): void;
}

export interface MatchQuery {
  host: string;
  ip: string;
  port: number;
  network: Network;
  src: string;
  srcPort: number;
}

/** Persisted JSON values for GET/PUT/DELETE /storage/:key (dashboards' settings). */
export interface KeyValueStore {
  get(key: string): Promise<unknown>;
  put(key: string, value: unknown): Promise<void>;
  delete(key: string): Promise<void>;
}

/** A validated POST /profiles body: exactly one of url or payload. */
export interface ProfileAddRequest {
  url?: string;
  payload?: string;
  name?: string;
  /** seconds; 0 = manual */
  interval?: number;
}

/**
 * Profiles (whole configs from subscription URLs) in the config home. Every
 * method throws SyError (SY_ERR_PROFILE_*); a failed update keeps the working
 * profile and records the error on it. `id` is an id or a unique name.
 */
export interface ProfilesView {
  list(): Promise<{ profiles: ApiProfile[]; active: string }>;
  add(req: ProfileAddRequest): Promise<ApiProfile>;
  /** Update now from the URL or file. */
  update(id: string): Promise<ApiProfile>;
  patch(id: string, p: { name?: string; interval?: number }): Promise<ApiProfile>;
  /** Reload the engine with this profile; remembered only when the engine accepted it. */
  activate(id: string): Promise<ApiProfile>;
  /** Not the active profile. */
  remove(id: string): Promise<void>;
  getOverride(id: string): Promise<string>;
  /** Validated (override shape, then the whole config) before it is saved. */
  putOverride(id: string, text: string): Promise<ApiProfile>;
}

/** The running config file, for GET /configs/raw and POST /configs/edit. */
export interface ConfigFileView {
  /**
   * The config the engine runs now: its text and the path edits are written to
   * (`running` when that differs: the bundled default is never written; its
   * edits go to the config home's config.yaml, which `run` picks up next time).
   */
  read(): Promise<{ path: string; payload: string; running?: string }>;
  /** Atomically replaces the file's text (temp file in the same directory + rename). */
  write(path: string, text: string): Promise<void>;
}

export interface ControllerDeps {
  /** switchyard's version without the leading 'v' (package.json). */
  readonly version: string;
  /** The running configuration, in GET /configs form. */
  configs(): ApiConfigs;
  patchConfigs(patch: ConfigPatch): Promise<void>;
  reload(req: ReloadRequest): Promise<void>;
  /**
   * POST /configs/geo (mihomo: "update geo databases"): downloads the geodata
   * the loaded config uses (GeoSite.dat, the ASN database) now; resolves with
   * how many files were checked; rejects with the first coded error. Absent:
   * the endpoint answers 501.
   */
  updateGeoData?(): Promise<number>;
  readonly outbounds: OutboundsView;
  /** The current compiled rules (swapped on reload, hence a getter). */
  rules(): Pick<RuleEngine, 'rules' | 'stats' | 'setDisabled'>;
  readonly ruleProviders: RuleProvidersView;
  /** `proxy-providers:`; absent = only the `default` Compatible provider is served. */
  readonly proxyProviders?: ProxyProvidersView;
  readonly connections: ConnectionTable;
  readonly traffic: Sampler<ApiTraffic>;
  readonly memory: Sampler<ApiMemory>;
  readonly logs: LogHub;
  readonly dns: DnsView;
  /** Where would this connection go? (GET /match, switchyard's own) */
  match(q: MatchQuery): Promise<ApiMatchResult>;
  readonly storage: KeyValueStore;
  /** Profiles; absent = the /profiles routes answer 501. */
  readonly profiles?: ProfilesView;
  /** The running config file; absent = /configs/raw and /configs/edit answer 501. */
  readonly configFile?: ConfigFileView;
}
