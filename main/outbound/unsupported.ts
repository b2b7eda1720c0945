// Upstream types switchyard loads but does not relay (ss, vmess, ...): they
// appear in /proxies with their real API type, are never alive, and a dial
// fails with SY_ERR_NET_UNSUPPORTED, so groups skip them.
import type net from 'node:net';
import type { Outbound, OutboundType, UdpFlow } from '../core/outbound.js';
import type { ProxyConfig } from '../config/types.js';
import { SyError } from '../core/errors.js';
import { Health } from './dial.js';

const API_TYPES: Record<string, OutboundType> = {
  ss: 'Shadowsocks',
  shadowsocks: 'Shadowsocks',
  vmess: 'Vmess',
  vless: 'Vless',
  trojan: 'Trojan',
  hysteria: 'Hysteria',
  hysteria2: 'Hysteria2',
  tuic: 'Tuic',
  wireguard: 'WireGuard',
  socks5: 'Socks5',
  http: 'Http',
};

/** mihomo's API type name for a config type ('Unknown' when it has none). */
export function apiTypeOf(configType: string): OutboundType {
  return API_TYPES[configType.toLowerCase()] ?? 'Unknown';
}

export class UnsupportedOutbound implements Outbound {
  readonly name: string;
  readonly type: OutboundType;
  readonly supportsUdp: boolean;
  readonly health = new Health();

  constructor(private readonly cfg: ProxyConfig) {
    this.name = cfg.name;
    this.type = apiTypeOf(cfg.type);
    this.supportsUdp = cfg.udp;
  }

  alive(): boolean {
    return false;
  }

  history() {
    return this.health.history();
  }

  private fail(): never {
    throw new SyError('SY_ERR_NET_UNSUPPORTED', {
      where: this.cfg.where || `proxy "${this.name}"`,
      value: this.cfg.type,
      expected: 'socks5 or http',
    });
  }

  async dialTcp(): Promise<net.Socket> {
    this.fail();
  }

  async dialUdp(): Promise<UdpFlow> {
    this.fail();
  }
}
