// `proxies:` — socks5 and http upstreams are relayed; every other Clash proxy
// type loads as `supported: false` with one located warning, so a user's
// Clash config keeps its groups working with the members switchyard can use.
import { isIP } from 'node:net';
import type { ProxyConfig } from './types.js';
import type { SectionContext } from './general.js';
import { isHostname } from './address.js';
import { reportOtherKey } from './keys.js';
import { readBool, readInt, readMap, readNonEmptyString, readSeq, readString, shown } from './read.js';
import type { LEntry, LMap } from './yaml-tree.js';
import type { OnceNote } from './refs.js';

export const SUPPORTED_PROXY_TYPES = ['socks5', 'http'] as const;

/** Clash/mihomo proxy types that load as unavailable members. */
export const UNSUPPORTED_PROXY_TYPES: ReadonlySet<string> = new Set([
  'ss', 'ssr', 'vmess', 'vless', 'trojan', 'hysteria', 'hysteria2', 'tuic', 'wireguard', 'snell', 'ssh',
  'mieru', 'anytls', 'direct', 'dns', 'reject', 'socks4', 'masque', 'sudoku', 'trusttunnel',
]);

const OWN_KEYS = ['name', 'type', 'server', 'port', 'username', 'password', 'udp', 'tls', 'skip-cert-verify'];

/** Per-proxy options mihomo has that switchyard does not implement. */
const IGNORED_PROXY_KEYS: ReadonlySet<string> = new Set([
  'ip-version', 'interface-name', 'routing-mark', 'dialer-proxy', 'tfo', 'mptcp', 'smux', 'fingerprint',
  'client-fingerprint', 'sni', 'servername', 'alpn', 'headers', 'udp-over-tcp', 'udp-over-tcp-version',
  'certificate', 'private-key', 'ech-opts',
]);

export function readProxies(cx: SectionContext, e: LEntry): ProxyConfig[] {
  const { d } = cx;
  const out: ProxyConfig[] = [];
  const seq = readSeq(d, e.value, 'proxies', 'a list of proxies (each a mapping with name, type, server, port)');
  if (!seq) return out;
  const ignoredOpts = new Map<string, OnceNote>();
  seq.items.forEach((item, i) => {
    const path = `proxies[${i}]`;
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
  const { d } = cx;
  const get = (k: string) => map.entries.find((x) => x.key === k);
  const nameE = get('name');
  const typeE = get('type');
  const where = d.where(map.pos, path);
  let ok = true;
  const name = nameE ? readNonEmptyString(d, nameE.value, `${path}.name`) : undefined;
  if (!nameE) d.error('SY_ERR_CONFIG_MISSING', map.pos, `${path}.name`, { expected: 'a unique proxy name' });
  if (!typeE) d.error('SY_ERR_CONFIG_MISSING', map.pos, `${path}.type`, { expected: `one of ${SUPPORTED_PROXY_TYPES.join(', ')} (or another Clash type, loaded as unavailable)` });
  if (name === undefined || !typeE) return undefined;
  cx.refs.names.push({ name, kind: 'proxy', pos: nameE!.value.pos, path: `${path}.name` });
  const rawType = readString(d, typeE.value, `${path}.type`);
  if (rawType === undefined) return undefined;
  const type = rawType.toLowerCase();

  if (!(SUPPORTED_PROXY_TYPES as readonly string[]).includes(type)) {
    if (!UNSUPPORTED_PROXY_TYPES.has(type)) {
      d.error('SY_ERR_CONFIG_ENUM', typeE.value.pos, `${path}.type`, {
        value: rawType,
        expected: `one of ${SUPPORTED_PROXY_TYPES.join(', ')}, or a Clash type (${[...UNSUPPORTED_PROXY_TYPES].join(', ')})`,
      });
      return undefined;
    }
    d.warn('SY_ERR_CONFIG_UNSUPPORTED_PROXY', typeE.value.pos, `${path}.type`, {
      value: rawType,
      detail: `proxy "${name}" is kept as an unavailable member of its groups`,
      expected: `${SUPPORTED_PROXY_TYPES.join(' or ')} to relay through it`,
    });
    const server = get('server');
    const port = get('port');
    return {
      name, type, supported: false, where,
      server: server && server.value.kind === 'scalar' && server.value.value !== null ? server.value.text : '',
      port: port && port.value.kind === 'scalar' && typeof port.value.value === 'number' ? port.value.value : 0,
      username: '', password: '', udp: false, tls: false, skipCertVerify: false,
    };
  }

  const p = { name, type, supported: true, server: '', port: 0, username: '', password: '', udp: false, tls: false, skipCertVerify: false, where };
  for (const x of map.entries) {
    const sub = `${path}.${x.key}`;
    switch (x.key) {
      case 'name':
      case 'type':
        break;
      case 'server': {
        const s = readNonEmptyString(d, x.value, sub, 'a host name or IP address');
        if (s === undefined) ok = false;
        else if (isIP(s) === 0 && !isHostname(s)) {
          d.error('SY_ERR_CONFIG_BAD_ADDRESS', x.value.pos, sub, { value: s, expected: 'a host name or IP address' });
          ok = false;
        } else p.server = s;
        break;
      }
      case 'port': {
        const v = readInt(d, x.value, sub, 1, 65535);
        if (v === undefined) ok = false;
        else p.port = v;
        break;
      }
      case 'username':
        p.username = readString(d, x.value, sub) ?? '';
        break;
      case 'password':
        // The value is never echoed: it is a credential.
        if (x.value.kind !== 'scalar') d.error('SY_ERR_CONFIG_TYPE', x.value.pos, sub, { value: '(hidden)', expected: 'a string' });
        else p.password = x.value.value === null ? '' : x.value.text;
        break;
      case 'udp':
        p.udp = readBool(d, x.value, sub) ?? false;
        break;
      case 'tls':
        p.tls = readBool(d, x.value, sub) ?? false;
        break;
      case 'skip-cert-verify':
        p.skipCertVerify = readBool(d, x.value, sub) ?? false;
        break;
      default:
        if (IGNORED_PROXY_KEYS.has(x.key)) {
          const note = ignoredOpts.get(x.key);
          if (note) note.owners.push(name);
          else ignoredOpts.set(x.key, { pos: x.keyPos, path: sub, owners: [name] });
        } else reportOtherKey(d, x, sub, [...OWN_KEYS, ...IGNORED_PROXY_KEYS], () => false, cx.ignored);
    }
  }
  if (!get('server')) {
    d.error('SY_ERR_CONFIG_MISSING', map.pos, `${path}.server`, { value: name, expected: 'the upstream host name or IP address' });
    ok = false;
  }
  if (!get('port')) {
    d.error('SY_ERR_CONFIG_MISSING', map.pos, `${path}.port`, { value: name, expected: 'the upstream port 1-65535' });
    ok = false;
  }
  return ok ? p : undefined;
}
