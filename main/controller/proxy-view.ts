// Outbound -> mihomo's Proxy object (GET /proxies, /group, /providers/proxies).
import type { Outbound, OutboundGroup } from '../core/outbound.js';
import type { ApiProxy } from './api-types.js';
import type { OutboundsView } from './deps.js';

export function isGroup(o: Outbound): o is OutboundGroup {
  return Array.isArray((o as Partial<OutboundGroup>).members) && typeof (o as Partial<OutboundGroup>).now === 'function';
}

export function toApiProxy(o: Outbound, view: OutboundsView): ApiProxy {
  const d = view.details?.(o.name) ?? {};
  const history = o.history().map((h) => ({ time: h.time, delay: h.delay }));
  const alive = o.alive();
  const p: ApiProxy = {
    name: o.name,
    type: o.type,
    udp: o.supportsUdp,
    uot: false,
    xudp: false,
    tfo: false,
    mptcp: false,
    smux: false,
    interface: d.interface ?? '',
    'routing-mark': d.routingMark ?? 0,
    'dialer-proxy': '',
    'provider-name': d.providerName ?? '',
    alive,
    history,
    extra: d.testUrl ? { [d.testUrl]: { alive, history } } : {},
  };
  if (d.server !== undefined) p.server = d.server;
  if (d.port !== undefined) p.port = d.port;
  if (isGroup(o)) {
    if (o.type !== 'LoadBalance') p.now = o.now();
    p.all = [...o.members];
    p.hidden = d.hidden ?? false;
    p.icon = d.icon ?? '';
    p.testUrl = d.testUrl ?? '';
    p.expectedStatus = d.expectedStatus ?? '*';
    p.fixed = d.fixed ?? '';
  }
  return p;
}
