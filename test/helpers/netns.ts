// Network-namespace lab for tests: namespaces, veth links, addresses, routes,
// sysctls, commands run inside a namespace, and a cleanup that always runs.
//
// Intended topology (buildGateway() builds it; tests may build their own):
//
//   lan ns                     gw ns                          wan ns
//   client                     the gateway under test         upstream + "internet"
//   lan0 192.0.2.2/24  ─veth─  gwlan 192.0.2.1/24
//        2001:db8:1::2/64           2001:db8:1::1/64
//                              gwwan 198.51.100.1/24  ─veth─  wan0 198.51.100.2/24 (upstream SOCKS5)
//                                    2001:db8:2::1/64              2001:db8:2::2/64
//                                                             lo: 203.0.113.1..n/32, 2001:db8:3::1..n/128
//                                                             ("internet" servers)
//
// Rules this helper enforces: nothing is ever connected to the root namespace
// (veth pairs are created inside a namespace and their peer is moved straight
// into another one); names are `<prefix>-<pid>-<role>` so concurrent runs never
// collide; interface names avoid the `veth*` pattern that capture excludes by
// default; destroy() kills every process started through the lab (SIGTERM,
// then SIGKILL after a grace period) and every process still inside a lab
// namespace, then deletes the namespaces. destroy() is idempotent and also
// runs synchronously at process exit, so a failing test never leaves state.
import { spawn as spawnChild, spawnSync, type ChildProcess, type SpawnOptions } from 'node:child_process';

export interface ExecResult {
  stdout: string;
  stderr: string;
  code: number;
}

export interface LinkEnd {
  /** namespace name (as returned by lab.add) */
  ns: string;
  /** interface name inside that namespace (≤ 15 chars; avoid `veth*`) */
  ifname: string;
  /** IPv4 address with prefix, e.g. 192.0.2.1/24 */
  v4?: string;
  /** IPv6 address with prefix, e.g. 2001:db8:1::1/64 (added with nodad) */
  v6?: string;
}

/** Minimal slice of node:test's TestContext used here. */
export interface SkippableTest {
  skip(message?: string): void;
}

/** Whether namespace tests may run: root, or CI (where they must run and fail loudly). */
export function canUseNetns(): boolean {
  return process.getuid?.() === 0 || process.env.CI === 'true';
}

/**
 * Skips the test with a clear message unless root or CI; returns true when
 * the test may go on. `why` names what root is needed for.
 */
export function requireRoot(t: SkippableTest, why = 'network namespaces'): boolean {
  if (canUseNetns()) return true;
  t.skip(`needs root for ${why} (run as root, or set CI=true to force)`);
  return false;
}

/** Runs a command (not in any namespace); never throws on non-zero exit. */
export function run(cmd: string, args: readonly string[], opts: { input?: string; timeoutMs?: number } = {}): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const child = spawnChild(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 15_000);
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ stdout, stderr, code: code ?? (signal ? 128 : 1) });
    });
    child.stdin!.on('error', () => {}); // EPIPE when the command exits without reading stdin
    child.stdin!.end(opts.input ?? '');
  });
}

/** Like run() but throws with the command and its stderr on a non-zero exit. */
export async function runOk(cmd: string, args: readonly string[], input?: string): Promise<string> {
  const r = await run(cmd, args, input === undefined ? {} : { input });
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.code}): ${r.stderr.trim() || r.stdout.trim()}`);
  return r.stdout;
}

const liveLabs = new Set<NetnsLab>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  const destroyAll = () => {
    for (const lab of liveLabs) lab.destroySync();
  };
  process.on('exit', destroyAll);
  // A test runner that times a file out sends SIGTERM: clean up, then die of the signal as usual.
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      destroyAll();
      process.kill(process.pid, sig);
    });
  }
}

/**
 * Deletes namespaces `<prefix>-<pid>-*` left by runs whose process is gone
 * (a SIGKILLed test cannot clean up). Namespaces of live processes are kept.
 */
export function sweepStale(prefix: string): string[] {
  const list = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout ?? '';
  const swept: string[] = [];
  const re = new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-(\\d+)-\\S+`);
  for (const line of list.split('\n')) {
    const m = re.exec(line.trim());
    if (!m || Number(m[1]) === process.pid || pidAlive(Number(m[1]))) continue;
    const ns = m[0];
    const pids = spawnSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).stdout ?? '';
    for (const p of pids.split(/\s+/).filter(Boolean)) signal(Number(p), 'SIGKILL');
    spawnSync('ip', ['netns', 'del', ns]);
    swept.push(ns);
  }
  return swept;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A set of namespaces and processes owned by one test file; see the header comment. */
export class NetnsLab {
  readonly prefix: string;
  private readonly namespaces: string[] = [];
  private readonly children = new Set<ChildProcess>();
  private destroyed = false;

