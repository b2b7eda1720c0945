// How a connection the native relay dialed itself (Outbound.nativeTarget)
// failed, worded as the outbound's own dial would have: the native side
// reports 'error: connect <ERRNO>' or 'error: socks5 <bad|closed|timeout|
// ERRNO> <answer in hex>', and the SOCKS5 answer is parsed here by the same
// strict parser as the Node path (socks5-wire.ts), so both give one message.
import { SyError } from '../core/errors.js';
import { parseSocks5Replies, SOCKS_CMD_CONNECT } from './socks5-wire.js';

export interface NativeEndContext {
  /** `DIRECT tcp 203.0.113.2:80`, `socks5 "up" 198.51.100.2:1080` */
  where: string;
  /** SOCKS5 upstream: whether credentials were sent, and the username for messages */
  socks?: { auth: boolean; username: string };
}

/** The message of the coded error that `why` stands for (without 'error: ' when it is not a dial failure). */
export function explainNativeEnd(ctx: NativeEndContext, why: string): string {
  return nativeEndError(ctx, why)?.message ?? why.replace(/^error: /, '');
}

/** The coded error a native end reason stands for; null when it is not a dial failure. */
export function nativeEndError(ctx: NativeEndContext, why: string): SyError | null {
  const connect = /^error: connect (\S+)$/.exec(why);
  if (connect) return new SyError('SY_ERR_NET_DIAL', { where: ctx.where, detail: `connect ${connect[1]}` });
  const socks = /^error: socks5 (\S+) ?([0-9a-f]*)$/.exec(why);
  if (!socks || !ctx.socks) return null;
  const what = socks[1]!;
  const answer = Buffer.from(socks[2] ?? '', 'hex');
  const r = parseSocks5Replies(answer, ctx.socks.auth, ctx.socks.username, SOCKS_CMD_CONNECT);
  if (r.kind === 'error') return new SyError(r.code, { where: ctx.where, detail: r.detail });
  const part = r.kind === 'short' ? r.part : 'the answer';
  if (what === 'closed') {
    return new SyError('SY_ERR_NET_SOCKS_HANDSHAKE', { where: ctx.where, detail: `the server closed the connection before the end of ${part} (${answer.length} bytes received)` });
  }
  if (what === 'timeout') {
    return new SyError('SY_ERR_NET_TIMEOUT', { where: ctx.where, detail: `no SOCKS5 handshake before the dial deadline (waiting for ${part})` });
  }
  if (what === 'bad') return new SyError('SY_ERR_NET_SOCKS_HANDSHAKE', { where: ctx.where, detail: 'malformed handshake reply' });
  return new SyError('SY_ERR_NET_DIAL', { where: ctx.where, detail: `socket error during the handshake (${what})` });
}
