// outbound/: where decided connections go. The engine calls buildOutbounds();
// the rest is exported for tests and the controller.
export { buildOutbounds, GLOBAL, type OutboundSet, type OutboundDeps } from './build.js';
export { plainSocketFactory, fdSocketFactory, type SocketFactory } from './socket-factory.js';
export { memoryStateStore, fileStateStore, type StateStore } from './state-store.js';
export { DirectOutbound } from './direct.js';
export { rejectOutbound, rejectDropOutbound, passOutbound } from './reject.js';
export { Socks5Outbound } from './socks5.js';
export { HttpOutbound } from './http.js';
export { UnsupportedOutbound, apiTypeOf } from './unsupported.js';
export { GroupBase } from './groups/group.js';
export { SelectGroup } from './groups/select.js';
export { UrlTestGroup } from './groups/url-test.js';
export { FallbackGroup } from './groups/fallback.js';
export { PinnableGroup } from './groups/pinnable.js';
export { LoadBalanceGroup } from './groups/load-balance.js';
export { measureDelay, parseExpected, DEFAULT_TEST_URL } from './delay-test.js';
export { encodeSocksUdp, decodeSocksUdp } from './socks5-udp.js';
