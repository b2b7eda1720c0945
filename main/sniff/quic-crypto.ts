// QUIC Initial packet protection (RFC 9001 §5, RFC 9369 for v2) with
// node:crypto: HKDF-SHA256 key derivation from the client's Destination
// Connection ID, AES-128-GCM payload protection and AES-128-ECB header
// protection. Initial keys are public by design, so anyone on the path can
// read a ClientHello: that is what makes QUIC SNI sniffing possible.
import { createCipheriv, createDecipheriv, createHmac } from 'node:crypto';

export const QUIC_V1 = 0x00000001;
export const QUIC_V2 = 0x6b3343cf;

interface VersionParams {
  readonly salt: Buffer;
  readonly labelPrefix: string;
  /** Long-header packet type bits (first byte & 0x30, >> 4) of an Initial packet. */
  readonly initialType: number;
}

const VERSIONS: ReadonlyMap<number, VersionParams> = new Map([
  [QUIC_V1, { salt: Buffer.from('38762cf7f55934b34d179ae6a4c80cadccbb7f0a', 'hex'), labelPrefix: 'quic', initialType: 0 }],
  [QUIC_V2, { salt: Buffer.from('0dede3def700a6db819381be6e269dcbf9bd2ed9', 'hex'), labelPrefix: 'quicv2', initialType: 1 }],
]);

/** Parameters of a supported version, or undefined. */
export function quicVersion(version: number): VersionParams | undefined {
  return VERSIONS.get(version);
}

export interface InitialKeys {
  readonly key: Buffer; // 16 bytes, AES-128-GCM
  readonly iv: Buffer; // 12 bytes
  readonly hp: Buffer; // 16 bytes, AES-128-ECB header protection
}

export function hkdfExtract(salt: Buffer, ikm: Buffer): Buffer {
  return createHmac('sha256', salt).update(ikm).digest();
}

/** HKDF-Expand-Label (RFC 8446 §7.1) with an empty context, for lengths up to 255. */
export function hkdfExpandLabel(secret: Buffer, label: string, length: number): Buffer {
  const full = Buffer.from('tls13 ' + label, 'latin1');
  const info = Buffer.concat([Buffer.from([length >> 8, length & 0xff, full.length]), full, Buffer.from([0])]);
  const out: Buffer[] = [];
  let prev = Buffer.alloc(0);
  for (let i = 1, got = 0; got < length; i++) {
    prev = createHmac('sha256', secret).update(Buffer.concat([prev, info, Buffer.from([i])])).digest();
    out.push(prev);
    got += prev.length;
  }
  return Buffer.concat(out).subarray(0, length);
}

/** The client's (or server's) Initial keys for a connection ID under `version`. */
export function initialKeys(dcid: Buffer, version: number, side: 'client' | 'server' = 'client'): InitialKeys {
  const v = VERSIONS.get(version);
  if (!v) throw new RangeError(`unsupported QUIC version 0x${version.toString(16)}`);
  const initial = hkdfExtract(v.salt, dcid);
  const secret = hkdfExpandLabel(initial, side === 'client' ? 'client in' : 'server in', 32);
  return {
    key: hkdfExpandLabel(secret, `${v.labelPrefix} key`, 16),
    iv: hkdfExpandLabel(secret, `${v.labelPrefix} iv`, 12),
    hp: hkdfExpandLabel(secret, `${v.labelPrefix} hp`, 16),
  };
}

/** The 5-byte header-protection mask from a 16-byte ciphertext sample. */
export function headerMask(hp: Buffer, sample: Buffer): Buffer {
  const c = createCipheriv('aes-128-ecb', hp, null);
  c.setAutoPadding(false);
  return c.update(sample).subarray(0, 5);
}

/** The AEAD nonce: the IV xor the packet number (left-padded). */
export function packetNonce(iv: Buffer, pn: number): Buffer {
  const nonce = Buffer.from(iv);
  for (let i = 0; i < 6 && pn > 0; i++) {
    nonce[11 - i]! ^= pn % 256;
    pn = Math.floor(pn / 256);
  }
  return nonce;
}

/** AES-128-GCM open; null when authentication fails. `sealed` = ciphertext || 16-byte tag. */
export function openPayload(keys: InitialKeys, pn: number, header: Buffer, sealed: Buffer): Buffer | null {
  if (sealed.length < 16) return null;
  try {
    const d = createDecipheriv('aes-128-gcm', keys.key, packetNonce(keys.iv, pn));
    d.setAAD(header);
    d.setAuthTag(sealed.subarray(sealed.length - 16));
    return Buffer.concat([d.update(sealed.subarray(0, sealed.length - 16)), d.final()]);
  } catch {
    return null;
  }
}

/** AES-128-GCM seal: ciphertext || tag (used by tests to build Initial packets). */
export function sealPayload(keys: InitialKeys, pn: number, header: Buffer, plain: Buffer): Buffer {
  const c = createCipheriv('aes-128-gcm', keys.key, packetNonce(keys.iv, pn));
  c.setAAD(header);
  return Buffer.concat([c.update(plain), c.final(), c.getAuthTag()]);
}

/** A QUIC variable-length integer at `off`: [value, byte length], or null when cut short. */
export function readVarint(buf: Buffer, off: number): [number, number] | null {
  if (off >= buf.length) return null;
  const first = buf[off]!;
  const len = 1 << (first >> 6);
  if (off + len > buf.length) return null;
  let v = first & 0x3f;
  for (let i = 1; i < len; i++) v = v * 256 + buf[off + i]!;
  return [v, len];
}

/** Encodes a QUIC variable-length integer (values < 2^53). */
export function encodeVarint(v: number): Buffer {
  if (v < 0x40) return Buffer.from([v]);
  if (v < 0x4000) return Buffer.from([0x40 | (v >> 8), v & 0xff]);
  if (v < 0x40000000) {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(v);
    b[0]! |= 0x80;
    return b;
  }
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(v));
  b[0]! |= 0xc0;
  return b;
}
