// The frozen, checked configuration every other layer receives. Field names
// are camelCase here; Clash's wire keys (`mixed-port`) live only in config/.
import type { LogLevel } from '../core/logger.js';

/** Where a value was written: for located errors and warnings. */
export interface SourcePos {
  readonly file: string;
  readonly line: number; // 1-based
  readonly col: number; // 1-based
}

/** `file:line:col keyPath`, e.g. `config.yaml:41:5 rules[12]`. */
export type Where = string;

export type Mode = 'rule' | 'global' | 'direct';

export interface ProxyConfig {
  readonly name: string;
  /** Lower-case type as written: socks5, http, ss, vmess, ... */
  readonly type: string;
  /** False for types switchyard does not relay (loaded as unavailable members). */
  readonly supported: boolean;
  readonly server: string;
  readonly port: number;
  readonly username: string;
  readonly password: string;
  readonly udp: boolean;
  /** http upstreams: TLS to the proxy. */
  readonly tls: boolean;
  readonly skipCertVerify: boolean;
  readonly where: Where;
}

export type GroupType = 'select' | 'url-test' | 'fallback' | 'load-balance';

export interface GroupConfig {
  readonly name: string;
  readonly type: GroupType;
  /** Member names (proxies, groups, DIRECT/REJECT), in order. */
  readonly proxies: readonly string[];
  readonly url: string;
  /** seconds; 0 = no periodic check */
  readonly interval: number;
  /** ms */
  readonly timeout: number;
  /** ms */
  readonly tolerance: number;
  readonly lazy: boolean;
  readonly expectedStatus: string;
  readonly hidden: boolean;
  readonly icon: string;
  readonly where: Where;
  /** Proxy providers whose proxies join the members (mihomo `use:`; with `include-all(-providers)`: every provider). */
  readonly use?: readonly string[];
  /** `include-all` / `include-all-proxies`: every proxy of `proxies:` joins (filtered by `filter`). */
  readonly includeAllProxies?: boolean;
  /** `include-all` / `include-all-providers`: every proxy provider is used. */
  readonly includeAllProviders?: boolean;
  /** Regexes (written separated by a backtick): provider proxies must match one. */
  readonly filter?: string;
  /** Regexes (backtick-separated): matching members are dropped. */
  readonly excludeFilter?: string;
  /** `|`-separated proxy types (case-insensitive) dropped from the members. */
  readonly excludeType?: string;
}

/** A provider's (or group's) health check. */
export interface HealthCheckConfig {
  readonly enable: boolean;
  readonly url: string;
  /** seconds; 0 = no periodic check */
  readonly interval: number;
  /** ms */
  readonly timeout: number;
  /** only check while a group using the provider was used recently */
  readonly lazy: boolean;
  readonly expectedStatus: string;
}

/** What rule and proxy providers share: where their content comes from and how it is fetched. */
export interface ProviderSourceConfig {
  readonly name: string;
  readonly type: 'file' | 'http' | 'inline';
  readonly url: string;
  /** Absolute path of the local copy ('' for inline). Always inside the config home for http. */
  readonly path: string;
  /** seconds; 0 = never refresh */
  readonly interval: number;
  /** outbound used to download; '' = DIRECT for proxy providers, the engine's own rules for rule providers */
  readonly proxy: string;
  /** bytes; 0 = the default limit (see providers/, proxy-providers/) */
  readonly sizeLimit: number;
  readonly header: Readonly<Record<string, readonly string[]>>;
  readonly where: Where;
}

/** `proxy-providers:` entry (mihomo adapter/provider/parser.go). */
export interface ProxyProviderConfig extends ProviderSourceConfig {
  readonly healthCheck: HealthCheckConfig;
  /** `override:` as written (udp, skip-cert-verify, additional-prefix/suffix, proxy-name are applied). */
  readonly override: Readonly<Record<string, unknown>>;
  readonly filter: string;
  readonly excludeFilter: string;
  readonly excludeType: string;
  /** inline providers: the proxies, checked at load */
  readonly payload: readonly ProxyConfig[];
}

export type ProviderBehavior = 'domain' | 'ipcidr' | 'classical';
export type ProviderFormat = 'yaml' | 'text' | 'mrs';

export interface RuleProviderConfig extends ProviderSourceConfig {
  readonly behavior: ProviderBehavior;
  readonly format: ProviderFormat;
  /** inline providers: the entries */
  readonly payload: readonly string[];
}

/** One rule line as written, with its position. Parsed by rules/. */
export interface RuleLine {
  readonly raw: string;
  readonly where: Where;
}

