// One measurement each: iperf3 throughput, wrk connections/s and latency
// with a new TCP connection per request, CPU seconds of a process, RSS, and
// RSS while holding idle connections. Every run is bounded in time.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NetnsLab } from '../helpers/netns.js';
import { ROOT } from '../e2e/dataplane-topology.js';

const TICKS = 100; // USER_HZ on Linux

/** utime + stime of a process in seconds (threads included). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / TICKS; // fields 14 and 15 of stat(5)
}

/** utime + stime of one thread of a process (the main thread: tid = pid), in seconds. */
export function threadCpuSeconds(pid: number, tid = pid): number {
  const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / TICKS;
}

/** Resident set size in bytes. */
export function rssBytes(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}

export interface Throughput {
  /** bits per second received */
  bps: number;
  /** bytes carried */
  bytes: number;
  /** CPU seconds of the relay process during the run (NaN without one) */
  cpu: number;
}

/** iperf3 -c ip -t seconds -P streams from the LAN client. */
export async function iperf(lab: NetnsLab, ns: string, ip: string, seconds: number, streams: number, pid?: number): Promise<Throughput> {
  const c0 = pid ? cpuSeconds(pid) : NaN;
  const r = await lab.exec(ns, 'iperf3', ['-c', ip, '-p', '5201', '-t', String(seconds), '-P', String(streams), '-J'], { timeoutMs: (seconds + 20) * 1000 });
  const c1 = pid ? cpuSeconds(pid) : NaN;
  if (r.code !== 0) throw new Error(`iperf3 to ${ip} failed (${r.code}): ${r.stdout.slice(-400)} ${r.stderr}`);
  const j = JSON.parse(r.stdout) as { end: { sum_received: { bits_per_second: number; bytes: number } } };
  return { bps: j.end.sum_received.bits_per_second, bytes: j.end.sum_received.bytes, cpu: c1 - c0 };
}

export interface ConnRate {
  /** requests (= new connections) per second */
  rps: number;
  /** latency percentiles in ms */
  p50: number;
  p99: number;
  /** socket errors reported by wrk */
  errors: number;
}

function ms(v: string, unit: string): number {
  const n = Number(v);
  return unit === 'us' ? n / 1000 : unit === 's' ? n * 1000 : unit === 'm' ? n * 60_000 : n;
}

/** wrk with a new TCP connection per request (Connection: close). */
export async function wrk(lab: NetnsLab, ns: string, url: string, seconds: number, conns = 20): Promise<ConnRate> {
  const r = await lab.exec(ns, 'wrk', [`-t${Math.min(2, conns)}`, `-c${conns}`, `-d${seconds}s`, '--latency', '--timeout', '2s', '-H', 'Connection: close', url], { timeoutMs: (seconds + 20) * 1000 });
  if (r.code !== 0) throw new Error(`wrk ${url} failed (${r.code}): ${r.stderr || r.stdout}`);
  const out = r.stdout;
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN);
  const pct = (p: string) => {
    const m = new RegExp(`^\\s+${p}%\\s+([\\d.]+)(us|ms|s|m)\\s*$`, 'm').exec(out);
    return m ? ms(m[1]!, m[2]!) : NaN;
  };
  const errs = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const errors = errs ? errs.slice(1).reduce((a, b) => a + Number(b), 0) : 0;
  return { rps, p50: pct('50'), p99: pct('99'), errors };
}

export interface Held {
  /** connections actually held open */
  held: number;
  /** RSS of the relay process before and while holding (bytes) */
  rssBefore: number;
  rssHeld: number;
}

/** Opens `n` idle connections from the LAN to ip:port through the system, measures RSS, closes them. */
export async function holdIdle(lab: NetnsLab, ns: string, ip: string, port: number, n: number, pid: number, limitMs = 60_000): Promise<Held> {
  const rssBefore = rssBytes(pid);
  const child = lab.spawn(ns, process.execPath, [join(ROOT, 'test', 'bench', 'hold-client.mjs'), ip, String(port), String(n), String(limitMs)], { stdio: ['pipe', 'pipe', 'pipe'] });
  try {
    const line = await new Promise<string>((resolve, reject) => {
      let buf = '';
      const t = setTimeout(() => reject(new Error('hold-client did not report')), limitMs + 10_000);
      child.stdout!.on('data', (d: Buffer) => {
        buf += d.toString();
        if (buf.includes('\n')) {
          clearTimeout(t);
          resolve(buf.trim());
        }
      });
      child.once('exit', (code) => reject(new Error(`hold-client exited ${code}`)));
    });
    const held = Number(/open (\d+)/.exec(line)?.[1] ?? 0);
    await new Promise((r) => setTimeout(r, 2000)); // sniff deadlines pass, dials settle
    return { held, rssBefore, rssHeld: rssBytes(pid) };
  } finally {
    child.stdin!.end();
    await new Promise((r) => {
      if (child.exitCode !== null) return r(null);
      const t = setTimeout(() => child.kill('SIGKILL'), 5000);
      child.once('exit', () => r(clearTimeout(t)));
    });
  }
}

/** Median of numbers (NaN-free). */
export function median(xs: number[]): number {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
