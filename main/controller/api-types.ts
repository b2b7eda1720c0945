// Wire types of the Clash/mihomo-compatible controller API. Field names are
// mihomo's (so yacd, metacubexd and zashboard work unchanged). The renderer and
// the Electron shell import this file for types only.

export interface ApiError {
  message: string;
  /** switchyard's error code when there is one (SY_ERR_...). */
  code?: string;
}

export interface ApiVersion {
  meta: boolean;
  version: string;
}

export type ApiMode = 'rule' | 'global' | 'direct';

export interface ApiConfigs {
  port: number;
  'socks-port': number;
  'redir-port': number;
  'tproxy-port': number;
  'mixed-port': number;
  tun: { enable: boolean };
  'allow-lan': boolean;
  'bind-address': string;
  mode: ApiMode;
  'mode-list': ApiMode[];
  'log-level': string;
  ipv6: boolean;
  'routing-mark': number;
  'find-process-mode': string;
  sniffing: boolean;
  /** switchyard's own: capture state as running (not only as configured). */
  capture?: ApiCaptureState;
}

export interface ApiCaptureState {
  enable: boolean;
  local: boolean;
  lan: boolean;
  interfaces: string[];
  ipv6: boolean;
  bypass: string[];
  'on-failure': 'open' | 'closed';
  /** What is really installed now. */
  installed: boolean;
  error: string;
}

export interface ApiConnectionMetadata {
  network: 'tcp' | 'udp';
  type: string;
  sourceIP: string;
  destinationIP: string;
  sourceGeoIP: string[] | null;
  destinationGeoIP: string[] | null;
  sourceIPASN: string;
  destinationIPASN: string;
  sourcePort: string;
  destinationPort: string;
  inboundIP: string;
  inboundPort: string;
  inboundName: string;
  inboundUser: string;
  host: string;
  dnsMode: string;
  uid: number;
  process: string;
  processPath: string;
  specialProxy: string;
  specialRules: string;
  remoteDestination: string;
  dscp: number;
  sniffHost: string;
}

export interface ApiConnection {
  id: string;
  metadata: ApiConnectionMetadata;
  upload: number;
  download: number;
  /** RFC3339 */
  start: string;
  /** leaf first, the group named by the rule last */
  chains: string[];
  providerChains: string[];
  /** CamelCase rule type, '' when nothing matched */
  rule: string;
  rulePayload: string;
}

export interface ApiConnections {
  downloadTotal: number;
  uploadTotal: number;
  connections: ApiConnection[];
  memory: number;
}

/** switchyard's own: closed connections, newest first (GET /connections/closed). */
export interface ApiClosedConnection extends ApiConnection {
  /** RFC3339 */
  end: string;
  /** Why it ended: 'closed', 'reset', 'timeout', 'rejected', 'error: ...' */
  reason: string;
}

export interface ApiTraffic {
  up: number;
  down: number;
  upTotal: number;
  downTotal: number;
}

export interface ApiMemory {
  inuse: number;
  oslimit: number;
}

export interface ApiLog {
  type: 'debug' | 'info' | 'warning' | 'error';
  payload: string;
}

export interface ApiLogStructured {
  time: string;
  level: 'debug' | 'info' | 'warning' | 'error';
  message: string;
  fields: { key: string; value: string }[];
}

export interface ApiDelayHistory {
  time: string;
  delay: number;
}

export interface ApiProxy {
  name: string;
  type: string;
  udp: boolean;
  uot: boolean;
  xudp: boolean;
  tfo: boolean;
  mptcp: boolean;
  smux: boolean;
  interface: string;
  'routing-mark': number;
  'dialer-proxy': string;
  'provider-name': string;
  alive: boolean;
  history: ApiDelayHistory[];
  extra: Record<string, { alive: boolean; history: ApiDelayHistory[] }>;
  // groups only
  now?: string;
  all?: string[];
  hidden?: boolean;
  icon?: string;
  testUrl?: string;
  expectedStatus?: string;
  fixed?: string;
  /** switchyard's own: the upstream address, for upstreams */
  server?: string;
  port?: number;
}

export interface ApiProxies {
  proxies: Record<string, ApiProxy>;
}

export interface ApiRule {
  index: number;
  type: string;
  payload: string;
  proxy: string;
  size: number;
  /** `inactive` (ours): why a loaded rule can never match (GEOSITE/IP-ASN without data) */
  extra: { disabled: boolean; hitCount: number; hitAt: string; missCount: number; missAt: string; inactive?: string };
}

export interface ApiRules {
  rules: ApiRule[];
}

