// `proxies:` — socks5 and http upstreams are relayed; every other Clash proxy
// type loads as `supported: false` with one located warning, so a user's
// Clash config keeps its groups working with the members switchyard can use.
import { isIP } from 'node:net';
import type { ProxyConfig } from './types.js';
import type { SectionContext } from './general.js';
import { isHostname } from './address.js';
import { reportOtherKey } from './keys.js';
import { readBool, readInt, readMap, readNonEmptyString, readSeq, readString } from './read.js';
import type { LEntry, LMap, Pos } from './yaml-tree.js';
import type { OnceNote } from './refs.js';

export const SUPPORTED_PROXY_TYPES = ['socks5', 'http'] as const;

/** Clash/mihomo proxy types that load as unavailable members. */
export const UNSUPPORTED_PROXY_TYPES: ReadonlySet<string> = new Set([
  'ss', 'ssr', 'vmess', 'vless', 'trojan', 'hysteria', 'hysteria2', 'tuic', 'wireguard', 'snell', 'ssh',
  'mieru', 'anytls', 'dns', 'reject', 'socks4', 'masque', 'sudoku', 'trusttunnel',
]);

const OWN_KEYS: readonly string[] = ['name', 'type', 'server', 'port', 'username', 'password', 'udp', 'tls', 'skip-cert-verify'];

/** Per-proxy options mihomo has that switchyard does not implement. */
const IGNORED_PROXY_KEYS: ReadonlySet<string> = new Set([
  'ip-version', 'interface-name', 'routing-mark', 'dialer-proxy', 'tfo', 'mptcp', 'smux', 'fingerprint',
  'client-fingerprint', 'sni', 'servername', 'alpn', 'headers', 'udp-over-tcp', 'udp-over-tcp-version',
  'certificate', 'private-key', 'ech-opts',
]);

/** `base` is the key path shown in locations (`proxy-providers.x.payload` for inline providers). */
export function readProxies(cx: SectionContext, e: LEntry, base = 'proxies'): ProxyConfig[] {
  const { d } = cx;
  const out: ProxyConfig[] = [];
  const seq = readSeq(d, e.value, base, 'a list of proxies (each a mapping with name, type, server, port)');
  if (!seq) return out;
  const ignoredOpts = new Map<string, OnceNote>();
  seq.items.forEach((item, i) => {
    const path = `${base}[${i}]`;
    const map = readMap(d, item, path, 'a mapping with name, type, server, port');
    if (!map) return;
    const p = readProxy(cx, map, path, ignoredOpts);
    if (p) out.push(p);
  });
  // Options like `tfo` repeat on every proxy: one warning each, at the first use.
  for (const [key, n] of ignoredOpts) {
    const w = d.warn('SY_ERR_CONFIG_IGNORED_KEY', n.pos, n.path, { value: key, detail: `set on ${n.owners.length} proxy(ies): ${n.owners.slice(0, 8).join(', ')}${n.owners.length > 8 ? ', …' : ''}` });
    cx.ignored.push({ key: `proxies[].${key}`, where: w.context.where as string });
  }
  return out;
}

function readProxy(cx: SectionContext, map: LMap, path: string, ignoredOpts: Map<string, OnceNote>): ProxyConfig | undefined {
  const id = readIdentity(cx, map, path);
  if (!id) return undefined;
  if (id.type === 'direct') return readDirect(cx, map, path, id, ignoredOpts);
  if ((SUPPORTED_PROXY_TYPES as readonly string[]).includes(id.type)) return readRelayable(cx, map, path, id, ignoredOpts);
  if (UNSUPPORTED_PROXY_TYPES.has(id.type)) return unavailable(cx, map, path, id);
  cx.d.error('SY_ERR_CONFIG_ENUM', id.typePos, `${path}.type`, {
    value: id.rawType,
    expected: `one of ${SUPPORTED_PROXY_TYPES.join(', ')}, or a Clash type (${[...UNSUPPORTED_PROXY_TYPES].join(', ')})`,
  });
  return undefined;
}

interface Identity {
  name: string;
  type: string;
  rawType: string;
  typePos: Pos;
}

/** name and type, both required; the name is registered for the cross-checks. */
function readIdentity(cx: SectionContext, map: LMap, path: string): Identity | undefined {
  const { d } = cx;
  const nameE = map.entries.find((x) => x.key === 'name');
  const typeE = map.entries.find((x) => x.key === 'type');
  if (!nameE) d.error('SY_ERR_CONFIG_MISSING', map.pos, `${path}.name`, { expected: 'a unique proxy name' });
  if (!typeE) d.error('SY_ERR_CONFIG_MISSING', map.pos, `${path}.type`, { expected: `one of ${SUPPORTED_PROXY_TYPES.join(', ')} (or another Clash type, loaded as unavailable)` });
  const name = nameE ? readNonEmptyString(d, nameE.value, `${path}.name`) : undefined;
  if (name !== undefined) cx.refs.names.push({ name, kind: 'proxy', pos: nameE!.value.pos, path: `${path}.name` });
  const rawType = typeE ? readString(d, typeE.value, `${path}.type`) : undefined;
  if (name === undefined || rawType === undefined) return undefined;
  return { name, type: rawType.toLowerCase(), rawType, typePos: typeE!.value.pos };
}

