// DIRECT: dial the destination ourselves. The IP is used when known; a
// host-only destination (fake-ip) is resolved through the injected Resolver,
// i.e. the upstream DNS, never the fake pool.
import type net from 'node:net';
import type { Destination, NativeTarget, Outbound, UdpFlow } from '../core/outbound.js';
import { ipFamily, normalizeIp } from '../core/address.js';
import type { Metadata } from '../core/metadata.js';
import type { Resolver } from '../core/rule.js';
import type { SocketFactory } from './socket-factory.js';
import { connectTcp, describeDst, Health, resolveAll } from './dial.js';
import { isSyError } from '../core/errors.js';
import { createDirectUdpFlow } from './udp-direct.js';
import { explainNativeEnd } from './native-end.js';

export interface DirectDeps {
  sockets: SocketFactory;
  resolver: Resolver;
  connectTimeoutMs?: number;
  udpIdleMs?: number;
}

export class DirectOutbound implements Outbound {
  readonly type = 'Direct' as const;
  readonly supportsUdp = true;
  readonly health = new Health();

  constructor(
    readonly name: string,
    private readonly deps: DirectDeps,
  ) {}

  alive(): boolean {
    return true;
  }

  history() {
    return this.health.history();
  }

  /** A known IP is connected natively when the factory's sockets are native (see SocketFactory.nativeMark). */
  nativeTarget(dst: Destination): NativeTarget | null {
    const mark = this.deps.sockets.nativeMark;
    if (mark === undefined) return null;
    const ip = normalizeIp(dst.ip) || normalizeIp(dst.host);
    const family = ip ? ipFamily(ip) : 0;
    if (family === 0 || dst.port < 1 || dst.port > 65535) return null;
    return { family, ip, port: dst.port, mark, remoteDestination: ip, explain: this.explain };
  }

  /** Words a native end reason as dialTcp would (bound once: kept by every such connection). */
  private readonly explain = (why: string): string => explainNativeEnd({ where: this.name }, why);

  async dialTcp(dst: Destination, meta: Metadata, signal?: AbortSignal): Promise<net.Socket> {
    const where = `${this.name} tcp ${describeDst(dst)}`;
    const ips = await resolveAll(this.deps.resolver, dst.host, dst.ip, where);
    // A resolved host may have several addresses: try the next one when one
    // refuses or is unreachable (not after a timeout or an abort).
    let last: unknown;
    for (const ip of ips) {
      try {
        const sock = await connectTcp(this.deps.sockets, ip, dst.port, { signal, where, timeoutMs: this.deps.connectTimeoutMs });
        meta.remoteDestination = ip;
        return sock;
      } catch (e) {
        last = e;
        if (!isSyError(e) || e.code !== 'SY_ERR_NET_DIAL') throw e;
      }
    }
    throw last;
  }

  async dialUdp(_meta: Metadata, signal?: AbortSignal): Promise<UdpFlow> {
    return createDirectUdpFlow({ ...this.deps, name: this.name, signal });
  }
}
