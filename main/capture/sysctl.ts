// Sysctls capture changes while installed, and reads/writes through the runner.
import type { CaptureInput } from './input.js';
import type { RunCommand } from './run.js';

/**
 * key -> value while capture is installed:
 * - gateway mode forwards (v4, and v6 when ipv6 is on);
 * - early demux off: TIME_WAIT sockets of a stopped TPROXY proxy would otherwise
 *   swallow forwarded connections to the same address for 60 s (reference §6.1).
 *   IPv6 early demux has no sysctl of its own; the kernel uses the IPv4 one for both.
 */
export function plannedSysctls(i: Pick<CaptureInput, 'lan' | 'ipv6'>): Record<string, string> {
  const want: Record<string, string> = { 'net.ipv4.ip_early_demux': '0' };
  if (i.lan) {
    want['net.ipv4.ip_forward'] = '1';
    if (i.ipv6) want['net.ipv6.conf.all.forwarding'] = '1';
  }
  return want;
}

export async function readSysctl(run: RunCommand, key: string): Promise<string | null> {
  const r = await run('sysctl', ['-n', key]);
  return r.code === 0 ? r.stdout.trim() : null;
}

/** Throws an Error with sysctl's message on failure. */
export async function writeSysctl(run: RunCommand, key: string, value: string): Promise<void> {
  const r = await run('sysctl', ['-q', '-w', `${key}=${value}`]);
  if (r.code !== 0) throw new Error(`sysctl -w ${key}=${value}: ${r.stderr.trim() || `exit ${r.code}`}`);
}