/** A Clash proxy type switchyard cannot relay: one warning, kept so groups and rules naming it still load. */
function unavailable(cx: SectionContext, map: LMap, path: string, id: Identity): ProxyConfig {
  cx.d.warn('SY_ERR_CONFIG_UNSUPPORTED_PROXY', id.typePos, `${path}.type`, {
    value: id.rawType,
    detail: `proxy "${id.name}" is kept as an unavailable member of its groups`,
    expected: `${SUPPORTED_PROXY_TYPES.join(' or ')} to relay through it`,
  });
  const server = map.entries.find((x) => x.key === 'server')?.value;
  const port = map.entries.find((x) => x.key === 'port')?.value;
  return {
    name: id.name, type: id.type, supported: false, where: cx.d.where(map.pos, path),
    server: server?.kind === 'scalar' && server.value !== null ? server.text : '',
    port: port?.kind === 'scalar' && typeof port.value === 'number' ? port.value : 0,
    username: '', password: '', udp: false, tls: false, skipCertVerify: false,
  };
}

type MutableProxy = { -readonly [K in keyof ProxyConfig]: ProxyConfig[K] };

/** socks5 / http: every field checked; server and port required. */
function readRelayable(cx: SectionContext, map: LMap, path: string, id: Identity, ignoredOpts: Map<string, OnceNote>): ProxyConfig | undefined {
  const { d } = cx;
  const p: MutableProxy = { name: id.name, type: id.type, supported: true, server: '', port: 0, username: '', password: '', udp: false, tls: false, skipCertVerify: false, where: d.where(map.pos, path) };
  const errorsBefore = d.errors.length;
  const field: Record<string, (x: LEntry, sub: string) => void> = {
    name: () => {},
    type: () => {},
    server: (x, sub) => {
      const s = readNonEmptyString(d, x.value, sub, 'a host name or IP address');
      if (s !== undefined && isIP(s) === 0 && !isHostname(s)) d.error('SY_ERR_CONFIG_BAD_ADDRESS', x.value.pos, sub, { value: s, expected: 'a host name or IP address' });
      else if (s !== undefined) p.server = s;
    },
    port: (x, sub) => (p.port = readInt(d, x.value, sub, 1, 65535) ?? 0),
    username: (x, sub) => (p.username = readString(d, x.value, sub) ?? ''),
    // The password is never echoed: it is a credential.
    password: (x, sub) => {
      if (x.value.kind !== 'scalar') d.error('SY_ERR_CONFIG_TYPE', x.value.pos, sub, { value: '(hidden)', expected: 'a string' });
      else p.password = x.value.value === null ? '' : x.value.text;
    },
    udp: (x, sub) => (p.udp = readBool(d, x.value, sub) ?? false),
    tls: (x, sub) => (p.tls = readBool(d, x.value, sub) ?? false),
    'skip-cert-verify': (x, sub) => (p.skipCertVerify = readBool(d, x.value, sub) ?? false),
  };
  for (const x of map.entries) {
    const sub = `${path}.${x.key}`;
    const h = Object.prototype.hasOwnProperty.call(field, x.key) ? field[x.key] : undefined;
    if (h) h(x, sub);
    else if (IGNORED_PROXY_KEYS.has(x.key)) {
      const note = ignoredOpts.get(x.key);
      if (note) note.owners.push(id.name);
      else ignoredOpts.set(x.key, { pos: x.keyPos, path: sub, owners: [id.name] });
    } else reportOtherKey(d, x, sub, [...OWN_KEYS, ...IGNORED_PROXY_KEYS], () => false, cx.ignored);
  }
  for (const [key, expected] of [['server', 'the upstream host name or IP address'], ['port', 'the upstream port 1-65535']] as const) {
    if (!map.entries.some((x) => x.key === key)) d.error('SY_ERR_CONFIG_MISSING', map.pos, `${path}.${key}`, { detail: `proxy "${id.name}"`, expected });
  }
  return d.errors.length === errorsBefore ? p : undefined;
}

/**
 * `type: direct` (mihomo): a named DIRECT, e.g. Clash Verge Rev's "🟢 直连"
 * used as a group member and as a provider's download proxy. Only `udp` is
 * read; per-proxy options such as interface-name are reported as ignored.
 */
function readDirect(cx: SectionContext, map: LMap, path: string, id: Identity, ignoredOpts: Map<string, OnceNote>): ProxyConfig {
  const { d } = cx;
  let udp = true;
  for (const x of map.entries) {
    const sub = `${path}.${x.key}`;
    if (x.key === 'name' || x.key === 'type') continue;
    if (x.key === 'udp') udp = readBool(d, x.value, sub) ?? true;
    else if (IGNORED_PROXY_KEYS.has(x.key)) {
      const note = ignoredOpts.get(x.key);
      if (note) note.owners.push(id.name);
      else ignoredOpts.set(x.key, { pos: x.keyPos, path: sub, owners: [id.name] });
    } else reportOtherKey(d, x, sub, ['name', 'type', 'udp', ...IGNORED_PROXY_KEYS], () => false, cx.ignored);
  }
  return { name: id.name, type: 'direct', supported: true, server: '', port: 0, username: '', password: '', udp, tls: false, skipCertVerify: false, where: d.where(map.pos, path) };
}
