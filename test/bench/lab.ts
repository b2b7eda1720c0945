// The benchmark topology and the systems under test. Reuses the data-plane
// e2e topology (test/e2e/dataplane-topology.ts): lan client — gw — wan with
// dante-server on 198.51.100.2:1080 and "internet" addresses 203.0.113.1-3.
// Added here: iperf3 (:5201) and a minimal HTTP responder (:8480) and an
// idle-connection holder (:9400) on the internet addresses. 203.0.113.1 is
// the proxied target (rule IP-CIDR → SOCKS5 via dante), 203.0.113.2 the
// DIRECT one. Only one system runs on the gateway at a time:
//   ceiling    plain routing through gw (no proxy)
//   switchyard the core with TPROXY capture (native splice relay, or Node
//              pipes with SWITCHYARD_SPLICE=0)
//   v2ray      Debian's v2ray 4.34: dokodemo-door (followRedirect, tproxy
//              sockopt), freedom + socks outbounds with the routing mark, and
//              its own nftables table `inet v2raybench` + policy routing,
//              installed in the gw namespace only.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildDataplane, collect, waitFor, ROOT, type DataplaneLab, type Proc } from '../e2e/dataplane-topology.js';

export const PROXIED = '203.0.113.1';
export const DIRECT = '203.0.113.2';
export const HTTP_PORT = 8480;
export const HOLD_PORT = 9400;
const TPROXY_PORT = 7893;
const V2RAY_PORT = 12345;
const V2RAY_TABLE = 'v2raybench';

export type SystemName = 'ceiling' | 'switchyard' | 'switchyard-pipe' | 'v2ray';

export interface RunningSystem {
  name: SystemName;
  /** pid of the relay process (undefined for the ceiling) */
  pid?: number;
  stop(): Promise<void>;
}

export interface BenchLab {
  dp: DataplaneLab;
  /** `env`: extra environment of the switchyard process (A/B switches such as SWITCHYARD_NATIVE_DIAL=0). */
  start(name: SystemName, env?: Record<string, string>): Promise<RunningSystem>;
  destroy(): Promise<void>;
}