  /** prefix: the caller's area, e.g. `sy-cap`; the pid is appended. */
  constructor(prefix: string) {
    this.prefix = `${prefix}-${process.pid}`;
    if (canUseNetns()) sweepStale(prefix);
    liveLabs.add(this);
    installExitHook();
  }

  /** The full namespace name for a role (`gw` → `sy-cap-1234-gw`). */
  name(role: string): string {
    return `${this.prefix}-${role}`;
  }

  /**
   * Creates namespace `<prefix>-<pid>-<role>` (removing a stale one of that name),
   * brings lo up and sets test-friendly sysctls: rp_filter=0, tcp_tw_reuse=1,
   * IPv6 enabled. Returns the namespace name.
   */
  async add(role: string): Promise<string> {
    if (this.destroyed) throw new Error('netns lab already destroyed');
    const ns = this.name(role);
    await run('ip', ['netns', 'del', ns]);
    await runOk('ip', ['netns', 'add', ns]);
    this.namespaces.push(ns);
    await this.ip(ns, ['link', 'set', 'lo', 'up']);
    await this.sysctl(ns, {
      'net.ipv4.conf.all.rp_filter': '0',
      'net.ipv4.conf.default.rp_filter': '0',
      'net.ipv4.tcp_tw_reuse': '1',
      'net.ipv6.conf.all.disable_ipv6': '0',
      'net.ipv6.conf.default.disable_ipv6': '0',
    });
    return ns;
  }

  /** Sets sysctls inside a namespace (keys in dotted form). */
  async sysctl(ns: string, values: Record<string, string | number>): Promise<void> {
    const args = Object.entries(values).map(([k, v]) => `${k}=${v}`);
    await this.execOk(ns, 'sysctl', ['-q', '-w', ...args]);
  }

  /** Turns a namespace into a router: forwarding on for v4 and v6, rp_filter off. */
  async router(ns: string): Promise<void> {
    await this.sysctl(ns, { 'net.ipv4.ip_forward': 1, 'net.ipv6.conf.all.forwarding': 1 });
  }

  /** Runs `ip -n NS ...`; throws on failure. */
  async ip(ns: string, args: readonly string[]): Promise<string> {
    return runOk('ip', ['-n', ns, ...args]);
  }

  /**
   * Creates a veth pair between two lab namespaces (never the root one) and
   * configures both ends: addresses (v6 with nodad), link up, rp_filter 0.
   */
  async link(a: LinkEnd, b: LinkEnd): Promise<void> {
    for (const end of [a, b]) {
      if (end.ifname.length > 15) throw new Error(`interface name too long (max 15): ${end.ifname}`);
      if (!this.namespaces.includes(end.ns)) throw new Error(`not a namespace of this lab: ${end.ns}`);
    }
    await this.ip(a.ns, ['link', 'add', a.ifname, 'type', 'veth', 'peer', 'name', b.ifname, 'netns', b.ns]);
    for (const end of [a, b]) {
      if (end.v4) await this.ip(end.ns, ['addr', 'add', end.v4, 'dev', end.ifname]);
      if (end.v6) await this.ip(end.ns, ['-6', 'addr', 'add', end.v6, 'dev', end.ifname, 'nodad']);
      await this.ip(end.ns, ['link', 'set', end.ifname, 'up']);
      await this.sysctl(end.ns, { [`net.ipv4.conf.${end.ifname}.rp_filter`]: 0 });
    }
  }

  /** Adds an address to a namespace's lo (e.g. an "internet" server 203.0.113.10/32). */
  async addLoopbackAddress(ns: string, cidr: string): Promise<void> {
    const v6 = cidr.includes(':');
    await this.ip(ns, [v6 ? '-6' : '-4', 'addr', 'add', cidr, 'dev', 'lo', ...(v6 ? ['nodad'] : [])]);
  }

  /** Adds a route: `route(ns, '203.0.113.0/24', '198.51.100.2')`, or 'default'. */
  async route(ns: string, dest: string, via: string): Promise<void> {
    const v6 = via.includes(':');
    await this.ip(ns, [v6 ? '-6' : '-4', 'route', 'add', dest, 'via', via]);
  }

  /** Runs a command inside a namespace; resolves with its output and exit code (never throws on exit != 0). */
  exec(ns: string, cmd: string, args: readonly string[] = [], opts: { input?: string; timeoutMs?: number } = {}): Promise<ExecResult> {
    return run('ip', ['netns', 'exec', ns, cmd, ...args], opts);
  }

  /** Like exec() but throws with stderr on a non-zero exit; resolves with stdout. */
  async execOk(ns: string, cmd: string, args: readonly string[] = [], input?: string): Promise<string> {
    const r = await this.exec(ns, cmd, args, input === undefined ? {} : { input });
    if (r.code !== 0) throw new Error(`[${ns}] ${cmd} ${args.join(' ')} failed (exit ${r.code}): ${r.stderr.trim() || r.stdout.trim()}`);
    return r.stdout;
  }

