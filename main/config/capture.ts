// `capture:` — switchyard's own block (design §4): whether and how TPROXY
// capture is installed. Defaults in defaults.ts (DEFAULT_CAPTURE).
import type { CaptureConfig } from './types.js';
import type { SectionContext } from './general.js';
import { isCidr } from './address.js';
import { DEFAULT_CAPTURE } from './defaults.js';
import { forEachEntry, readBool, readEnum, readInt, readMap, readStringList } from './read.js';
import { reportOtherKey } from './keys.js';
import type { LEntry, LNode } from './yaml-tree.js';

/** Linux interface names: at most 15 bytes, no slash or whitespace. */
const IFNAME = /^[A-Za-z0-9_.@:+-]{1,15}$/;
/** nft interface wildcard: a name, optionally ending in `*`. */
const IFPATTERN = /^[A-Za-z0-9_.@:+-]{0,14}\*?$/;

type MutableCapture = { -readonly [K in keyof CaptureConfig]: CaptureConfig[K] };

export function readCapture(cx: SectionContext, e: LEntry): CaptureConfig {
  const { d, refs } = cx;
  const cap: MutableCapture = { ...DEFAULT_CAPTURE, excludeInterfaces: [...DEFAULT_CAPTURE.excludeInterfaces] };
  const map = readMap(d, e.value, 'capture');
  if (!map) return cap;
  const names = (n: LNode, path: string, re: RegExp, expected: string): string[] | undefined => {
    const list = readStringList(d, n, path, `a list of ${expected}`);
    if (!list) return undefined;
    const bad = list.findIndex((s) => !re.test(s));
    if (bad < 0) return list;
    d.error('SY_ERR_CONFIG_BAD_ADDRESS', n.kind === 'seq' ? n.items[bad]!.pos : n.pos, `${path}[${bad}]`, { value: list[bad], expected });
    return undefined;
  };
  const bool = (k: 'enable' | 'local' | 'lan' | 'ipv6' | 'dnsRedirect') => (x: LEntry) => {
    const v = readBool(d, x.value, `capture.${x.key}`);
    if (v !== undefined) cap[k] = v;
  };
  const handlers: Record<string, (x: LEntry) => void> = {
    enable: (x) => {
      refs.keyPos.set('capture.enable', x.value.pos);
      bool('enable')(x);
    },
    local: bool('local'),
    lan: bool('lan'),
    ipv6: bool('ipv6'),
    'dns-redirect': bool('dnsRedirect'),
    interfaces: (x) => (cap.interfaces = names(x.value, 'capture.interfaces', IFNAME, 'interface names such as eth1') ?? cap.interfaces),
    'exclude-interfaces': (x) =>
      (cap.excludeInterfaces = names(x.value, 'capture.exclude-interfaces', IFPATTERN, 'interface names or patterns such as docker*') ?? cap.excludeInterfaces),
    bypass: (x) => {
      const list = readStringList(d, x.value, 'capture.bypass', 'a list of CIDRs');
      const bad = list?.findIndex((s) => !isCidr(s)) ?? -1;
      if (list && bad >= 0) {
        const it = x.value.kind === 'seq' ? x.value.items[bad]! : x.value;
        d.error('SY_ERR_CONFIG_BAD_ADDRESS', it.pos, `capture.bypass[${bad}]`, { value: list[bad], expected: 'a CIDR such as 192.0.2.0/24 or 2001:db8::/32' });
      } else if (list) cap.bypass = list;
    },
    'on-failure': (x) => (cap.onFailure = readEnum(d, x.value, 'capture.on-failure', ['open', 'closed'] as const, true) ?? cap.onFailure),
    mark: (x) => {
      refs.keyPos.set('capture.mark', x.value.pos);
      cap.mark = readInt(d, x.value, 'capture.mark', 1, 0xffffffff) ?? cap.mark;
    },
    // 0 and 253-255 are the kernel's unspec/default/main/local tables.
    table: (x) => {
      const v = readInt(d, x.value, 'capture.table', 1, 0x7fffffff);
      if (v !== undefined && v >= 253 && v <= 255) d.error('SY_ERR_CONFIG_RANGE', x.value.pos, 'capture.table', { value: v, expected: 'a table number other than 253-255 (default, main, local)' });
      else if (v !== undefined) cap.table = v;
    },
    'deadman-seconds': (x) => (cap.deadmanSeconds = readInt(d, x.value, 'capture.deadman-seconds', 1, 3600, 'seconds') ?? cap.deadmanSeconds),
  };
  forEachEntry(map, handlers, (x) => reportOtherKey(d, x, `capture.${x.key}`, Object.keys(handlers), () => false, cx.ignored));
  if (cap.lan && cap.interfaces.length === 0) {
    d.error('SY_ERR_CONFIG_CONFLICT', map.pos, 'capture.interfaces', { value: [], detail: 'capture.lan (gateway mode) is on', expected: 'the LAN interface names, e.g. interfaces: [eth1]' });
  }
  return cap;
}
