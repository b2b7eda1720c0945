// Defaults, as mihomo has them where it has them, plus switchyard's capture
// block (design §4). Every key a minimal YAML leaves out gets its value here.
import type { CaptureConfig, DnsConfig } from './types.js';

export const DEFAULTS = {
  mode: 'rule',
  logLevel: 'info',
  mixedPort: 7890,
  tproxyPort: 7893,
  routingMark: 6666,
  allowLan: false,
  bindAddress: '*',
  ipv6: true,
  externalController: '127.0.0.1:9090',
  secret: '',
  findProcessMode: 'strict',
  sniffer: { enable: false, timeoutMs: 300 },
} as const;

export const DEFAULT_DNS: Omit<DnsConfig, 'where'> = {
  enable: false,
  listen: '127.0.0.1:1053',
  ipv6: false,
  enhancedMode: 'fake-ip',
  fakeIpRange: '198.18.0.1/16',
  fakeIpRange6: '',
  fakeIpFilter: [],
  nameserver: [],
  defaultNameserver: [],
  fallback: [],
  nameserverPolicy: {},
  useHosts: true,
};

export const DEFAULT_CAPTURE: CaptureConfig = {
  enable: false,
  local: true,
  lan: false,
  interfaces: [],
  ipv6: true,
  bypass: [],
  onFailure: 'open',
  excludeInterfaces: ['docker*', 'veth*', 'br-*'],
  mark: 0x2d0,
  table: 720,
  dnsRedirect: true,
  deadmanSeconds: 5,
};

/** Built-in outbounds: valid targets and members, never user names. */
export const BUILTIN_NAMES: ReadonlySet<string> = new Set(['DIRECT', 'REJECT', 'REJECT-DROP', 'PASS', 'COMPATIBLE', 'GLOBAL']);
