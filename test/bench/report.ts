// The benchmark table (stdout and docs/benchmarks.md): one row per figure,
// one column per system, then switchyard's ratios to v2ray and to the
// ceiling, and the targets with met / not met.
import { cpus, release } from 'node:os';
import { availableParallelism } from 'node:os';

export interface PathFigures {
  /** bits/s */
  single: number;
  multi: number;
  /** CPU seconds per GB relayed (single-stream runs) */
  cpuPerGb: number;
  rps: number;
  /** CPU µs of the relay process (all threads) per connection during the wrk runs */
  cpuPerConn: number;
  p50: number;
  p99: number;
  errors: number;
}

export interface SystemFigures {
  direct: PathFigures;
  proxied: PathFigures;
  /** bytes */
  rssIdle: number;
  held?: { held: number; rssBefore: number; rssHeld: number };
}

export type Results = Partial<Record<string, SystemFigures>>;

const gbit = (bps: number) => (Number.isFinite(bps) ? `${(bps / 1e9).toFixed(2)} Gbit/s` : '—');
const num = (v: number, d = 0) => (Number.isFinite(v) ? v.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }) : '—');
const ratio = (a: number, b: number) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}×` : '—');
const mb = (b: number) => (Number.isFinite(b) ? `${(b / 1048576).toFixed(1)} MB` : '—');

interface Row {
  label: string;
  get: (s: SystemFigures) => number;
  fmt: (v: number) => string;
}

function perConn(s: SystemFigures): number {
  return s.held && s.held.held > 0 ? (s.held.rssHeld - s.held.rssBefore) / s.held.held : NaN;
}

const ROWS: Row[] = [];
for (const path of ['direct', 'proxied'] as const) {
  const name = path === 'direct' ? 'DIRECT' : 'SOCKS5';
  ROWS.push(
    { label: `${name} 1 stream`, get: (s) => s[path].single, fmt: gbit },
    { label: `${name} 8 streams`, get: (s) => s[path].multi, fmt: gbit },
    { label: `${name} CPU s per GB (relay process)`, get: (s) => s[path].cpuPerGb, fmt: (v) => num(v, 2) },
    { label: `${name} new conns/s (HTTP, close, c=20)`, get: (s) => s[path].rps, fmt: (v) => num(v) },
    { label: `${name} CPU µs per new conn (relay process)`, get: (s) => s[path].cpuPerConn, fmt: (v) => num(v) },
    { label: `${name} p50 latency ms`, get: (s) => s[path].p50, fmt: (v) => num(v, 2) },
    { label: `${name} p99 latency ms`, get: (s) => s[path].p99, fmt: (v) => num(v, 2) },
  );
}
ROWS.push(
  { label: 'RSS idle', get: (s) => s.rssIdle, fmt: mb },
  { label: 'idle conns held', get: (s) => s.held?.held ?? NaN, fmt: (v) => num(v) },
  { label: 'RSS while holding them', get: (s) => s.held?.rssHeld ?? NaN, fmt: mb },
  { label: 'RSS per held conn', get: perConn, fmt: (v) => (Number.isFinite(v) ? `${(v / 1024).toFixed(1)} KiB` : '—') },
);

export function table(r: Results, systems: string[]): string {
  const cols = [...systems, 'sy / v2ray', 'sy / ceiling'];
  const lines = [`| figure | ${cols.join(' | ')} |`, `|---|${cols.map(() => '---:').join('|')}|`];
  for (const row of ROWS) {
    const cells = systems.map((s) => (r[s] ? row.fmt(row.get(r[s]!)) : '—'));
    const sy = r.switchyard ? row.get(r.switchyard) : NaN;
    const v2 = r.v2ray ? row.get(r.v2ray) : NaN;
    const ce = r.ceiling ? row.get(r.ceiling) : NaN;
    lines.push(`| ${row.label} | ${cells.join(' | ')} | ${ratio(sy, v2)} | ${ratio(sy, ce)} |`);
  }
  return lines.join('\n');
}

export function targets(r: Results): string {
  const sy = r.switchyard;
  const v2 = r.v2ray;
  const ce = r.ceiling;
  if (!sy) return '(switchyard not measured)';
  const out: Array<[string, string, boolean | undefined]> = [];
  const cmp = (label: string, a: number, b: number, want: number, ge: boolean) => {
    const q = a / b;
    out.push([label, Number.isFinite(q) ? `${q.toFixed(2)}× (target ${ge ? '≥' : '≤'} ${want}×)` : 'n/a', Number.isFinite(q) ? (ge ? q >= want : q <= want) : undefined]);
  };
  if (v2) {
    cmp('SOCKS5 throughput, 1 stream, vs v2ray', sy.proxied.single, v2.proxied.single, 1.2, true);
    cmp('SOCKS5 throughput, 8 streams, vs v2ray', sy.proxied.multi, v2.proxied.multi, 1.2, true);
    cmp('DIRECT throughput, 1 stream, vs v2ray', sy.direct.single, v2.direct.single, 1.2, true);
    cmp('DIRECT throughput, 8 streams, vs v2ray', sy.direct.multi, v2.direct.multi, 1.2, true);
    cmp('relay CPU per GB, DIRECT, vs v2ray', sy.direct.cpuPerGb, v2.direct.cpuPerGb, 0.5, false);
    cmp('relay CPU per GB, SOCKS5, vs v2ray', sy.proxied.cpuPerGb, v2.proxied.cpuPerGb, 0.5, false);
    cmp('new conns/s, DIRECT, vs v2ray', sy.direct.rps, v2.direct.rps, 1.5, true);
    cmp('new conns/s, SOCKS5, vs v2ray', sy.proxied.rps, v2.proxied.rps, 1.5, true);
  }
  out.push(['idle RSS', `${mb(sy.rssIdle)} (target ≤ 60 MB)`, sy.rssIdle <= 60 * 1048576]);
  const pc = perConn(sy);
  out.push(['RSS per held idle conn', Number.isFinite(pc) ? `${(pc / 1024).toFixed(1)} KiB (target ≤ 10 KiB)` : 'n/a', Number.isFinite(pc) ? pc <= 10240 : undefined]);
  if (ce) {
    for (const path of ['direct', 'proxied'] as const) {
      const added = sy[path].p50 - ce[path].p50;
      out.push([`p50 added over plain routing, ${path === 'direct' ? 'DIRECT' : 'SOCKS5'}`, `${num(added, 2)} ms (target ≤ 0.5 ms)`, Number.isFinite(added) ? added <= 0.5 : undefined]);
    }
  }
  return ['| target | measured | met |', '|---|---|---|', ...out.map(([a, b, c]) => `| ${a} | ${b} | ${c === undefined ? '—' : c ? 'yes' : '**no**'} |`)].join('\n');
}

export function machine(): string {
  return `${availableParallelism()} cores (nproc), ${cpus()[0]?.model ?? 'unknown CPU'}, Linux ${release()}, Node ${process.version}`;
}
