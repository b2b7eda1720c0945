// IN-TYPE / IN-NAME / IN-USER: the inbound a connection arrived on. Payloads
// are `/`-separated lists. IN-TYPE names are mihomo's, case-insensitive
// (`SOCKS` means SOCKS4 and SOCKS5); IN-NAME and IN-USER compare exactly.
import type { Cond } from '../cond.js';
import type { MatchCtx } from '../ctx.js';
import { fail } from './params.js';

/** mihomo's inbound type names (upper case) → what Metadata.type holds for them. */
const IN_TYPES: Readonly<Record<string, readonly string[]>> = {
  HTTP: ['HTTP'],
  HTTPS: ['HTTPS'],
  SOCKS: ['Socks4', 'Socks5'],
  SOCKS4: ['Socks4'],
  SOCKS5: ['Socks5'],
  MIXED: ['Mixed'],
  TPROXY: ['TProxy'],
  REDIR: ['Redir'],
  TUN: ['Tun'],
  TUNNEL: ['Tunnel'],
  INNER: ['Inner'],
  DNS: ['DNS'],
  SHADOWSOCKS: ['ShadowSocks'],
  VMESS: ['Vmess'],
  VLESS: ['Vless'],
  TROJAN: ['Trojan'],
  TUIC: ['Tuic'],
  HYSTERIA2: ['Hysteria2'],
};

export type InboundField = 'type' | 'name' | 'user';

export class InboundCond implements Cond {
  readonly needsIp = false;
  readonly needsProcess = false;
  readonly size = -1;
  private readonly set: ReadonlySet<string>;
  constructor(readonly field: InboundField, values: readonly string[]) {
    this.set = new Set(values);
  }
  match(c: MatchCtx): boolean {
    const m = c.meta;
    const v = this.field === 'type' ? m.type : this.field === 'name' ? m.inboundName : m.inboundUser;
    return v !== '' && v !== undefined && this.set.has(v);
  }
}

export function compileInbound(f: InboundField, payload: string, where: string): Cond {
  const parts = payload.split('/').map((s) => s.trim());
  if (parts.some((p) => p === '')) fail('SY_ERR_RULE_EMPTY_PAYLOAD', where, payload, `a /-separated list of inbound ${f}s`);
  if (f !== 'type') return new InboundCond(f, parts);
  const types: string[] = [];
  for (const p of parts) {
    const t = IN_TYPES[p.toUpperCase()];
    if (!t) fail('SY_ERR_RULE_BAD_INBOUND', where, p, `one of ${Object.keys(IN_TYPES).join(', ')} (/-separated)`);
    types.push(...t);
  }
  return new InboundCond('type', types);
}
