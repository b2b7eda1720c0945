// zstd for .mrs files. Decoding uses the `fzstd` package (Node 20 has no
// zstd). Encoding writes a valid zstd frame made of RAW (stored) blocks:
// no npm encoder was adopted, and a stored frame is valid zstd that mihomo's
// klauspost/compress reader (and `zstd -d`) accept; it is just not smaller.
import { decompress } from 'fzstd';
import { SyError } from '../../core/errors.js';

const MAGIC = 0xfd2fb528;
const MAX_BLOCK = 128 * 1024;

/** One zstd frame: single segment, 4-byte content size, raw blocks of ≤ 128 KiB, no checksum. */
export function zstdStore(data: Uint8Array): Buffer {
  if (data.length > 0xffffffff) throw new RangeError('zstdStore: content over 4 GiB');
  const blocks = Math.max(1, Math.ceil(data.length / MAX_BLOCK));
  const out = Buffer.alloc(4 + 1 + 4 + blocks * 3 + data.length);
  out.writeUInt32LE(MAGIC, 0);
  out[4] = (2 << 6) | (1 << 5); // FCS field 4 bytes, single segment
  out.writeUInt32LE(data.length, 5);
  let o = 9;
  for (let b = 0; b < blocks; b++) {
    const from = b * MAX_BLOCK;
    const size = Math.min(MAX_BLOCK, data.length - from);
    const last = b === blocks - 1 ? 1 : 0;
    out.writeUIntLE(last | (0 << 1) | (size << 3), o, 3);
    o += 3;
    out.set(data.subarray(from, from + size), o);
    o += size;
  }
  return out;
}

/** Decompresses a zstd stream; corrupt input fails with SY_ERR_PROVIDER_MRS at `where`. */
export function zstdDecode(data: Uint8Array, where: string, maxOut: number): Uint8Array {
  if (data.length < 4 || Buffer.from(data.buffer, data.byteOffset, 4).readUInt32LE(0) !== MAGIC) {
    throw new SyError('SY_ERR_PROVIDER_MRS', { where, detail: 'not a zstd stream (an .mrs file is zstd-compressed)' });
  }
  let out: Uint8Array;
  try {
    out = decompress(data);
  } catch (e) {
    throw new SyError('SY_ERR_PROVIDER_MRS', { where, detail: `corrupt zstd data: ${e instanceof Error ? e.message : String(e)}` });
  }
  if (out.length > maxOut) throw new SyError('SY_ERR_PROVIDER_TOO_LARGE', { where, value: out.length, expected: `at most ${maxOut} bytes decompressed` });
  return out;
}
