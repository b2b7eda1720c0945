// Allocation-free IP parsing for matching. An address is parsed into an Addr
// record the caller owns (reused per connection): IPv4 as one uint32, IPv6 as
// four uint32 words (big-endian order). IPv4-mapped IPv6 becomes IPv4, a zone
// (`%eth0`) and brackets are stripped; anything else that is not an IP gives
// family 0, which never matches an IP rule.

export interface Addr {
  /** 0 = no/invalid address, 4 or 6. */
  fam: 0 | 4 | 6;
  /** IPv4 value as an unsigned 32-bit number (fam 4). */
  v4: number;
  /** IPv6 words, most significant first (fam 6). */
  w0: number;
  w1: number;
  w2: number;
  w3: number;
}

export function emptyAddr(): Addr {
  return { fam: 0, v4: 0, w0: 0, w1: 0, w2: 0, w3: 0 };
}

/** Parses dotted IPv4 `s[from, to)` into a uint32, or -1. */
export function parseV4(s: string, from = 0, to = s.length): number {
  let acc = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      // Leading zeros ("01") are rejected, as Go's netip and Node's isIP do.
      if (digits === 1 && part === 0) return -1;
      part = part * 10 + (c - 48);
      if (part > 255) return -1;
      digits++;
    } else if (c === 46) {
      if (digits === 0 || dots === 3) return -1;
      acc = acc * 256 + part;
      part = 0;
      digits = 0;
      dots++;
    } else return -1;
  }
  if (digits === 0 || dots !== 3) return -1;
  return acc * 256 + part;
}

