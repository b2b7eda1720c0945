// Test fixtures for the sniffers: a real ClientHello captured from node's TLS
// client, re-framing helpers, and a QUIC Initial packet sealer (our own
// encryptor, checked against RFC 9001 Appendix A.2 in quic.test.ts).
import net from 'node:net';
import tls from 'node:tls';
import { encodeVarint, initialKeys, headerMask, sealPayload, QUIC_V1, quicVersion } from '../../../main/sniff/quic-crypto.js';

/** The first bytes node's TLS client sends (one TLS record with a ClientHello) for `servername`. */
export async function captureClientHello(servername: string | undefined): Promise<Buffer> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  try {
    const got = new Promise<Buffer>((resolve, reject) => {
      server.once('connection', (s) => {
        let acc = Buffer.alloc(0);
        s.on('data', (d: Buffer) => {
          acc = Buffer.concat([acc, d]);
          if (acc.length >= 5 && acc.length >= 5 + acc.readUInt16BE(3)) {
            resolve(acc);
            s.destroy();
          }
        });
        s.on('error', () => {});
      });
      setTimeout(() => reject(new Error('no ClientHello within 5 s')), 5000).unref();
    });
    const opts: tls.ConnectionOptions = { host: '127.0.0.1', port, rejectUnauthorized: false };
    if (servername !== undefined) opts.servername = servername;
    const c = tls.connect(opts);
    c.on('error', () => {});
    const hello = await got;
    c.destroy();
    return hello;
  } finally {
    server.close();
  }
}

/** The handshake message (4-byte header + body) inside a single-record ClientHello. */
export function handshakeOf(record: Buffer): Buffer {
  return record.subarray(5, 5 + record.readUInt16BE(3));
}

/** Wraps a handshake message into TLS records of at most `size` bytes each. */
export function toRecords(handshake: Buffer, size: number): Buffer {
  const out: Buffer[] = [];
  for (let i = 0; i < handshake.length; i += size) {
    const frag = handshake.subarray(i, Math.min(i + size, handshake.length));
    out.push(Buffer.from([0x16, 0x03, 0x01, frag.length >> 8, frag.length & 0xff]), frag);
  }
  return Buffer.concat(out);
}

/** A CRYPTO frame carrying `data` at stream `offset`. */
export function cryptoFrame(offset: number, data: Buffer): Buffer {
  return Buffer.concat([Buffer.from([0x06]), encodeVarint(offset), encodeVarint(data.length), data]);
}

export interface InitialSpec {
  dcid: Buffer;
  scid?: Buffer;
  token?: Buffer;
  pn?: number;
  pnLen?: 1 | 2 | 3 | 4;
  version?: number;
  /** Plaintext frames. */
  frames: Buffer;
  /** Pad the frames with PADDING so the whole packet has this size. */
  padTo?: number;
}

/** Builds a protected client Initial packet (RFC 9001 §5). */
export function sealInitial(spec: InitialSpec): Buffer {
  const version = spec.version ?? QUIC_V1;
  const pnLen = spec.pnLen ?? 4;
  const pn = spec.pn ?? 0;
  const scid = spec.scid ?? Buffer.alloc(0);
  const token = spec.token ?? Buffer.alloc(0);
  const type = quicVersion(version)!.initialType;
  const pnBytes = Buffer.alloc(pnLen);
  pnBytes.writeUIntBE(pn, 0, pnLen);
  const headOf = (frames: Buffer): Buffer => {
    const len = pnLen + frames.length + 16;
    return Buffer.concat([
      Buffer.from([0xc0 | (type << 4) | (pnLen - 1)]),
      Buffer.from([version >>> 24, (version >> 16) & 0xff, (version >> 8) & 0xff, version & 0xff]),
      Buffer.from([spec.dcid.length]), spec.dcid,
      Buffer.from([scid.length]), scid,
      encodeVarint(token.length), token,
      Buffer.from([0x40 | (len >> 8), len & 0xff]), // always the 2-byte length form, as in RFC 9001 A.2
      pnBytes,
    ]);
  };
  let frames = spec.frames;
  if (spec.padTo !== undefined) {
    const size = headOf(frames).length + frames.length + 16;
    if (spec.padTo > size) frames = Buffer.concat([frames, Buffer.alloc(spec.padTo - size)]);
  }
  const header = headOf(frames);
  const keys = initialKeys(spec.dcid, version);
  const sealed = sealPayload(keys, pn, header, frames);
  const pnOff = header.length - pnLen;
  const mask = headerMask(keys.hp, sealed.subarray(4 - pnLen, 4 - pnLen + 16));
  header[0]! ^= mask[0]! & 0x0f;
  for (let i = 0; i < pnLen; i++) header[pnOff + i]! ^= mask[1 + i]!;
  return Buffer.concat([header, sealed]);
}

