// A SOCKS5 upstream: TCP through CONNECT, UDP through UDP ASSOCIATE
// (socks5-udp.ts). The destination's host is sent when known (ATYP 3, remote
// resolution: proxied names never touch the local resolver), its IP otherwise.
import type net from 'node:net';
import type { Destination, NativeTarget, Outbound, UdpFlow } from '../core/outbound.js';
import type { Metadata } from '../core/metadata.js';
import type { Resolver } from '../core/rule.js';
import type { ProxyConfig } from '../config/types.js';
import type { Logger } from '../core/logger.js';
import { SyError } from '../core/errors.js';
import { formatHostPort, ipFamily, normalizeIp } from '../core/address.js';
import type { SocketFactory } from './socket-factory.js';
import { connectTcp, DEFAULT_CONNECT_TIMEOUT_MS, describeDst, Health, resolveIp } from './dial.js';
import { socks5Handshake, SOCKS_CMD_CONNECT } from './socks5-client.js';
import { socks5Opening } from './socks5-wire.js';
import { explainNativeEnd } from './native-end.js';
import { createSocks5UdpFlow } from './socks5-udp.js';

export interface Socks5Deps {
  sockets: SocketFactory;
  resolver: Resolver;
  logger: Logger;
  connectTimeoutMs?: number;
  /** deadline for the SOCKS5 handshake after the TCP connect (default 10 s) */
  handshakeTimeoutMs?: number;
  udpIdleMs?: number;
}

export class Socks5Outbound implements Outbound {
  readonly type = 'Socks5' as const;
  readonly name: string;
  readonly supportsUdp: boolean;
  readonly health = new Health();
  private readonly where: string;

  constructor(
    private readonly cfg: Pick<ProxyConfig, 'name' | 'server' | 'port' | 'username' | 'password' | 'udp'> & { where?: string },
    private readonly deps: Socks5Deps,
  ) {
    this.name = cfg.name;
    this.supportsUdp = cfg.udp;
    this.where = `socks5 "${cfg.name}" ${formatHostPort(cfg.server, cfg.port)}`;
  }

  alive(): boolean {
    return this.health.alive();
  }

  history() {
    return this.health.history();
  }

  /** The server's IP (resolved through the injected resolver when a name is configured). */
  serverIp(): Promise<string> {
    return resolveIp(this.deps.resolver, this.cfg.server, '', this.where);
  }

  /** Opens a control connection and completes a handshake for `cmd`. */
  async handshake(cmd: 1 | 3, host: string, port: number, signal?: AbortSignal) {
    const ip = await this.serverIp();
    const sock = await connectTcp(this.deps.sockets, ip, this.cfg.port, {
      signal,
      where: this.where,
      timeoutMs: this.deps.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    });
    const reply = await socks5Handshake(sock, {
      cmd,
      host,
      port,
      username: this.cfg.username,
      password: this.cfg.password,
      timeoutMs: this.deps.handshakeTimeoutMs ?? 10_000,
      signal,
      where: this.where,
    });
    return { sock, reply, serverIp: ip };
  }

  /**
   * With native sockets and a server given by IP, the native relay connects,
   * sends the pipelined opening and checks the answer itself (the same rules
   * as socks5-wire.ts); null otherwise, or when the opening cannot be built
   * (dialTcp then reports why).
   */
  nativeTarget(dst: Destination): NativeTarget | null {
    const mark = this.deps.sockets.nativeMark;
    const ip = normalizeIp(this.cfg.server);
    const target = dst.host || dst.ip;
    if (mark === undefined || !ip || !target) return null;
    let opening: Buffer;
    try {
      opening = socks5Opening({ cmd: SOCKS_CMD_CONNECT, host: target, port: dst.port, username: this.cfg.username, password: this.cfg.password, where: this.where });
    } catch {
      return null;
    }
    const auth = this.cfg.username !== '' || this.cfg.password !== '';
    return { family: ipFamily(ip) as 4 | 6, ip, port: this.cfg.port, mark, opening, socks: auth ? 2 : 1, remoteDestination: dst.ip || dst.host, explain: this.explain };
  }

  /** Words a native end reason as dialTcp would (one function per outbound, kept by its connections). */
  private readonly explain = (why: string): string =>
    explainNativeEnd({ where: this.where, socks: { auth: this.cfg.username !== '' || this.cfg.password !== '', username: this.cfg.username } }, why);

  async dialTcp(dst: Destination, meta: Metadata, signal?: AbortSignal): Promise<net.Socket> {
    const target = dst.host || dst.ip;
    if (!target) throw new SyError('SY_ERR_NET_DIAL', { where: `${this.where} -> ${describeDst(dst)}`, detail: 'no destination' });
    const { sock } = await this.handshake(SOCKS_CMD_CONNECT, target, dst.port, signal);
    meta.remoteDestination = dst.ip || dst.host;
    return sock;
  }

  async dialUdp(meta: Metadata, signal?: AbortSignal): Promise<UdpFlow> {
    if (!this.supportsUdp) throw new SyError('SY_ERR_NET_NO_UDP', { where: this.where });
    return createSocks5UdpFlow({
      name: this.name,
      where: this.where,
      sockets: this.deps.sockets,
      logger: this.deps.logger,
      idleMs: this.deps.udpIdleMs ?? 60_000,
      associate: (s) => this.handshake(3, '0.0.0.0', 0, s),
      signal,
      meta,
    });
  }
}