function hexVal(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/**
 * Parses `s` (IPv4, IPv6, `[v6]`, `v6%zone`) into `out`. Returns out.fam.
 * IPv4-mapped IPv6 is stored as IPv4.
 */
export function parseAddr(s: string, out: Addr): 0 | 4 | 6 {
  out.fam = 0;
  if (!s) return 0;
  let end = s.length;
  let start = 0;
  if (s.charCodeAt(0) === 91 /* [ */) {
    if (s.charCodeAt(end - 1) !== 93) return 0;
    start = 1;
    end--;
  }
  const pct = s.indexOf('%', start);
  if (pct >= 0 && pct < end) end = pct;
  if (s.indexOf(':', start) < 0) {
    if (start !== 0 || end !== s.length) return 0;
    const v = parseV4(s, start, end);
    if (v < 0) return 0;
    out.v4 = v;
    out.fam = 4;
    return 4;
  }
  return parseV6(s, start, end, out);
}

// Groups are collected into a small fixed scratch (module constant, never shared
// across calls because parsing is synchronous and re-entrancy-free).
const GROUPS = new Uint16Array(8);

function parseV6(s: string, start: number, end: number, out: Addr): 0 | 4 | 6 {
  let n = 0; // groups written
  let gap = -1; // index in GROUPS where '::' was
  let i = start;
  if (s.charCodeAt(i) === 58) {
    if (s.charCodeAt(i + 1) !== 58) return 0;
    gap = 0;
    i += 2;
    if (i === end) {
      out.w0 = out.w1 = out.w2 = out.w3 = 0;
      out.fam = 6;
      return 6;
    }
  }
  while (i < end) {
    // Embedded IPv4 tail?
    let j = i;
    let val = 0;
    let digits = 0;
    while (j < end && digits < 5) {
      const h = hexVal(s.charCodeAt(j));
      if (h < 0) break;
      val = val * 16 + h;
      digits++;
      j++;
    }
    if (j < end && s.charCodeAt(j) === 46) {
      if (n > 6) return 0;
      const v4 = parseV4(s, i, end);
      if (v4 < 0) return 0;
      GROUPS[n++] = v4 >>> 16;
      GROUPS[n++] = v4 & 0xffff;
      i = end;
      break;
    }
    if (digits === 0 || digits > 4 || n === 8) return 0;
    GROUPS[n++] = val;
    i = j;
    if (i === end) break;
    if (s.charCodeAt(i) !== 58) return 0;
    i++;
    if (s.charCodeAt(i) === 58) {
      if (gap >= 0) return 0;
      gap = n;
      i++;
      if (i === end) break;
    } else if (i === end) return 0;
  }
  if (gap < 0) {
    if (n !== 8) return 0;
  } else {
    if (n > 7) return 0;
    const move = n - gap;
    for (let k = 0; k < move; k++) GROUPS[7 - k] = GROUPS[n - 1 - k]!;
    for (let k = gap; k < 8 - move; k++) GROUPS[k] = 0;
  }
  const w0 = ((GROUPS[0]! << 16) | GROUPS[1]!) >>> 0;
  const w1 = ((GROUPS[2]! << 16) | GROUPS[3]!) >>> 0;
  const w2 = ((GROUPS[4]! << 16) | GROUPS[5]!) >>> 0;
  const w3 = ((GROUPS[6]! << 16) | GROUPS[7]!) >>> 0;
  if (w0 === 0 && w1 === 0 && w2 === 0xffff) {
    out.v4 = w3;
    out.fam = 4;
    return 4;
  }
  out.w0 = w0;
  out.w1 = w1;
  out.w2 = w2;
  out.w3 = w3;
  out.fam = 6;
  return 6;
}

/** A parsed prefix as an inclusive range. */
export interface Prefix {
  fam: 4 | 6;
  bits: number;
  /** fam 4: [lo, hi] as uint32 */
  lo4: number;
  hi4: number;
  /** fam 6: 4 words each */
  lo6: [number, number, number, number];
  hi6: [number, number, number, number];
}

function maskWord(w: number, bitsInWord: number): [number, number] {
  if (bitsInWord <= 0) return [0, 0xffffffff];
  if (bitsInWord >= 32) return [w >>> 0, w >>> 0];
  const m = (0xffffffff << (32 - bitsInWord)) >>> 0;
  return [(w & m) >>> 0, ((w & m) | (~m >>> 0)) >>> 0];
}

/**
 * Parses `a.b.c.d/n` or `v6/n` (prefix length required). IPv4-mapped IPv6
 * prefixes (`::ffff:1.2.3.0/120`) become IPv4. Host bits are masked off, as
 * netip.Prefix.Masked does. Returns null when invalid.
 */
export function parsePrefix(s: string): Prefix | null {
  const slash = s.indexOf('/');
  if (slash <= 0 || slash === s.length - 1) return null;
  const lenText = s.slice(slash + 1);
  if (!/^\d{1,3}$/.test(lenText)) return null;
  let bits = Number(lenText);
  const a = emptyAddr();
  const addrText = s.slice(0, slash);
  if (addrText.includes('%')) return null;
  const fam = parseAddr(addrText, a);
  if (fam === 0) return null;
  const written6 = addrText.includes(':');
  if (written6) {
    if (bits > 128) return null;
    if (fam === 4) {
      if (bits < 96) return null; // a mapped prefix wider than ::ffff:0:0/96 is not IPv4
      bits -= 96;
    }
  } else if (bits > 32) return null;
  if (fam === 4) {
    const [lo, hi] = maskWord(a.v4, bits);
    return { fam: 4, bits, lo4: lo, hi4: hi, lo6: [0, 0, 0, 0], hi6: [0, 0, 0, 0] };
  }
  const words = [a.w0, a.w1, a.w2, a.w3];
  const lo6: [number, number, number, number] = [0, 0, 0, 0];
  const hi6: [number, number, number, number] = [0, 0, 0, 0];
  for (let k = 0; k < 4; k++) {
    const [lo, hi] = maskWord(words[k]!, bits - 32 * k);
    lo6[k] = lo;
    hi6[k] = hi;
  }
  return { fam: 6, bits, lo4: 0, hi4: 0, lo6, hi6 };
}

/** Compares two IPv6 addresses given as words; -1, 0, 1. */
export function cmp6(a0: number, a1: number, a2: number, a3: number, b0: number, b1: number, b2: number, b3: number): number {
  if (a0 !== b0) return a0 < b0 ? -1 : 1;
  if (a1 !== b1) return a1 < b1 ? -1 : 1;
  if (a2 !== b2) return a2 < b2 ? -1 : 1;
  if (a3 !== b3) return a3 < b3 ? -1 : 1;
  return 0;
}

/** Whether `a` lies in prefix `p`. */
export function prefixContains(p: Prefix, a: Addr): boolean {
  if (a.fam !== p.fam) return false;
  if (a.fam === 4) return a.v4 >= p.lo4 && a.v4 <= p.hi4;
  return (
    cmp6(a.w0, a.w1, a.w2, a.w3, p.lo6[0], p.lo6[1], p.lo6[2], p.lo6[3]) >= 0 &&
    cmp6(a.w0, a.w1, a.w2, a.w3, p.hi6[0], p.hi6[1], p.hi6[2], p.hi6[3]) <= 0
  );
}
