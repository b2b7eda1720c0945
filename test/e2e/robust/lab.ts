// Shared topology of the robustness suite: the data-plane e2e topology
// (dante on 198.51.100.2:1080, internet peers on 203.0.113.1-3) plus a second
// dante on :1081, the bench's HTTP responder (:8480) and idle holder (:9400)
// in the wan namespace, and the core on the gateway with a fallback group
// over both dantes. 203.0.113.1 is proxied, 203.0.113.2 DIRECT.
import { writeFileSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildDataplane, collect, waitFor, ROOT, type DataplaneLab, type Proc } from '../dataplane-topology.js';

export const PROXIED = '203.0.113.1';
export const DIRECT = '203.0.113.2';
export const HTTP_PORT = 8480;
export const HOLD_PORT = 9400;
export const SECRET = 'robust';

export interface RobustLab {
  dp: DataplaneLab;
  core: Proc;
  /** pid of the core process */
  pid: number;
  /** Starts a dante on 198.51.100.2:port (1080 is started by the topology). */
  startDante(port: number): Promise<Proc>;
  /** Controller GET/PUT inside the gw namespace. */
  api(path: string, method?: string, body?: unknown): Promise<unknown>;
  /** Opens n connections from the LAN; returns how many opened and a close function. */
  hold(ip: string, port: number, n: number, mode?: 'idle' | 'slow' | 'half', limitMs?: number): Promise<{ open: number; line: string; close(): Promise<void> }>;
  destroy(): Promise<void>;
}

export function fdCount(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

export function rssBytes(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}

export async function buildRobustLab(prefix: string): Promise<RobustLab> {
  const dp = await buildDataplane(prefix);
  try {
    const { lab, topo } = dp;
    await lab.sysctl(topo.gw, { 'net.ipv4.ip_early_demux': 0, 'net.ipv4.tcp_tw_reuse': 1, 'net.core.somaxconn': 4096 });
    await lab.sysctl(topo.lan, { 'net.ipv4.tcp_tw_reuse': 1, 'net.ipv4.ip_local_port_range': '10000 65000' });
    await lab.sysctl(topo.wan, { 'net.ipv4.tcp_tw_reuse': 1, 'net.core.somaxconn': 4096 });
    const servers = collect(lab.spawn(topo.wan, process.execPath, [join(ROOT, 'test', 'bench', 'servers.mjs'), '--http', String(HTTP_PORT), '--hold', String(HOLD_PORT)]));
    await waitFor('servers', 10_000, () => {
      if (servers.child.exitCode !== null) throw new Error(servers.lines.join('\n'));
      return servers.lines.includes('ready') ? true : undefined;
    });
    const startDante = async (port: number): Promise<Proc> => {
      const conf = join(dp.dir, `danted-${port}.conf`);
      writeFileSync(
        conf,
        [
          'logoutput: stderr', `internal: 198.51.100.2 port = ${port}`, 'external: 198.51.100.2', 'clientmethod: none', 'socksmethod: none',
          'user.privileged: root', 'user.unprivileged: nobody', 'client pass { from: 0/0 to: 0/0 }', 'socks pass { from: 0/0 to: 0/0 command: connect udpassociate udpreply }',
        ].join('\n') + '\n',
      );
      const p = collect(lab.spawn(topo.wan, '/usr/sbin/danted', ['-f', conf, '-p', join(dp.dir, `danted-${port}.pid`), '-N', '1']));
      await waitFor(`dante :${port}`, 10_000, async () => ((await lab.exec(topo.wan, 'ss', ['-ltn'])).stdout.includes(`198.51.100.2:${port}`) ? true : undefined));
      return p;
    };
    await startDante(1081);
    const config = join(dp.dir, 'robust.yaml');
    writeFileSync(
      config,
      `mode: rule
log-level: warning
mixed-port: 0
tproxy-port: 7893
routing-mark: 4096
external-controller: 127.0.0.1:9090
secret: ${SECRET}
ipv6: false
sniffer: { enable: true, timeout: 300 }
proxies:
  - { name: up, type: socks5, server: 198.51.100.2, port: 1080 }
  - { name: up2, type: socks5, server: 198.51.100.2, port: 1081 }
proxy-groups:
  - { name: PROXY, type: fallback, proxies: [up, up2], url: 'http://${PROXIED}/', interval: 1, timeout: 1000, lazy: false }
rules:
  - IP-CIDR,${PROXIED}/32,PROXY,no-resolve
  - MATCH,DIRECT
capture:
  enable: true
  local: false
  lan: true
  interfaces: [${topo.ifaces.gwLan}]
  ipv6: false
  on-failure: open
`,
    );
    const core = await dp.startCore(config);
    const pid = core.child.pid!;
    return {
      dp, core, pid, startDante,
      async api(path, method = 'GET', body) {
        const args = ['-sS', '-m', '5', '-X', method, '-H', `Authorization: Bearer ${SECRET}`];
        if (body !== undefined) args.push('-H', 'content-type: application/json', '-d', JSON.stringify(body));
        const out = await lab.exec(topo.gw, 'curl', [...args, `http://127.0.0.1:9090${path}`]);
        return out.stdout ? JSON.parse(out.stdout) : null;
      },
      async hold(ip, port, n, mode = 'idle', limitMs = 30_000) {
        const child = lab.spawn(topo.lan, process.execPath, [join(ROOT, 'test', 'bench', 'hold-client.mjs'), ip, String(port), String(n), String(limitMs), mode], { stdio: ['pipe', 'pipe', 'pipe'] });
        const line = await new Promise<string>((resolve, reject) => {
          let buf = '';
          const t = setTimeout(() => reject(new Error('hold-client did not report')), limitMs + 10_000);
          child.stdout!.on('data', (d: Buffer) => {
            buf += d.toString();
            if (buf.includes('\n')) {
              clearTimeout(t);
              resolve(buf.split('\n')[0]!.trim());
            }
          });
          child.once('exit', (code) => {
            clearTimeout(t);
            reject(new Error(`hold-client exited ${code}`));
          });
        });
        return {
          open: Number(/open (\d+)/.exec(line)?.[1] ?? 0),
          line,
          close: async () => {
            child.stdin!.end();
            if (child.exitCode === null) await new Promise((r) => child.once('exit', r));
          },
        };
      },
      destroy: () => dp.destroy(),
    };
  } catch (e) {
    await dp.destroy();
    throw e;
  }
}