  /**
   * Starts a long-running process inside a namespace (`ip netns exec` execs it,
   * so child.pid is the process itself). It is killed by destroy().
   */
  spawn(ns: string, cmd: string, args: readonly string[] = [], opts: SpawnOptions = {}): ChildProcess {
    if (this.destroyed) throw new Error('netns lab already destroyed');
    const child = spawnChild('ip', ['netns', 'exec', ns, cmd, ...args], { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
    this.children.add(child);
    child.on('exit', () => this.children.delete(child));
    return child;
  }

  /**
   * Kills every spawned process (SIGTERM, SIGKILL after graceMs) and any other
   * process still inside a lab namespace, then deletes the namespaces.
   * Safe to call more than once.
   */
  async destroy(graceMs = 1000): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    const alive = [...this.children].filter((c) => c.exitCode === null && c.signalCode === null);
    for (const c of alive) signal(c.pid, 'SIGTERM');
    const deadline = Date.now() + graceMs;
    while (Date.now() < deadline && alive.some((c) => c.exitCode === null && c.signalCode === null)) {
      await new Promise((r) => setTimeout(r, 25));
    }
    for (const c of alive) if (c.exitCode === null && c.signalCode === null) signal(c.pid, 'SIGKILL');
    this.destroySync();
  }

  /** Synchronous cleanup (used at process exit): SIGKILL what is left, delete namespaces. */
  destroySync(): void {
    this.destroyed = true;
    for (const c of this.children) signal(c.pid, 'SIGKILL');
    this.children.clear();
    for (const ns of this.namespaces) {
      const pids = spawnSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).stdout ?? '';
      for (const p of pids.split(/\s+/).filter(Boolean)) signal(Number(p), 'SIGKILL');
      spawnSync('ip', ['netns', 'del', ns]);
    }
    this.namespaces.length = 0;
    liveLabs.delete(this);
  }
}

function signal(pid: number | undefined, sig: NodeJS.Signals): void {
  if (!pid || pid === process.pid) return;
  try {
    process.kill(pid, sig);
  } catch {
    /* already gone */
  }
}

export interface GatewayTopology {
  lab: NetnsLab;
  lan: string;
  gw: string;
  wan: string;
  /** addresses of the topology in the header comment */
  addr: {
    client4: string; client6: string;
    gwLan4: string; gwLan6: string; gwWan4: string; gwWan6: string;
    upstream4: string; upstream6: string;
    internet4: string[]; internet6: string[];
  };
  /** interface names: gw side of the LAN link, gw side of the WAN link */
  ifaces: { gwLan: string; gwWan: string; lan: string; wan: string };
}

/**
 * Builds the lan — gw — wan topology of the header comment, with `internet`
 * "internet" addresses (203.0.113.1.. and 2001:db8:3::1..) on the wan namespace's lo.
 * The gw namespace forwards; lan and wan route everything via gw.
 */
export async function buildGateway(lab: NetnsLab, internet = 2): Promise<GatewayTopology> {
  const lan = await lab.add('lan');
  const gw = await lab.add('gw');
  const wan = await lab.add('wan');
  await lab.router(gw);
  await lab.link({ ns: lan, ifname: 'lan0', v4: '192.0.2.2/24', v6: '2001:db8:1::2/64' }, { ns: gw, ifname: 'gwlan', v4: '192.0.2.1/24', v6: '2001:db8:1::1/64' });
  await lab.link({ ns: gw, ifname: 'gwwan', v4: '198.51.100.1/24', v6: '2001:db8:2::1/64' }, { ns: wan, ifname: 'wan0', v4: '198.51.100.2/24', v6: '2001:db8:2::2/64' });
  await lab.route(lan, 'default', '192.0.2.1');
  await lab.route(lan, 'default', '2001:db8:1::1');
  await lab.route(wan, 'default', '198.51.100.1');
  await lab.route(wan, 'default', '2001:db8:2::1');
  await lab.route(gw, '203.0.113.0/24', '198.51.100.2');
  await lab.route(gw, '2001:db8:3::/64', '2001:db8:2::2');
  const internet4: string[] = [];
  const internet6: string[] = [];
  for (let i = 1; i <= internet; i++) {
    internet4.push(`203.0.113.${i}`);
    internet6.push(`2001:db8:3::${i}`);
    await lab.addLoopbackAddress(wan, `203.0.113.${i}/32`);
    await lab.addLoopbackAddress(wan, `2001:db8:3::${i}/128`);
  }
  return {
    lab, lan, gw, wan,
    addr: {
      client4: '192.0.2.2', client6: '2001:db8:1::2',
      gwLan4: '192.0.2.1', gwLan6: '2001:db8:1::1', gwWan4: '198.51.100.1', gwWan6: '2001:db8:2::1',
      upstream4: '198.51.100.2', upstream6: '2001:db8:2::2',
      internet4, internet6,
    },
    ifaces: { gwLan: 'gwlan', gwWan: 'gwwan', lan: 'lan0', wan: 'wan0' },
  };
}