export async function buildBenchLab(): Promise<BenchLab> {
  const dp = await buildDataplane('sy-bench');
  try {
    const { lab, topo } = dp;
    // reference.md §6.1 and §6.7: TIME_WAIT sockets left by a TPROXY relay
    // swallow later forwarded connections unless early demux is off; every
    // connection-rate run leaves tens of thousands of TIME_WAIT entries.
    await lab.sysctl(topo.gw, { 'net.ipv4.ip_early_demux': 0, 'net.ipv4.tcp_tw_reuse': 1 });
    await lab.sysctl(topo.lan, { 'net.ipv4.tcp_tw_reuse': 1, 'net.ipv4.ip_local_port_range': '10000 65000' });
    await lab.sysctl(topo.wan, { 'net.ipv4.tcp_tw_reuse': 1, 'net.core.somaxconn': 4096, 'net.ipv4.tcp_max_syn_backlog': 8192 });
    await lab.sysctl(topo.gw, { 'net.core.somaxconn': 4096, 'net.ipv4.tcp_max_syn_backlog': 8192, 'net.ipv4.ip_local_port_range': '10000 65000' });
    const iperf = collect(lab.spawn(topo.wan, 'iperf3', ['-s', '-p', '5201']));
    const servers = collect(lab.spawn(topo.wan, process.execPath, [join(ROOT, 'test', 'bench', 'servers.mjs'), '--http', String(HTTP_PORT), '--hold', String(HOLD_PORT)]));
    await waitFor('bench servers', 10_000, () => {
      if (servers.child.exitCode !== null) throw new Error(`bench servers exited ${servers.child.exitCode}: ${servers.lines.join('\n')}`);
      return servers.lines.includes('ready') ? true : undefined;
    });
    await waitFor('iperf3 server', 10_000, async () => ((await lab.exec(topo.wan, 'ss', ['-ltn'])).stdout.includes(':5201') ? true : undefined));
    void iperf;
  } catch (e) {
    await dp.destroy();
    throw e;
  }

  const coreConfig = (): string => {
    const file = join(dp.dir, 'bench-core.yaml');
    writeFileSync(
      file,
      `mode: rule
log-level: warning
mixed-port: 0
tproxy-port: ${TPROXY_PORT}
routing-mark: 4096
external-controller: 127.0.0.1:9090
secret: bench
ipv6: false
sniffer: { enable: true, timeout: 300 }
proxies:
  - { name: up, type: socks5, server: 198.51.100.2, port: 1080, udp: true }
proxy-groups:
  - { name: PROXY, type: select, proxies: [up] }
rules:
  - IP-CIDR,${PROXIED}/32,PROXY,no-resolve
  - MATCH,DIRECT
capture:
  enable: true
  local: false
  lan: true
  interfaces: [${dp.topo.ifaces.gwLan}]
  ipv6: false
  on-failure: open
`,
    );
    return file;
  };

  const stopProc = async (p: Proc) => {
    if (p.child.exitCode !== null || p.child.signalCode !== null) return;
    const exited = new Promise((r) => p.child.once('exit', r));
    p.child.kill('SIGTERM');
    const t = setTimeout(() => p.child.kill('SIGKILL'), 8000);
    await exited;
    clearTimeout(t);
  };

  const startSwitchyard = async (pipe: boolean, extra: Record<string, string> = {}): Promise<RunningSystem> => {
    const env = { ...process.env, ...(pipe ? { SWITCHYARD_SPLICE: '0' } : {}), ...extra };
    // BENCH_PROFILE=DIR: a V8 CPU profile of the core, written when it stops
    const prof = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
    const core = collect(dp.lab.spawn(dp.topo.gw, process.execPath, [...prof, join(ROOT, 'bin', 'switchyard.mjs'), 'run', '--config', coreConfig()], { cwd: ROOT, env }));
    await waitFor('core running', 20_000, () => {
      if (core.child.exitCode !== null) throw new Error(`core exited ${core.child.exitCode}:\n${core.lines.join('\n')}`);
      return core.lines.some((l) => l.startsWith('switchyard running')) ? true : undefined;
    });
    return { name: pipe ? 'switchyard-pipe' : 'switchyard', pid: core.child.pid!, stop: () => stopProc(core) };
  };

  const startV2ray = async (): Promise<RunningSystem> => {
    const { gw } = dp.topo;
    const cfg = join(dp.dir, 'v2ray.json');
    const sockopt = { mark: 255 };
    writeFileSync(
      cfg,
      JSON.stringify({
        log: { loglevel: 'warning' },
        inbounds: [{
          tag: 'tproxy', port: V2RAY_PORT, listen: '0.0.0.0', protocol: 'dokodemo-door',
          settings: { network: 'tcp,udp', followRedirect: true },
          streamSettings: { sockopt: { tproxy: 'tproxy' } },
        }],
        outbounds: [
          { tag: 'direct', protocol: 'freedom', streamSettings: { sockopt } },
          { tag: 'proxy', protocol: 'socks', settings: { servers: [{ address: '198.51.100.2', port: 1080 }] }, streamSettings: { sockopt } },
        ],
        routing: { domainStrategy: 'AsIs', rules: [{ type: 'field', ip: [`${PROXIED}/32`], outboundTag: 'proxy' }] },
      }, null, 2),
    );
    const nft = `table inet ${V2RAY_TABLE} {
  chain pre {
    type filter hook prerouting priority mangle; policy accept;
    iifname "${dp.topo.ifaces.gwLan}" ip daddr 203.0.113.0/24 meta l4proto tcp tproxy ip to :${V2RAY_PORT} meta mark set 0x1 accept
  }
}
`;
    await dp.lab.execOk(gw, 'nft', ['-f', '-'], nft);
    await dp.lab.execOk(gw, 'ip', ['rule', 'add', 'fwmark', '0x1', 'lookup', '100']);
    await dp.lab.execOk(gw, 'ip', ['route', 'add', 'local', 'default', 'dev', 'lo', 'table', '100']);
    const v2 = collect(dp.lab.spawn(gw, '/usr/bin/v2ray', ['-config', cfg]));
    await waitFor('v2ray listening', 10_000, async () => {
      if (v2.child.exitCode !== null) throw new Error(`v2ray exited ${v2.child.exitCode}:\n${v2.lines.join('\n')}`);
      return (await dp.lab.exec(gw, 'ss', ['-ltn'])).stdout.includes(`:${V2RAY_PORT}`) ? true : undefined;
    });
    return {
      name: 'v2ray',
      pid: v2.child.pid!,
      stop: async () => {
        await stopProc(v2);
        await dp.lab.exec(gw, 'nft', ['delete', 'table', 'inet', V2RAY_TABLE]);
        await dp.lab.exec(gw, 'ip', ['rule', 'del', 'fwmark', '0x1', 'lookup', '100']);
        await dp.lab.exec(gw, 'ip', ['route', 'del', 'local', 'default', 'dev', 'lo', 'table', '100']);
      },
    };
  };

  return {
    dp,
    async start(name, env) {
      if (name === 'ceiling') return { name, stop: async () => {} };
      if (name === 'v2ray') return startV2ray();
      return startSwitchyard(name === 'switchyard-pipe', env);
    },
    destroy: () => dp.destroy(),
  };
}