export interface ApiRuleProvider {
  name: string;
  type: 'Rule';
  behavior: 'Domain' | 'IPCIDR' | 'Classical';
  format: 'YamlRule' | 'TextRule' | 'MrsRule';
  vehicleType: 'HTTP' | 'File' | 'Inline';
  ruleCount: number;
  updatedAt: string;
  payload?: string[];
  /** switchyard's own: last update error, '' if none */
  lastError?: string;
  url?: string;
  interval?: number;
}

export interface ApiRuleProviders {
  providers: Record<string, ApiRuleProvider>;
}

export interface ApiProxyProvider {
  name: string;
  type: 'Proxy';
  vehicleType: 'HTTP' | 'File' | 'Inline' | 'Compatible';
  proxies: ApiProxy[];
  testUrl: string;
  expectedStatus: string;
  updatedAt?: string;
  /** From the subscription's `subscription-userinfo` header (http providers). */
  subscriptionInfo?: { Upload: number; Download: number; Total: number; Expire: number };
}

export interface ApiProxyProviders {
  providers: Record<string, ApiProxyProvider>;
}

export interface ApiDnsAnswer {
  name: string;
  type: number;
  TTL: number;
  data: string;
}

export interface ApiDnsQuery {
  Status: number;
  Question: { Name: string; Qtype: number; Qclass: number }[];
  TC: boolean;
  RD: boolean;
  RA: boolean;
  AD: boolean;
  CD: boolean;
  Answer?: ApiDnsAnswer[];
}

/** switchyard's own: `GET /match?host=&ip=&port=&network=` explains a decision. */
export interface ApiMatchResult {
  target: string;
  rule: string;
  payload: string;
  index: number;
  chain: string[];
}

// ---- profiles (switchyard's own; see docs/profiles.md) ----

/** The `subscription-userinfo` header: bytes, expire in unix seconds (0 = never). */
export interface ApiSubscriptionInfo {
  upload: number;
  download: number;
  total: number;
  expire: number;
}

/** GET /profiles item: one profile (a whole Clash config from a URL, a file, or a payload). */
export interface ApiProfile {
  id: string;
  name: string;
  /** Where updates come from: a subscription URL, a local file, or nowhere (payload given once). */
  type: 'url' | 'file' | 'local';
  /** The subscription URL ('' unless type is url). It may carry a token: show it to the owner only. */
  url: string;
  /** The source file (type file), '' otherwise. */
  path: string;
  /** Auto-update interval in seconds; 0 = manual. */
  interval: number;
  /** unix ms of the last successful update; 0 = never. */
  updated: number;
  active: boolean;
  /** The user has an override (edits kept across updates). */
  override: boolean;
  userinfo: ApiSubscriptionInfo | null;
  /** The last failed update (cleared by a successful one); the working profile stayed. */
  error: { code: string; message: string; at: number } | null;
  /** Consecutive failed updates. */
  failures: number;
}

export interface ApiProfiles {
  profiles: ApiProfile[];
  /** The active profile's id, '' when none (first run). */
  active: string;
}

/** GET/PUT /profiles/:id/override body. */
export interface ApiProfileOverride {
  /** The override's YAML text ('' = none). */
  payload: string;
}

/** GET /configs/raw (switchyard's own): the running config file. `profile` = the profile id whose effective file it is ('' = a plain file; edits then go to the file). */
export interface ApiConfigRaw {
  path: string;
  payload: string;
  profile: string;
  /** The core runs the bundled default config (first run: edits create `path`). */
  bundled: boolean;
}

/** One edit of POST /configs/edit `{ops: ApiConfigEditOp[]}` (see main/config/edit.ts). Rule indexes are positions in `rules:`. */
export type ApiConfigEditOp =
  | { op: 'rule.insert'; index?: number; rule: string }
  | { op: 'rule.replace'; index: number; rule: string }
  | { op: 'rule.delete'; index: number }
  | { op: 'rule.move'; from: number; to: number }
  | { op: 'rule-provider.put'; name: string; provider: { type: 'http' | 'file' | 'inline'; behavior: 'domain' | 'ipcidr' | 'classical'; format?: 'yaml' | 'text' | 'mrs'; url?: string; interval?: number; path?: string; payload?: string[] } }
  | { op: 'rule-provider.delete'; name: string }
  | { op: 'proxy.put'; proxy: { name: string; type: 'socks5'; server: string; port: number; username?: string; password?: string; udp?: boolean } }
  | { op: 'proxy.delete'; name: string }
  | { op: 'group.add-member'; group: string; name: string }
  | { op: 'group.remove-member'; group: string; name: string };
