// A bounds-checked big-endian reader: every short read is a coded, located
// error (never a RangeError), so malformed .mrs bodies fail cleanly.
import { SyError } from '../../core/errors.js';

export class Reader {
  off = 0;
  constructor(private readonly b: Uint8Array, private readonly where: string) {}
  fail(detail: string): never {
    throw new SyError('SY_ERR_PROVIDER_MRS', { where: `${this.where} @${this.off}`, detail });
  }
  need(n: number, what: string): void {
    if (n < 0 || this.off + n > this.b.length) this.fail(`truncated: ${what} needs ${n} bytes, ${this.b.length - this.off} left`);
  }
  u8(what: string): number {
    this.need(1, what);
    return this.b[this.off++]!;
  }
  bytes(n: number, what: string): Uint8Array {
    this.need(n, what);
    const s = this.b.subarray(this.off, this.off + n);
    this.off += n;
    return s;
  }
  /** int64 BE as a safe integer; negative or huge values are errors. */
  len(what: string, max: number): number {
    const v = Buffer.from(this.bytes(8, what)).readBigInt64BE(0);
    if (v < 0n || v > BigInt(max)) this.fail(`${what} out of range (${v}, at most ${max})`);
    return Number(v);
  }
  get left(): number {
    return this.b.length - this.off;
  }
}

export function i64(v: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(BigInt(v));
  return b;
}
