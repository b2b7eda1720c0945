// `dns:` — mihomo's keys and meaning; the listener defaults to
// 127.0.0.1:1053 and fake-ip mode with 198.18.0.1/16.
import { isIP } from 'node:net';
import type { DnsConfig } from './types.js';
import type { SectionContext } from './general.js';
import { isCidr, isDomainPattern, isNameserver, parseHostPort } from './address.js';
import { DEFAULT_DNS } from './defaults.js';
import { IGNORED_DNS_KEYS, reportOtherKey } from './keys.js';
import { forEachEntry, readBool, readEnum, readMap, readString, readStringList, readStringOrList, setOwn } from './read.js';
import type { LEntry, LNode, Pos } from './yaml-tree.js';

const KEYS = ['enable', 'listen', 'ipv6', 'enhanced-mode', 'fake-ip-range', 'fake-ip-range6', 'fake-ip-filter', 'nameserver', 'default-nameserver', 'fallback', 'nameserver-policy', 'use-hosts', 'fallback-filter', 'proxy-server-nameserver', 'respect-rules'];
const FILTER_KEYS = ['geoip', 'geoip-code', 'ipcidr', 'domain', 'geosite'];
const PATTERN_EXPECTED = 'a Clash domain pattern: example.com, *.example.com, +.example.com, .example.com, geosite:name or rule-set:name';
const NS_EXPECTED = 'DNS servers like 1.1.1.1, udp://1.1.1.1:53, tcp://…, tls://…, https://…/dns-query or system';

