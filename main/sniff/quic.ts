// QUIC Initial SNI sniffer (v1, RFC 9000/9001; v2, RFC 9369). Pure, never
// throws. Decrypts every client Initial packet in the datagram(s), collects
// their CRYPTO frames (in any order, within and across packets), and parses
// the ClientHello once the bytes from offset 0 are contiguous.
//
// A ClientHello larger than one datagram (post-quantum key shares) spans
// several Initial packets: the answer is then 'need-more', and the caller
// calls again with all datagrams so far (`sniffQuic([d1, d2])`).
import { clientHelloSni } from './tls.js';
import { SNIFF_MAX_BYTES, type SniffResult } from './types.js';
import { headerMask, initialKeys, openPayload, quicVersion, readVarint } from './quic-crypto.js';

const MAX_CID = 20;
const FRAME_PADDING = 0x00;
const FRAME_PING = 0x01;
const FRAME_ACK = 0x02;
const FRAME_ACK_ECN = 0x03;
const FRAME_CRYPTO = 0x06;

type Chunk = { offset: number; data: Buffer };

/** SNI from one datagram, or from several datagrams of the same client flow, in arrival order. */
export function sniffQuic(input: Buffer | readonly Buffer[]): SniffResult {
  try {
    const datagrams = Buffer.isBuffer(input) ? [input] : input;
    const chunks: Chunk[] = [];
    let initials = 0;
    for (let i = 0; i < datagrams.length; i++) {
      const n = readDatagram(datagrams[i]!, chunks);
      if (n < 0 && i === 0) return 'no'; // later junk datagrams are ignored
      if (n > 0) initials += n;
    }
    if (initials === 0) return 'no';
    return fromCrypto(chunks);
  } catch {
    return 'no';
  }
}

/** Decrypts the coalesced packets of a datagram; returns the number of client Initials, -1 when it is not QUIC. */
function readDatagram(d: Buffer, chunks: Chunk[]): number {
  let off = 0;
  let count = 0;
  while (off < d.length) {
    if ((d[off]! & 0x80) === 0) break; // short header or trailing padding: nothing more for us
    const r = readLongPacket(d, off, chunks);
    if (!r) return count > 0 ? count : -1;
    if (r.initial) count++;
    off = r.end;
  }
  return count;
}

/**
 * One long-header packet at `off`; a client Initial is decrypted into `chunks`.
 * Returns where the packet ends, or null when it is malformed, of an
 * unsupported version, or an Initial that does not decrypt.
 */
function readLongPacket(d: Buffer, off: number, chunks: Chunk[]): { end: number; initial: boolean } | null {
  if (off + 7 > d.length) return null;
  const first = d[off]!;
  const version = d.readUInt32BE(off + 1);
  const v = quicVersion(version);
  if (!v || (first & 0x40) === 0) return null;
  let pos = off + 5;
  const dcidLen = d[pos++]!;
  if (dcidLen > MAX_CID || pos + dcidLen + 1 > d.length) return null;
  const dcid = d.subarray(pos, pos + dcidLen);
  pos += dcidLen;
  const scidLen = d[pos++]!;
  if (scidLen > MAX_CID) return null;
  pos += scidLen;
  const initial = ((first >> 4) & 0x03) === v.initialType;
  if (initial) {
    const tok = readVarint(d, pos);
    if (!tok) return null;
    pos += tok[1] + tok[0];
  }
  const len = readVarint(d, pos);
  if (!len) return null;
  pos += len[1];
  const end = pos + len[0];
  if (end > d.length || len[0] < 20) return null;
  if (initial && !decryptInitial(d, off, pos, end, dcid, version, chunks)) return null;
  return { end, initial };
}

function decryptInitial(d: Buffer, off: number, pnOff: number, end: number, dcid: Buffer, version: number, chunks: Chunk[]): boolean {
  const keys = initialKeys(dcid, version);
  const mask = headerMask(keys.hp, d.subarray(pnOff + 4, pnOff + 20));
  const first = d[off]! ^ (mask[0]! & 0x0f);
  const pnLen = (first & 0x03) + 1;
  const header = Buffer.from(d.subarray(off, pnOff + pnLen));
  header[0] = first;
  let pn = 0;
  for (let i = 0; i < pnLen; i++) {
    const b = d[pnOff + i]! ^ mask[1 + i]!;
    header[pnOff - off + i] = b;
    pn = pn * 256 + b;
  }
  const plain = openPayload(keys, pn, header, d.subarray(pnOff + pnLen, end));
  return plain !== null && readFrames(plain, chunks);
}

/** Collects CRYPTO frames; false on a frame an Initial packet may not carry, or a malformed one. */
function readFrames(p: Buffer, chunks: Chunk[]): boolean {
  let pos = 0;
  const vi = (): number => {
    const r = readVarint(p, pos);
    if (!r) throw new RangeError('short');
    pos += r[1];
    return r[0];
  };
  while (pos < p.length) {
    const type = vi();
    if (type === FRAME_PADDING || type === FRAME_PING) continue;
    if (type === FRAME_ACK || type === FRAME_ACK_ECN) {
      vi(); vi(); // largest acknowledged, delay
      const ranges = vi();
      vi(); // first range
      if (ranges > p.length) return false;
      for (let i = 0; i < ranges; i++) { vi(); vi(); }
      if (type === FRAME_ACK_ECN) { vi(); vi(); vi(); }
      continue;
    }
    if (type !== FRAME_CRYPTO) return false;
    const offset = vi();
    const length = vi();
    if (pos + length > p.length || offset + length > SNIFF_MAX_BYTES) return false;
    chunks.push({ offset, data: p.subarray(pos, pos + length) });
    pos += length;
  }
  return true;
}

/** Parses the ClientHello once the CRYPTO stream is contiguous from 0 up to its length. */
function fromCrypto(chunks: Chunk[]): SniffResult {
  chunks.sort((a, b) => a.offset - b.offset);
  const stream = Buffer.alloc(SNIFF_MAX_BYTES);
  let have = 0;
  for (const c of chunks) {
    if (c.offset > have) break; // a gap: later bytes are useless until it fills
    const end = c.offset + c.data.length;
    if (end > have) {
      c.data.copy(stream, have, have - c.offset);
      have = end;
    }
  }
  if (have < 4) return 'need-more';
  if (stream[0] !== 0x01) return 'no';
  const need = 4 + stream.readUIntBE(1, 3);
  if (need > SNIFF_MAX_BYTES) return 'no';
  if (have < need) return 'need-more';
  return clientHelloSni(stream.subarray(4, need));
}
