// DIRECT: dial the destination ourselves. The IP is used when known; a
// host-only destination (fake-ip) is resolved through the injected Resolver,
// i.e. the upstream DNS, never the fake pool.
import type net from 'node:net';
import type { Destination, Outbound, UdpFlow } from '../core/outbound.js';
import type { Metadata } from '../core/metadata.js';
import type { Resolver } from '../core/rule.js';
import type { SocketFactory } from './socket-factory.js';
import { connectTcp, describeDst, Health, resolveIp } from './dial.js';
import { createDirectUdpFlow } from './udp-direct.js';

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

  async dialTcp(dst: Destination, meta: Metadata, signal?: AbortSignal): Promise<net.Socket> {
    const where = `${this.name} tcp ${describeDst(dst)}`;
    const ip = await resolveIp(this.deps.resolver, dst.host, dst.ip, where);
    meta.remoteDestination = ip;
    return connectTcp(this.deps.sockets, ip, dst.port, { signal, where, timeoutMs: this.deps.connectTimeoutMs });
  }

  async dialUdp(_meta: Metadata, signal?: AbortSignal): Promise<UdpFlow> {
    return createDirectUdpFlow({ ...this.deps, name: this.name, signal });
  }
}
