// The SOCKS5 side of the mixed port (RFC 1928/1929), as a state machine over
// a receive buffer: greeting -> (username/password) -> request. CONNECT hands
// the socket to the dispatcher; UDP ASSOCIATE starts a relay (socks5-relay.ts);
// BIND is answered 0x07. Malformed input gets the matching SOCKS reply (when
// there is one) and a close, logged at debug.
import type net from 'node:net';
import { newMetadata } from '../core/metadata.js';
import { normalizeIp } from '../core/address.js';
import type { MixedContext } from './mixed-context.js';
import { readSocksAddress, writeSocksAddressPort } from './socks5-wire.js';
import { parseTarget } from './target.js';
import { startSocks5Relay } from './socks5-relay.js';

const REP_GENERAL = 1;
const REP_HOST_UNREACHABLE = 4;
const REP_CMD_UNSUPPORTED = 7;
const REP_ATYP_UNSUPPORTED = 8;

type State = 'greeting' | 'auth' | 'request' | 'done';

/** Serves one SOCKS5 client whose first bytes are `first` (starting with 0x05). */
export function serveSocks5(sock: net.Socket, first: Buffer, ctx: MixedContext): void {
  let state: State = 'greeting';
  let buf = first;
  let user = '';
  const reply = (rep: number) => {
    const bnd = writeSocksAddressPort(normalizeIp(sock.localAddress ?? '') || '0.0.0.0', sock.localPort ?? 0) ?? Buffer.from([1, 0, 0, 0, 0, 0, 0]);
    if (!sock.destroyed) sock.write(Buffer.concat([Buffer.from([5, rep, 0]), bnd]));
  };
  const fail = (why: string, rep?: number, raw?: Buffer) => {
    state = 'done';
    sock.removeListener('data', onData);
    ctx.debug('socks5 handshake refused', sock, why);
    if (raw) sock.end(raw);
    else if (rep !== undefined) {
      reply(rep);
      sock.end();
    } else sock.destroy();
  };
  const step = (): void => {
    if (state === 'greeting') {
      if (buf.length < 2) return;
      const n = buf[1] ?? 0;
      if (buf.length < 2 + n) return;
      const methods = buf.subarray(2, 2 + n);
      buf = buf.subarray(2 + n);
      if (ctx.auth) {
        if (!methods.includes(2)) return fail('client offers no username/password method', undefined, Buffer.from([5, 0xff]));
        sock.write(Buffer.from([5, 2]));
        state = 'auth';
      } else if (methods.includes(0)) {
        sock.write(Buffer.from([5, 0]));
        state = 'request';
      } else if (methods.includes(2)) {
        sock.write(Buffer.from([5, 2])); // no users configured: any credentials pass
        state = 'auth';
      } else return fail('no acceptable method', undefined, Buffer.from([5, 0xff]));
      return step();
    }
    if (state === 'auth') {
      if (buf.length < 2) return;
      if (buf[0] !== 1) return fail(`auth version ${buf[0]}`, undefined, Buffer.from([1, 1]));
      const ulen = buf[1] ?? 0;
      if (buf.length < 3 + ulen) return;
      const plen = buf[2 + ulen] ?? 0;
      if (buf.length < 3 + ulen + plen) return;
      const u = buf.toString('utf8', 2, 2 + ulen);
      const p = buf.toString('utf8', 3 + ulen, 3 + ulen + plen);
      buf = buf.subarray(3 + ulen + plen);
      if (ctx.auth && !ctx.auth.check(u, p)) return fail(`bad credentials for user "${u}"`, undefined, Buffer.from([1, 1]));
      user = u;
      sock.write(Buffer.from([1, 0]));
      state = 'request';
      return step();
    }
    if (state === 'request') {
      if (buf.length < 4) return;
      if (buf[0] !== 5) return fail(`request version ${buf[0]}`);
      const cmd = buf[1];
      const addr = readSocksAddress(buf, 3);
      if (addr === 'short') return;
      if (addr === 'bad') return fail(`address type ${buf[3]}`, REP_ATYP_UNSUPPORTED);
      const rest = buf.subarray(addr.end);
      if (cmd === 1) return connect(addr.host, addr.port, rest);
      if (cmd === 3) return associate(addr.host, addr.port);
      return fail(`command ${cmd}`, REP_CMD_UNSUPPORTED);
    }
  };
  const connect = (host: string, port: number, rest: Buffer) => {
    const target = parseTarget(host, port);
    if (!target) return fail(`bad destination ${JSON.stringify(host)}:${port}`, REP_HOST_UNREACHABLE);
    state = 'done';
    sock.removeListener('data', onData);
    sock.pause();
    reply(0);
    const meta = newMetadata({ network: 'tcp', type: 'Socks5', ...ctx.source(sock), ...target, inboundUser: user });
    ctx.handOver(sock, meta, rest);
  };
  const associate = (host: string, port: number) => {
    state = 'done';
    sock.removeListener('data', onData);
    ctx.endHandshake(sock);
    startSocks5Relay(sock, { host, port }, user, ctx).then(
      (bnd) => {
        const b = writeSocksAddressPort(bnd.ip, bnd.port);
        if (b && !sock.destroyed) sock.write(Buffer.concat([Buffer.from([5, 0, 0]), b]));
      },
      (err) => {
        ctx.debug('socks5 UDP relay not started', sock, String(err));
        reply(REP_GENERAL);
        sock.end();
      },
    );
  };
  const onData = (chunk: Buffer) => {
    buf = Buffer.concat([buf, chunk]);
    if (buf.length > 4096) return fail('oversized handshake');
    step();
  };
  sock.on('data', onData);
  step();
}
