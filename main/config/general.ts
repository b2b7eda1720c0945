// The top-level scalar keys (mode, ports, controller, …), `hosts`,
// `external-controller-cors` and `sniffer`. Each handler reads one key into
// the draft; defaults are filled in by load.ts.
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { LOG_LEVELS, type LogLevel } from '../core/logger.js';
import type { Config } from './types.js';
import type { Diagnostics } from './diagnostics.js';
import { isDomainPattern, isHostname, parseHostPort } from './address.js';
import { DEFAULTS } from './defaults.js';
import { IGNORED_SNIFFER_KEYS, reportOtherKey } from './keys.js';
import { forEachEntry, readBool, readEnum, readInt, readMap, readPort, readString, readStringList, readStringOrList, setOwn } from './read.js';
import type { LEntry } from './yaml-tree.js';
import type { Refs } from './refs.js';

export type Draft = { -readonly [K in keyof Config]?: Config[K] };

export interface SectionContext {
  readonly d: Diagnostics;
  readonly home: string;
  readonly draft: Draft;
  readonly ignored: { key: string; where: string }[];
  readonly refs: Refs;
}

type Handler = (e: LEntry) => void;

export function generalHandlers(cx: SectionContext): Record<string, Handler> {
  const { d, draft, home } = cx;
  const handlers: Record<string, Handler> = {
    mode: (e) => set(draft, 'mode', readEnum(d, e.value, e.key, ['rule', 'global', 'direct'] as const, true)),
    'log-level': (e) => set(draft, 'logLevel', readEnum(d, e.value, e.key, LOG_LEVELS as readonly LogLevel[], true)),
    'mixed-port': (e) => set(draft, 'mixedPort', readPort(d, e.value, e.key)),
    'tproxy-port': (e) => set(draft, 'tproxyPort', readPort(d, e.value, e.key)),
    'routing-mark': (e) => set(draft, 'routingMark', readInt(d, e.value, e.key, 0, 0xffffffff)),
    'allow-lan': (e) => set(draft, 'allowLan', readBool(d, e.value, e.key)),
    'bind-address': (e) => {
      const s = readString(d, e.value, e.key);
      if (s === undefined) return;
      if (s !== '*' && isIP(s) === 0) {
        d.error('SY_ERR_CONFIG_BAD_ADDRESS', e.value.pos, e.key, { value: s, expected: '"*" or an IP address' });
        return;
      }
      draft.bindAddress = s;
    },
    ipv6: (e) => set(draft, 'ipv6', readBool(d, e.value, e.key)),
    'external-controller': (e) => {
      const s = readString(d, e.value, e.key);
      if (s === undefined || s === '') {
        draft.externalController = '';
        return;
      }
      if (!parseHostPort(s)) {
        d.error('SY_ERR_CONFIG_BAD_ADDRESS', e.value.pos, e.key, { value: s, expected: 'host:port such as 127.0.0.1:9090 (port 1-65535), or "" to disable' });
        return;
      }
      draft.externalController = s;
    },
    'external-controller-cors': (e) => readCors(cx, e),
    secret: (e) => set(draft, 'secret', readString(d, e.value, e.key) ?? ''),
    'external-ui': (e) => {
      const s = readString(d, e.value, e.key);
      if (s !== undefined) draft.externalUi = s === '' ? '' : resolve(home, s);
    },
    'find-process-mode': (e) => set(draft, 'findProcessMode', readEnum(d, e.value, e.key, ['strict', 'always', 'off'] as const, true)),
    'geoip-database': (e) => {
      const s = readString(d, e.value, e.key, 'a path to a Country .mmdb file');
      if (s !== undefined) draft.geoipDatabase = s === '' ? '' : resolve(home, s);
    },
    'geox-url': (e) => readGeoxUrl(cx, e),
    'geo-auto-update': (e) => set(draft, 'geoAutoUpdate', readBool(d, e.value, e.key)),
    'geo-update-interval': (e) => set(draft, 'geoUpdateInterval', readInt(d, e.value, e.key, 1, 24 * 365, 'hours')),
    hosts: (e) => readHosts(cx, e),
    sniffer: (e) => readSniffer(cx, e),
  };
  // Remember where each key was written, for cross-checks (marks, controller).
  for (const [k, h] of Object.entries(handlers)) {
    handlers[k] = (e) => {
      cx.refs.keyPos.set(k, e.value.pos);
      h(e);
    };
  }
  return handlers;
}

