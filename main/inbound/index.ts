// inbound/: where connections enter. The engine creates these and passes the
// tunnel's Dispatcher; TPROXY inbounds take the native module as a dependency.
export { createTproxyTcpInbound, tproxyTcpMeta, type TproxyTcpInbound, type TproxyTcpOptions } from './tproxy-tcp.js';
export { createTproxyUdpInbound, type TproxyUdpInbound, type TproxyUdpOptions } from './tproxy-udp.js';
export { createMixedInbound, type MixedInbound, type MixedInboundOptions } from './mixed.js';
export type { NativeInbound } from './native-api.js';