export function readDns(cx: SectionContext, e: LEntry): DnsConfig {
  const { d } = cx;
  const extra: { fallbackFilter?: NonNullable<DnsConfig['fallbackFilter']>; proxyServerNameserver?: string[]; respectRules?: boolean } = {};
  const dns = { ...DEFAULT_DNS, fakeIpFilter: [] as string[], nameserver: [] as string[], defaultNameserver: [] as string[], fallback: [] as string[], nameserverPolicy: {} as Record<string, string[]>, where: d.where(e.value.pos, 'dns') };
  const map = readMap(d, e.value, 'dns');
  if (!map) return dns;

  const servers = (n: LNode, path: string): string[] | undefined => {
    const list = readStringList(d, n, path, `a list of ${NS_EXPECTED}`);
    if (!list) return undefined;
    const seq = n.kind === 'seq' ? n.items : [];
    const bad = list.findIndex((s) => !isNameserver(s));
    if (bad >= 0) {
      d.error('SY_ERR_CONFIG_BAD_ADDRESS', (seq[bad] ?? n).pos, `${path}[${bad}]`, { value: list[bad], expected: NS_EXPECTED });
      return undefined;
    }
    list.forEach((s, i) => noteNameserverProxy(cx, s, (seq[i] ?? n).pos, `${path}[${i}]`));
    return list;
  };
  forEachEntry(
    map,
    {
      enable: (x) => (dns.enable = readBool(d, x.value, 'dns.enable') ?? dns.enable),
      ipv6: (x) => (dns.ipv6 = readBool(d, x.value, 'dns.ipv6') ?? dns.ipv6),
      'use-hosts': (x) => (dns.useHosts = readBool(d, x.value, 'dns.use-hosts') ?? dns.useHosts),
      listen: (x) => {
        cx.refs.keyPos.set('dns.listen', x.value.pos);
        const s = readString(d, x.value, 'dns.listen');
        if (s !== undefined && !parseHostPort(s)) d.error('SY_ERR_CONFIG_BAD_ADDRESS', x.value.pos, 'dns.listen', { value: s, expected: 'host:port such as 127.0.0.1:1053' });
        else if (s !== undefined) dns.listen = s;
      },
      'enhanced-mode': (x) => (dns.enhancedMode = readEnum(d, x.value, 'dns.enhanced-mode', ['fake-ip', 'redir-host', 'normal'] as const, true) ?? dns.enhancedMode),
      'fake-ip-range': (x) => {
        const s = readString(d, x.value, 'dns.fake-ip-range');
        if (s !== undefined && !(isCidr(s) && isIP(s.split('/')[0]!) === 4)) d.error('SY_ERR_CONFIG_BAD_ADDRESS', x.value.pos, 'dns.fake-ip-range', { value: s, expected: 'an IPv4 CIDR such as 198.18.0.1/16' });
        else if (s !== undefined) dns.fakeIpRange = s;
      },
      'fake-ip-range6': (x) => {
        const s = readString(d, x.value, 'dns.fake-ip-range6');
        if (s !== undefined && s !== '' && !(isCidr(s) && isIP(s.split('/')[0]!) === 6)) d.error('SY_ERR_CONFIG_BAD_ADDRESS', x.value.pos, 'dns.fake-ip-range6', { value: s, expected: 'an IPv6 CIDR such as fdfe:dcba:9876::1/64, or ""' });
        else if (s !== undefined) dns.fakeIpRange6 = s;
      },
      'fake-ip-filter': (x) => {
        const list = readStringList(d, x.value, 'dns.fake-ip-filter', 'a list of domain patterns');
        if (!list) return;
        // As mihomo: a bad pattern is skipped with a warning, not fatal.
        const items = x.value.kind === 'seq' ? x.value.items : [];
        dns.fakeIpFilter = list.filter((p, i) => {
          if (isDomainPattern(p)) {
            noteRuleSetRef(cx, p, items[i]?.pos ?? x.value.pos, `dns.fake-ip-filter[${i}]`);
            return true;
          }
          d.warn('SY_ERR_CONFIG_BAD_PATTERN', (items[i] ?? x.value).pos, `dns.fake-ip-filter[${i}]`, { value: p, expected: PATTERN_EXPECTED });
          return false;
        });
      },
      nameserver: (x) => (dns.nameserver = servers(x.value, 'dns.nameserver') ?? dns.nameserver),
      'proxy-server-nameserver': (x) => {
        const list = servers(x.value, 'dns.proxy-server-nameserver');
        if (list) extra.proxyServerNameserver = list;
      },
      'respect-rules': (x) => {
        cx.refs.keyPos.set('dns.respect-rules', x.value.pos);
        const b = readBool(d, x.value, 'dns.respect-rules');
        if (b !== undefined) extra.respectRules = b;
      },
      'fallback-filter': (x) => {
        const m = readMap(d, x.value, 'dns.fallback-filter', 'a mapping with geoip, geoip-code, ipcidr, domain, geosite');
        if (!m) return;
        const f = { geoip: true, geoipCode: 'CN', ipcidr: [] as string[], domain: [] as string[], geosite: [] as string[] };
        forEachEntry(
          m,
          {
            geoip: (y) => (f.geoip = readBool(d, y.value, 'dns.fallback-filter.geoip') ?? f.geoip),
            'geoip-code': (y) => (f.geoipCode = readString(d, y.value, 'dns.fallback-filter.geoip-code') ?? f.geoipCode),
            ipcidr: (y) => {
              const list = readStringList(d, y.value, 'dns.fallback-filter.ipcidr', 'a list of CIDRs');
              const bad = list?.findIndex((c) => !isCidr(c)) ?? -1;
              if (list && bad >= 0) d.error('SY_ERR_CONFIG_BAD_ADDRESS', (y.value.kind === 'seq' ? y.value.items[bad] ?? y.value : y.value).pos, `dns.fallback-filter.ipcidr[${bad}]`, { value: list[bad], expected: 'a CIDR such as 240.0.0.0/4' });
              else if (list) f.ipcidr = list;
            },
            domain: (y) => {
              const list = readStringList(d, y.value, 'dns.fallback-filter.domain', 'a list of domain patterns');
              if (list) f.domain = list.filter((p, i) => isDomainPattern(p) || (d.warn('SY_ERR_CONFIG_BAD_PATTERN', (y.value.kind === 'seq' ? y.value.items[i] ?? y.value : y.value).pos, `dns.fallback-filter.domain[${i}]`, { value: p, expected: PATTERN_EXPECTED }), false));
            },
            geosite: (y) => (f.geosite = readStringList(d, y.value, 'dns.fallback-filter.geosite', 'a list of geosite categories') ?? f.geosite),
          },
          (y) => reportOtherKey(d, y, `dns.fallback-filter.${y.key}`, FILTER_KEYS, () => false, cx.ignored),
        );
        extra.fallbackFilter = f;
      },
      'default-nameserver': (x) => (dns.defaultNameserver = servers(x.value, 'dns.default-nameserver') ?? dns.defaultNameserver),
      fallback: (x) => (dns.fallback = servers(x.value, 'dns.fallback') ?? dns.fallback),
      'nameserver-policy': (x) => {
        const m = readMap(d, x.value, 'dns.nameserver-policy', 'a mapping of domain pattern: server(s)');
        for (const p of m?.entries ?? []) {
          const path = `dns.nameserver-policy.${p.key}`;
          const patterns = p.key.split(',').map((k) => k.trim());
          if (!patterns.every(isDomainPattern)) {
            d.warn('SY_ERR_CONFIG_BAD_PATTERN', p.keyPos, path, { value: p.key, expected: PATTERN_EXPECTED });
            continue;
          }
          for (const k of patterns) noteRuleSetRef(cx, k, p.keyPos, path);
          const list = readStringOrList(d, p.value, path);
          if (!list) continue;
          const bad = list.find((s) => !isNameserver(s));
          if (bad !== undefined) d.error('SY_ERR_CONFIG_BAD_ADDRESS', p.value.pos, path, { value: bad, expected: NS_EXPECTED });
          else {
            for (const s of list) noteNameserverProxy(cx, s, p.value.pos, path);
            setOwn(dns.nameserverPolicy, p.key, list);
          }
        }
      },
    },
    (x) => reportOtherKey(d, x, `dns.${x.key}`, [...KEYS, ...IGNORED_DNS_KEYS], (k) => IGNORED_DNS_KEYS.has(k), cx.ignored),
  );
  // mihomo: "if respect-rules is turned on, proxy-server-nameserver cannot be
  // empty" — the proxies' own server names must resolve without the rules.
  if (extra.respectRules && !(extra.proxyServerNameserver?.length)) {
    d.error('SY_ERR_CONFIG_CONFLICT', cx.refs.keyPos.get('dns.respect-rules') ?? e.value.pos, 'dns.respect-rules', {
      value: true, detail: 'respect-rules needs dns.proxy-server-nameserver (as in mihomo): the proxies\' server names must resolve without going through the rules', expected: 'dns.proxy-server-nameserver: [a nameserver], or respect-rules: false',
    });
  }
  return { ...dns, ...extra };
}

/** `server#name[&k=v]`: the bare word names the proxy/group to dial through; checked with the other references. */
function noteNameserverProxy(cx: SectionContext, server: string, pos: Pos, path: string): void {
  const hash = server.indexOf('#');
  if (hash < 0 || /^rcode:/i.test(server)) return;
  for (const part of server.slice(hash + 1).split('&')) {
    if (part === '' || part.includes('=')) continue;
    let name = part;
    try {
      name = decodeURIComponent(part);
    } catch {
      /* as written */
    }
    if (name !== 'DIRECT') cx.refs.nameserverProxies?.push({ owner: server, name, pos, path });
  }
}

/** `rule-set:name` must name a rule provider: checked with the other references. */
function noteRuleSetRef(cx: SectionContext, pattern: string, pos: Pos, path: string): void {
  const m = /^rule-set:(.+)$/i.exec(pattern);
  if (m) cx.refs.ruleSetRefs.push({ owner: 'dns', name: m[1]!, pos, path });
}