function set<K extends keyof Draft>(draft: Draft, key: K, value: Draft[K] | undefined): void {
  if (value !== undefined) draft[key] = value;
}

function readCors(cx: SectionContext, e: LEntry): void {
  const { d } = cx;
  const map = readMap(d, e.value, e.key);
  if (!map) return;
  const cors = { allowOrigins: ['*'] as string[], allowPrivateNetwork: true };
  forEachEntry(
    map,
    {
      'allow-origins': (x) => {
        const v = readStringList(d, x.value, `${e.key}.${x.key}`);
        if (v) cors.allowOrigins = v;
      },
      'allow-private-network': (x) => {
        const v = readBool(d, x.value, `${e.key}.${x.key}`);
        if (v !== undefined) cors.allowPrivateNetwork = v;
      },
    },
    (x) => reportOtherKey(d, x, `${e.key}.${x.key}`, ['allow-origins', 'allow-private-network'], () => false, cx.ignored),
  );
  cx.draft.externalControllerCors = cors;
}

/** mihomo's geox-url: geosite and asn are used; geoip / mmdb are accepted and ignored (switchyard's GeoIP is geoip-database). */
function readGeoxUrl(cx: SectionContext, e: LEntry): void {
  const { d } = cx;
  const map = readMap(d, e.value, e.key, 'a mapping with geosite, asn (geoip, mmdb are ignored)');
  if (!map) return;
  const out = { geosite: '', asn: '' };
  const url = (k: 'geosite' | 'asn') => (x: LEntry) => {
    const s = readString(d, x.value, `geox-url.${x.key}`, 'an http(s):// URL');
    if (s === undefined) return;
    if (s !== '' && !/^https?:\/\/[^\s/]+/i.test(s)) {
      d.error('SY_ERR_CONFIG_BAD_ADDRESS', x.value.pos, `geox-url.${x.key}`, { value: s, expected: 'an http:// or https:// URL' });
      return;
    }
    out[k] = s;
  };
  const ignoredKeys = new Set(['geoip', 'mmdb']);
  forEachEntry(map, { geosite: url('geosite'), asn: url('asn') }, (x) => reportOtherKey(d, x, `geox-url.${x.key}`, ['geosite', 'asn', ...ignoredKeys], (k) => ignoredKeys.has(k), cx.ignored));
  cx.draft.geoxUrl = out;
}

function readHosts(cx: SectionContext, e: LEntry): void {
  const { d } = cx;
  const map = readMap(d, e.value, e.key, 'a mapping of domain: address(es)');
  if (!map) return;
  const hosts: Record<string, string[]> = {};
  for (const x of map.entries) {
    const path = `hosts.${x.key}`;
    const domain = x.key.trim().toLowerCase();
    if (!isDomainPattern(domain) || domain.includes(':')) {
      d.error('SY_ERR_CONFIG_BAD_ADDRESS', x.keyPos, path, { value: x.key, expected: 'a domain name or Clash wildcard (+.example.com, *.example.com)' });
      continue;
    }
    const values = readStringOrList(d, x.value, path);
    if (!values) continue;
    const bad = values.find((v) => isIP(v) === 0 && !isHostname(v));
    if (bad !== undefined) {
      d.error('SY_ERR_CONFIG_BAD_ADDRESS', x.value.pos, path, { value: bad, expected: 'IP addresses (or one domain name to alias)' });
      continue;
    }
    setOwn(hosts, domain, values);
  }
  cx.draft.hosts = hosts;
}

function readSniffer(cx: SectionContext, e: LEntry): void {
  const { d } = cx;
  const map = readMap(d, e.value, e.key);
  if (!map) return;
  const sniffer: { enable: boolean; timeoutMs: number } = { ...DEFAULTS.sniffer };
  forEachEntry(
    map,
    {
      enable: (x) => {
        const v = readBool(d, x.value, `sniffer.${x.key}`);
        if (v !== undefined) sniffer.enable = v;
      },
      timeout: (x) => {
        const v = readInt(d, x.value, `sniffer.${x.key}`, 1, 10000, 'milliseconds');
        if (v !== undefined) sniffer.timeoutMs = v;
      },
    },
    (x) => reportOtherKey(d, x, `sniffer.${x.key}`, ['enable', 'timeout', ...IGNORED_SNIFFER_KEYS], (k) => IGNORED_SNIFFER_KEYS.has(k), cx.ignored),
  );
  cx.draft.sniffer = sniffer;
}
