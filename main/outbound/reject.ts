// Built-in outbounds that never connect. The tunnel reads `type`: for
// 'Reject' it resets the client, for 'RejectDrop' it holds the client silent
// and then drops it; 'Pass' is never dialled (rules skip it). Their dials
// reject with a coded error so a caller that dials anyway fails clearly.
import type net from 'node:net';
import type { Destination, Outbound, OutboundType, UdpFlow } from '../core/outbound.js';
import type { Metadata } from '../core/metadata.js';
import { SyError } from '../core/errors.js';
import { describeDst, Health } from './dial.js';

class NoDialOutbound implements Outbound {
  readonly supportsUdp = true;
  readonly health = new Health();

  constructor(
    readonly name: string,
    readonly type: OutboundType,
  ) {}

  alive(): boolean {
    return true;
  }

  history() {
    return this.health.history();
  }

  async dialTcp(dst: Destination): Promise<net.Socket> {
    throw new SyError('SY_ERR_NET_REJECTED', { where: `${this.name} tcp ${describeDst(dst)}` });
  }

  async dialUdp(meta: Metadata): Promise<UdpFlow> {
    throw new SyError('SY_ERR_NET_REJECTED', { where: `${this.name} udp ${meta.host || meta.dstIP}:${meta.dstPort}` });
  }
}

export const rejectOutbound = (name = 'REJECT'): Outbound & { health: Health } => new NoDialOutbound(name, 'Reject');
export const rejectDropOutbound = (name = 'REJECT-DROP'): Outbound & { health: Health } => new NoDialOutbound(name, 'RejectDrop');
export const passOutbound = (name = 'PASS'): Outbound & { health: Health } => new NoDialOutbound(name, 'Pass');