export interface DnsConfig {
  readonly enable: boolean;
  /** host:port of the DNS listener */
  readonly listen: string;
  readonly ipv6: boolean;
  readonly enhancedMode: 'fake-ip' | 'redir-host' | 'normal';
  /** CIDR, default 198.18.0.1/16 */
  readonly fakeIpRange: string;
  /** CIDR for AAAA fake IPs, '' = none */
  readonly fakeIpRange6: string;
  /** Clash wildcard patterns that get real answers */
  readonly fakeIpFilter: readonly string[];
  /** udp://ip:port, tcp://ip:port, plain ip, https://..., tls://... */
  readonly nameserver: readonly string[];
  readonly defaultNameserver: readonly string[];
  readonly fallback: readonly string[];
  readonly nameserverPolicy: Readonly<Record<string, readonly string[]>>;
  readonly useHosts: boolean;
  /** `fallback-filter`: when fallback answers win over the main ones */
  readonly fallbackFilter?: {
    readonly geoip: boolean;
    readonly geoipCode: string;
    readonly ipcidr: readonly string[];
    readonly domain: readonly string[];
    readonly geosite: readonly string[];
  };
  /** resolves the proxies' server names; [] = the main nameservers */
  readonly proxyServerNameserver?: readonly string[];
  /** mihomo's respect-rules (accepted; reported as not supported yet by dns/) */
  readonly respectRules?: boolean;
  readonly where: Where;
}

export interface CaptureConfig {
  readonly enable: boolean;
  readonly local: boolean;
  readonly lan: boolean;
  readonly interfaces: readonly string[];
  readonly ipv6: boolean;
  /** CIDRs never captured (in addition to reserved/private ranges). */
  readonly bypass: readonly string[];
  readonly onFailure: 'open' | 'closed';
  /** Interface name patterns never captured (nft wildcard syntax), default docker*, veth*, br-* */
  readonly excludeInterfaces: readonly string[];
  /** fwmark that routes captured packets into the TPROXY table */
  readonly mark: number;
  /** policy routing table number */
  readonly table: number;
  /** redirect DNS (53) from captured sources to dns.listen */
  readonly dnsRedirect: boolean;
  /** dead-man switch: elements time out after this many seconds unless refreshed */
  readonly deadmanSeconds: number;
}

export interface ControllerCors {
  readonly allowOrigins: readonly string[];
  readonly allowPrivateNetwork: boolean;
}

export interface Config {
  /** Absolute path of the file loaded, or '' when built in memory. */
  readonly file: string;
  /** Directory for state, provider caches and relative paths (the config file's directory by default). */
  readonly home: string;
  readonly mode: Mode;
  readonly logLevel: LogLevel;
  /** 0 = off */
  readonly mixedPort: number;
  /** 0 = off */
  readonly tproxyPort: number;
  /** SO_MARK for the core's own outbound sockets; 0 = none */
  readonly routingMark: number;
  readonly allowLan: boolean;
  /** '*' or an address */
  readonly bindAddress: string;
  readonly ipv6: boolean;
  /** host:port, '' = off */
  readonly externalController: string;
  readonly externalControllerCors: ControllerCors;
  readonly secret: string;
  /** absolute path of a static dashboard to serve at /ui, '' = the bundled renderer */
  readonly externalUi: string;
  readonly findProcessMode: 'strict' | 'always' | 'off';
  /** absolute path of a Country mmdb; '' = the bundled DB-IP Lite database */
  readonly geoipDatabase: string;
  readonly hosts: Readonly<Record<string, readonly string[]>>;
  readonly sniffer: { readonly enable: boolean; readonly timeoutMs: number };
  readonly dns: DnsConfig;
  readonly capture: CaptureConfig;
  readonly proxies: readonly ProxyConfig[];
  readonly proxyGroups: readonly GroupConfig[];
  readonly ruleProviders: Readonly<Record<string, RuleProviderConfig>>;
  /** `proxy-providers:` (absent in configs built by hand = none). */
  readonly proxyProviders?: Readonly<Record<string, ProxyProviderConfig>>;
  readonly rules: readonly RuleLine[];
  /** `sub-rules:` name → its rule lines (targets, SUB-RULE nesting); absent = none. */
  readonly subRules?: Readonly<Record<string, readonly RuleLine[]>>;
  /** `geox-url` (mihomo's key): where GeoSite.dat and the ASN mmdb are downloaded from; absent = mihomo's defaults. */
  readonly geoxUrl?: { readonly geosite: string; readonly asn: string };
  /** `geo-auto-update`: refresh the geodata periodically (default false). */
  readonly geoAutoUpdate?: boolean;
  /** `geo-update-interval`: hours between refreshes (mihomo default 24). */
  readonly geoUpdateInterval?: number;
  /** Clash keys that were accepted but are ignored, with where they were. */
  readonly ignored: readonly { readonly key: string; readonly where: Where }[];
}
