// Which local process owns a connection (PROCESS-NAME, PROCESS-PATH, UID
// rules), from /proc: the socket table (/proc/net/{tcp,udp}{,6}) gives the
// owner uid and the socket inode for the connection's source address; a scan
// of /proc/<pid>/fd finds the process holding that inode; /proc/<pid>/exe is
// its path. Only this host's own traffic has a process (LAN clients do not).
// The rule engine asks at most once per connection, and only when a rule
// needs it (find-process-mode), so the scan stays off the common path.
import { readFile, readdir, readlink } from 'node:fs/promises';
import { networkInterfaces } from 'node:os';
import { basename, join } from 'node:path';
import type { Metadata } from '../core/metadata.js';
import type { ProcessLookup } from '../core/rule.js';
import { normalizeIp } from '../core/address.js';

export interface ProcessLookupOptions {
  /** Default /proc. */
  procRoot?: string;
  /** Addresses of this host (default: the interfaces', refreshed every 5 s). */
  localAddresses?: () => ReadonlySet<string>;
}

/** A /proc/net table address (`0100007F:1F90`, or 32 hex digits for v6) → ip text and port. */
export function decodeProcAddress(field: string): { ip: string; port: number } | null {
  const [hex, portHex] = field.split(':');
  if (!hex || !portHex) return null;
  const port = parseInt(portHex, 16);
  if (hex.length === 8) {
    const v = parseInt(hex, 16);
    return { ip: `${v & 255}.${(v >>> 8) & 255}.${(v >>> 16) & 255}.${v >>> 24}`, port };
  }
  if (hex.length === 32) {
    const groups: string[] = [];
    for (let w = 0; w < 4; w++) {
      const word = hex.slice(w * 8, w * 8 + 8);
      // each 32-bit word is stored in host (little-endian) order
      const b = [word.slice(6, 8), word.slice(4, 6), word.slice(2, 4), word.slice(0, 2)];
      groups.push(b[0]! + b[1]!, b[2]! + b[3]!);
    }
    // the URL parser writes IPv6 in its canonical (compressed, lower-case) form
    const canonical = new URL(`http://[${groups.join(':')}]/`).hostname.slice(1, -1);
    return { ip: normalizeIp(canonical), port };
  }
  return null;
}

/** uid and inode of the socket whose local address is `ip:port` (wildcard-bound sockets match any ip). */
export function findSocket(table: string, ip: string, port: number): { uid: number; inode: number } | null {
  let wildcard: { uid: number; inode: number } | null = null;
  const lines = table.split('\n');
  for (let i = 1; i < lines.length; i++) {
    const f = lines[i]!.trim().split(/\s+/);
    if (f.length < 10) continue;
    const local = decodeProcAddress(f[1]!);
    if (!local || local.port !== port) continue;
    const hit = { uid: Number(f[7]), inode: Number(f[9]) };
    // inode 0: a TIME_WAIT leftover of an earlier connection that had the same local port
    if (hit.inode === 0) continue;
    if (local.ip === ip) return hit;
    if (local.ip === '0.0.0.0' || local.ip === '::') wildcard = hit;
  }
  return wildcard;
}

function hostAddresses(): () => ReadonlySet<string> {
  let at = 0;
  let set: Set<string> = new Set();
  return () => {
    if (Date.now() - at > 5000) {
      set = new Set(['127.0.0.1', '::1']);
      for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) set.add(normalizeIp(a.address) || a.address);
      at = Date.now();
    }
    return set;
  };
}

export function createProcessLookup(opts: ProcessLookupOptions = {}): ProcessLookup {
  const proc = opts.procRoot ?? '/proc';
  const local = opts.localAddresses ?? hostAddresses();

  const pidOf = async (inode: number): Promise<number> => {
    const want = `socket:[${inode}]`;
    const pids = (await readdir(proc).catch(() => [] as string[])).filter((p) => /^\d+$/.test(p));
    for (const pid of pids) {
      const dir = join(proc, pid, 'fd');
      const fds = await readdir(dir).catch(() => [] as string[]);
      for (const fd of fds) {
        const link = await readlink(join(dir, fd)).catch(() => '');
        if (link === want) return Number(pid);
      }
    }
    return 0;
  };

  return {
    async lookup(meta: Metadata) {
      const ip = normalizeIp(meta.srcIP);
      if (!ip || !local().has(ip)) return;
      const v6 = ip.includes(':');
      const base = meta.network === 'udp' ? 'udp' : 'tcp';
      // v4 sockets of dual-stack programs may sit in the v6 table as ::ffff:a.b.c.d (normalised to a.b.c.d)
      const files = v6 ? [`${base}6`] : [base, `${base}6`];
      for (const f of files) {
        const table = await readFile(join(proc, 'net', f), 'utf8').catch(() => '');
        const hit = findSocket(table, ip, meta.srcPort);
        if (!hit) continue;
        meta.uid = hit.uid;
        if (hit.inode > 0) {
          const pid = await pidOf(hit.inode);
          if (pid > 0) {
            const exe = await readlink(join(proc, String(pid), 'exe')).catch(() => '');
            if (exe) {
              meta.processPath = exe.replace(/ \(deleted\)$/, '');
              meta.process = basename(meta.processPath);
            }
          }
        }
        return;
      }
    },
  };
}
