// The client side of the SOCKS5 wire format (RFC 1928 + RFC 1929) as pure
// functions: the pipelined opening (greeting, optional username/password
// sub-negotiation and the request in one buffer) and a strict parser of what
// the server answers to it. socks5-client.ts drives them over a socket.
//
// Pipelining: the greeting offers exactly one method (NO AUTH, or
// USERNAME/PASSWORD when credentials are configured, as Clash/mihomo do), so
// the server's choice is known in advance and the sub-negotiation and the
// request can follow without waiting for it: one write and one round trip
// fewer. A server that picks anything else (or 0xFF) fails the handshake.
import { SyError } from '../core/errors.js';
import { readSocksAddress, writeSocksAddress } from './socks5-address.js';

export const SOCKS_CMD_CONNECT = 1;
export const SOCKS_CMD_UDP_ASSOCIATE = 3;
export type SocksCmd = typeof SOCKS_CMD_CONNECT | typeof SOCKS_CMD_UDP_ASSOCIATE;

const METHOD_NONE = 0;
const METHOD_USERPASS = 2;

/** REP values of RFC 1928 §6, worded for messages. */
export const SOCKS_REPLIES: Readonly<Record<number, string>> = {
  1: 'general SOCKS server failure',
  2: 'connection not allowed by ruleset',
  3: 'network unreachable',
  4: 'host unreachable',
  5: 'connection refused',
  6: 'TTL expired',
  7: 'command not supported',
  8: 'address type not supported',
};

export interface Socks5Opening {
  cmd: SocksCmd;
  /** host name (sent as ATYP 3) or IP (ATYP 1/4) */
  host: string;
  port: number;
  /** both '' = no authentication */
  username: string;
  password: string;
  /** for messages: `socks5 "hk" 127.0.0.1:1080` */
  where: string;
}

/**
 * Greeting + (sub-negotiation) + request as one buffer. Throws
 * SY_ERR_NET_DIAL for a destination that cannot be encoded and
 * SY_ERR_NET_SOCKS_AUTH for credentials over 255 bytes (never quoting them).
 */
export function socks5Opening(o: Socks5Opening): Buffer {
  const addr = writeSocksAddress(o.host);
  if (!addr) throw new SyError('SY_ERR_NET_DIAL', { where: o.where, value: o.host, expected: 'a host name of 1 to 255 bytes or an IP' });
  if (!Number.isInteger(o.port) || o.port < 0 || o.port > 65535) throw new SyError('SY_ERR_NET_DIAL', { where: o.where, value: o.port, expected: 'a port 0..65535' });
  const auth = o.username !== '' || o.password !== '';
  const u = auth ? Buffer.from(o.username, 'utf8') : null;
  const p = auth ? Buffer.from(o.password, 'utf8') : null;
  if (u && p && (u.length > 255 || p.length > 255)) {
    throw new SyError('SY_ERR_NET_SOCKS_AUTH', { where: o.where, detail: 'username or password longer than 255 bytes' });
  }
  const authLen = u && p ? 3 + u.length + p.length : 0;
  const out = Buffer.allocUnsafe(3 + authLen + 3 + addr.length + 2);
  out[0] = 5;
  out[1] = 1;
  out[2] = auth ? METHOD_USERPASS : METHOD_NONE;
  let off = 3;
  if (u && p) {
    out[off++] = 1;
    out[off++] = u.length;
    off += u.copy(out, off);
    out[off++] = p.length;
    off += p.copy(out, off);
  }
  out[off++] = 5;
  out[off++] = o.cmd;
  out[off++] = 0;
  off += addr.copy(out, off);
  out.writeUInt16BE(o.port, off);
  return out;
}

export interface Socks5Reply {
  /** BND.ADDR as sent (an IP, or a name for ATYP 3) */
  bndAddr: string;
  bndPort: number;
}

