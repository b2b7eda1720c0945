// A minimal MaxMind DB writer for test fixtures (IPv4 tree, 24-bit records):
// enough of the format (search tree, data section, metadata) for the maxmind
// reader to open it, so tests need no downloaded database.
type Value = string | number | Value[] | { [k: string]: Value };

function ctrl(type: number, size: number): Buffer {
  const head = type <= 7 ? [(type << 5) | Math.min(size, 29)] : [Math.min(size, 29), type - 7];
  if (size < 29) return Buffer.from(head);
  if (size < 29 + 256) return Buffer.from([...head.map((b, i) => (i === 0 ? (b & 0xe0) | 29 : b)), size - 29]);
  throw new Error('fixture value too large');
}

function encode(v: Value): Buffer {
  if (typeof v === 'string') {
    const b = Buffer.from(v, 'utf8');
    return Buffer.concat([ctrl(2, b.length), b]);
  }
  if (typeof v === 'number') {
    const bytes: number[] = [];
    for (let x = v; x > 0; x = Math.floor(x / 256)) bytes.unshift(x % 256);
    return Buffer.concat([ctrl(v > 0xffffffff ? 9 : 6, bytes.length), Buffer.from(bytes)]);
  }
  if (Array.isArray(v)) return Buffer.concat([ctrl(11, v.length), ...v.map(encode)]);
  const keys = Object.keys(v);
  return Buffer.concat([ctrl(7, keys.length), ...keys.flatMap((k) => [encode(k), encode(v[k]!)])]);
}

interface Node { kids: [Node | number | null, Node | number | null]; id: number }

/** An IPv4 mmdb mapping each `a.b.c.d/len` to its record. */
export function buildMmdb(entries: readonly [cidr: string, record: Value][], databaseType: string): Buffer {
  const root: Node = { kids: [null, null], id: 0 };
  const data: Buffer[] = [];
  let dataLen = 0;
  for (const [cidr, rec] of entries) {
    const [ip, len] = cidr.split('/') as [string, string];
    const addr = ip.split('.').reduce((a, o) => a * 256 + Number(o), 0);
    const off = dataLen;
    const enc = encode(rec);
    data.push(enc);
    dataLen += enc.length;
    let n = root;
    for (let i = 0; i < Number(len); i++) {
      const bit = Math.floor(addr / 2 ** (31 - i)) % 2;
      if (i === Number(len) - 1) n.kids[bit] = -(off + 1); // data offset, encoded negative
      else {
        let next = n.kids[bit];
        if (typeof next !== 'object' || next === null) n.kids[bit] = next = { kids: [null, null], id: 0 };
        n = next;
      }
    }
  }
  const nodes: Node[] = [];
  const queue = [root];
  while (queue.length) {
    const n = queue.shift()!;
    n.id = nodes.length;
    nodes.push(n);
    for (const k of n.kids) if (k !== null && typeof k === 'object') queue.push(k);
  }
  const count = nodes.length;
  const tree = Buffer.alloc(count * 6);
  nodes.forEach((n, i) => {
    n.kids.forEach((k, b) => {
      const v = k === null ? count : typeof k === 'object' ? k.id : count + 16 + (-k - 1);
      tree.writeUIntBE(v, i * 6 + b * 3, 3);
    });
  });
  const meta = encode({
    binary_format_major_version: 2,
    binary_format_minor_version: 0,
    build_epoch: 1_700_000_000,
    database_type: databaseType,
    description: { en: 'switchyard test fixture' },
    ip_version: 4,
    languages: ['en'],
    node_count: count,
    record_size: 24,
  });
  return Buffer.concat([tree, Buffer.alloc(16), ...data, Buffer.from([0xab, 0xcd, 0xef]), Buffer.from('MaxMind.com'), meta]);
}
