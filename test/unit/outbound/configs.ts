// Config fragments for outbound tests (the frozen shapes of config/types.ts).
import type { GroupConfig, ProxyConfig } from '../../../main/config/types.js';

export function proxy(p: Partial<ProxyConfig> & Pick<ProxyConfig, 'name'>): ProxyConfig {
  return {
    type: 'socks5',
    supported: true,
    server: '127.0.0.1',
    port: 1,
    username: '',
    password: '',
    udp: true,
    tls: false,
    skipCertVerify: false,
    where: `test proxies[${p.name}]`,
    ...p,
  };
}

export function group(g: Partial<GroupConfig> & Pick<GroupConfig, 'name' | 'type' | 'proxies'>): GroupConfig {
  return {
    url: '',
    interval: 0,
    timeout: 2000,
    tolerance: 0,
    lazy: false,
    expectedStatus: '',
    hidden: false,
    icon: '',
    where: `test proxy-groups[${g.name}]`,
    ...g,
  };
}