export type SocksErrorCode = 'SY_ERR_NET_SOCKS_HANDSHAKE' | 'SY_ERR_NET_SOCKS_AUTH' | 'SY_ERR_NET_SOCKS_REFUSED';

/** What the bytes received so far amount to. */
export type Socks5Parse =
  /** more bytes are needed; `part` names what is incomplete (for the error when the server closes) */
  | { kind: 'short'; part: string }
  | { kind: 'error'; code: SocksErrorCode; detail: string }
  /** `end`: offset of the first byte after the reply (server data for CONNECT) */
  | { kind: 'done'; reply: Socks5Reply; end: number };

/**
 * Parses the server's answers to `socks5Opening` from the start of `b`
 * (stateless: call it again with more bytes). Every deviation from the RFCs
 * is an error naming the field; a refusal (REP != 0) is reported as soon as
 * REP arrives. `username` is only quoted in the auth-failure message.
 */
export function parseSocks5Replies(b: Buffer, auth: boolean, username: string, cmd: SocksCmd): Socks5Parse {
  if (b.length < 2) return { kind: 'short', part: 'the method selection reply' };
  if (b[0] !== 5) return bad(`method selection reply has version ${b[0]}, not 5`);
  const method = b[1];
  if (method === 0xff) {
    return {
      kind: 'error',
      code: 'SY_ERR_NET_SOCKS_AUTH',
      detail: auth ? 'the server accepts no username/password authentication (method 0xFF)' : 'the server requires authentication (method 0xFF to NO AUTH); configure a username and password',
    };
  }
  const offered = auth ? METHOD_USERPASS : METHOD_NONE;
  if (method !== offered) return bad(`the server chose method ${method}, but only ${offered} was offered`);
  let off = 2;
  if (auth) {
    if (b.length < 4) return { kind: 'short', part: 'the username/password reply' };
    // NOTE: RFC 1929 says VER 1; some servers echo 5 there. Both are accepted.
    if (b[2] !== 1 && b[2] !== 5) return bad(`username/password reply has version ${b[2]}, not 1`);
    if (b[3] !== 0) return { kind: 'error', code: 'SY_ERR_NET_SOCKS_AUTH', detail: `username "${username}" was refused (status ${b[3]})` };
    off = 4;
  }
  const what = cmd === SOCKS_CMD_CONNECT ? 'CONNECT reply' : 'UDP ASSOCIATE reply';
  if (b.length < off + 1) return { kind: 'short', part: `the ${what}` };
  if (b[off] !== 5) return bad(`${what} has version ${b[off]}, not 5`);
  if (b.length < off + 2) return { kind: 'short', part: `the ${what}` };
  const rep = b[off + 1]!;
  if (rep !== 0) return { kind: 'error', code: 'SY_ERR_NET_SOCKS_REFUSED', detail: `${what} ${rep}: ${SOCKS_REPLIES[rep] ?? 'unassigned reply code'}` };
  if (b.length < off + 3) return { kind: 'short', part: `the ${what}` };
  if (b[off + 2] !== 0) return bad(`${what} has reserved byte ${b[off + 2]}, not 0`);
  const addr = readSocksAddress(b, off + 3);
  if (addr === 'short') return { kind: 'short', part: `BND.ADDR/BND.PORT of the ${what}` };
  if (addr === 'bad') {
    const atyp = b[off + 3];
    return bad(atyp === 3 ? `${what} has an empty BND.ADDR name` : `${what} has unknown address type ${atyp}`);
  }
  if (cmd === SOCKS_CMD_UDP_ASSOCIATE && b.length > addr.end) {
    return bad(`${b.length - addr.end} unexpected bytes after the ${what}`);
  }
  return { kind: 'done', reply: { bndAddr: addr.host, bndPort: addr.port }, end: addr.end };
}

function bad(detail: string): Socks5Parse {
  return { kind: 'error', code: 'SY_ERR_NET_SOCKS_HANDSHAKE', detail };
}
