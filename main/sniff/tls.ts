// TLS ClientHello SNI sniffer. Pure: reads only the buffer it is given, never
// throws. The ClientHello may span several TLS records and several TCP
// segments: records are reassembled into the handshake message, and
// 'need-more' is answered until the message is complete (bounded by
// SNIFF_MAX_BYTES of input).
import { SNIFF_MAX_BYTES, type SniffResult } from './types.js';
import { hostResult } from './host.js';

const RECORD_HANDSHAKE = 0x16;
const HANDSHAKE_CLIENT_HELLO = 0x01;
const EXT_SERVER_NAME = 0x0000;
const SNI_HOST_NAME = 0x00;
/** RFC 8446 §5.1: a record's plaintext is at most 2^14 bytes (+256 slack some stacks use). */
const MAX_RECORD_LEN = (1 << 14) + 256;

/** SNI of a TLS ClientHello carried in TLS records (a TCP stream's first bytes). */
export function sniffTls(buf: Buffer): SniffResult {
  try {
    return sniffTlsRecords(buf);
  } catch {
    return 'no';
  }
}

function sniffTlsRecords(buf: Buffer): SniffResult {
  // Reassemble handshake bytes from consecutive handshake records.
  const parts: Buffer[] = [];
  let have = 0;
  let need = -1; // total handshake message length (4-byte header included) once known
  let off = 0;
  for (;;) {
    if (need >= 0 && have >= need) break;
    if (off >= buf.length) return more(buf);
    if (buf[off] !== RECORD_HANDSHAKE) return 'no';
    if (off + 1 < buf.length && buf[off + 1] !== 0x03) return 'no';
    if (off + 2 < buf.length && buf[off + 2]! > 0x04) return 'no';
    if (off + 5 > buf.length) return more(buf);
    const len = buf.readUInt16BE(off + 3);
    if (len === 0 || len > MAX_RECORD_LEN) return 'no';
    const end = Math.min(off + 5 + len, buf.length);
    const frag = buf.subarray(off + 5, end);
    parts.push(frag);
    have += frag.length;
    if (need < 0 && have >= 4) {
      const head = parts.length === 1 ? frag : Buffer.concat(parts);
      if (head[0] !== HANDSHAKE_CLIENT_HELLO) return 'no';
      need = 4 + head.readUIntBE(1, 3);
      if (need > SNIFF_MAX_BYTES) return 'no';
    }
    if (end < off + 5 + len) {
      // The record itself is cut short: maybe enough already, else wait.
      if (need >= 0 && have >= need) break;
      return more(buf);
    }
    off = end;
  }
  const msg = Buffer.concat(parts).subarray(0, need);
  return clientHelloSni(msg.subarray(4));
}

function more(buf: Buffer): SniffResult {
  return buf.length >= SNIFF_MAX_BYTES ? 'no' : 'need-more';
}

/**
 * The SNI host of a ClientHello body (after the 4-byte handshake header), as
 * a SniffResult: 'no' when it is malformed or carries no usable name. Shared
 * with the QUIC sniffer, whose CRYPTO frames carry the same message.
 */
export function clientHelloSni(body: Buffer): SniffResult {
  const r = new Reader(body);
  r.skip(2 + 32); // legacy_version, random
  r.skip(r.u8()); // session id
  r.skip(r.u16()); // cipher suites
  r.skip(r.u8()); // compression methods
  if (r.remaining() === 0) return 'no'; // no extensions at all
  const extLen = r.u16();
  const extEnd = r.pos + extLen;
  if (extEnd > body.length) return 'no';
  while (r.pos + 4 <= extEnd) {
    const type = r.u16();
    const len = r.u16();
    if (r.pos + len > extEnd) return 'no';
    if (type === EXT_SERVER_NAME) return serverName(body.subarray(r.pos, r.pos + len));
    r.skip(len);
  }
  return 'no';
}

function serverName(ext: Buffer): SniffResult {
  const r = new Reader(ext);
  const listLen = r.u16();
  const listEnd = r.pos + listLen;
  if (listEnd > ext.length) return 'no';
  while (r.pos + 3 <= listEnd) {
    const type = r.u8();
    const len = r.u16();
    if (r.pos + len > listEnd) return 'no';
    if (type === SNI_HOST_NAME) return hostResult(ext.toString('latin1', r.pos, r.pos + len));
    r.skip(len);
  }
  return 'no';
}

/** A bounds-checked cursor; reading past the end throws (caught by sniffTls/sniffQuic). */
export class Reader {
  pos = 0;
  constructor(private readonly buf: Buffer) {}
  remaining(): number {
    return this.buf.length - this.pos;
  }
  skip(n: number): void {
    if (n < 0 || this.pos + n > this.buf.length) throw new RangeError('short');
    this.pos += n;
  }
  u8(): number {
    if (this.pos + 1 > this.buf.length) throw new RangeError('short');
    return this.buf[this.pos++]!;
  }
  u16(): number {
    if (this.pos + 2 > this.buf.length) throw new RangeError('short');
    const v = this.buf.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }
}
