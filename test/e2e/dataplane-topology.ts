// The full data-plane topology for end-to-end tests of the real core:
// lan client — gw running `switchyard run` with capture — wan with a real
// dante-server (198.51.100.2:1080, also [2001:db8:2::2]:1080), "internet"
// servers on 203.0.113.1-3 / 2001:db8:3::1-3 (HTTP :80, TLS :443, UDP echo
// :7000) that report the source address they see, and an authoritative DNS
// server on 203.0.113.53. The target sees 198.51.100.2 for proxied traffic,
// 198.51.100.1 for DIRECT from the gateway, and the client itself when
// nothing captured it.
import { mkdtempSync, writeFileSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import type { ChildProcess } from 'node:child_process';
import { NetnsLab, buildGateway, runOk, type GatewayTopology } from '../helpers/netns.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FIX = join(ROOT, 'test', 'e2e', 'fixtures');
export const SECRET = 'e2e-secret';

export interface Proc {
  child: ChildProcess;
  lines: string[];
}

export function collect(child: ChildProcess): Proc {
  const lines: string[] = [];
  for (const s of [child.stdout, child.stderr]) if (s) createInterface({ input: s }).on('line', (l) => lines.length < 20000 && lines.push(l));
  return { child, lines };
}

export async function waitFor<T>(what: string, ms: number, fn: () => Promise<T | undefined> | T | undefined): Promise<T> {
  const deadline = Date.now() + ms;
  for (let i = 0; i < 10_000; i++) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}`);
}

export interface DataplaneLab {
  topo: GatewayTopology;
  lab: NetnsLab;
  dir: string;
  dante: Proc;
  dns: Proc;
  /** Writes a config for the core (capture on LAN + local by default) and returns its path. */
  writeConfig(opts?: { onFailure?: 'open' | 'closed'; extraRules?: string[]; name?: string }): string;
  startCore(config: string): Promise<Proc>;
  /** curl inside a namespace; returns stdout or `failed(code)` */
  curl(ns: string, args: string[]): Promise<string>;
  udp(ns: string, ip: string, port: number, msg?: string): Promise<string>;
  /** sends n bytes, half-closes, returns what the server answered after the FIN */
  halfClose(ns: string, ip: string, port: number, n: number): Promise<string>;
  /** GET on the core's controller inside the gw namespace. */
  api(path: string, method?: string): Promise<unknown>;
  destroy(): Promise<void>;
}

export async function buildDataplane(prefix: string): Promise<DataplaneLab> {
  const lab = new NetnsLab(prefix);
  const dir = mkdtempSync(join(tmpdir(), 'sy-e2e-'));
  try {
    const topo = await buildGateway(lab, 3);
    const { gw, wan } = topo;
    await lab.addLoopbackAddress(wan, '203.0.113.53/32');
    // Dante resolves proxied names through the wan namespace's own hosts file
    // (ip netns exec bind-mounts /etc/netns/<ns>/hosts).
    const etc = join('/etc/netns', wan);
    mkdirSync(etc, { recursive: true });
    writeFileSync(join(etc, 'hosts'), '127.0.0.1 localhost\n203.0.113.1 proxied.test www.proxied.test\n203.0.113.2 direct.test\n');
    // TLS certificate for the internet servers (any name; clients use -k).
    await runOk('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=test', '-days', '2', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')]);
    writeFileSync(
      join(dir, 'danted.conf'),
      [
        'logoutput: stderr',
        'internal: 198.51.100.2 port = 1080',
        'internal: 2001:db8:2::2 port = 1080',
        'external: 198.51.100.2',
        'external: 2001:db8:2::2',
        'clientmethod: none',
        'socksmethod: none',
        'user.privileged: root',
        'user.unprivileged: nobody',
        // 0/0 matches IPv4 and IPv6 alike (a v4 client may ask for a v6 destination)
        'client pass { from: 0/0 to: 0/0 }',
        'socks pass { from: 0/0 to: 0/0 command: connect udpassociate udpreply }',
      ].join('\n') + '\n',
    );
    const dante = collect(lab.spawn(wan, '/usr/sbin/danted', ['-f', join(dir, 'danted.conf'), '-p', join(dir, 'danted.pid'), '-N', '1']));
    const peers = collect(
      lab.spawn(wan, process.execPath, [
        join(FIX, 'peer-server.mjs'), '--http', '80', '--udp', '7000', '--fin', '9000', '--tls', '443', '--cert', join(dir, 'cert.pem'), '--key', join(dir, 'key.pem'),
        ...topo.addr.internet4, ...topo.addr.internet6,
      ]),
    );
    const dns = collect(lab.spawn(wan, process.execPath, [join(FIX, 'dns-server.mjs'), '203.0.113.53', '53', 'proxied.test=203.0.113.1', 'www.proxied.test=203.0.113.1', 'direct.test=203.0.113.2', 'blocked.test=203.0.113.2']));
    await waitFor('peers ready', 10_000, () => (peers.lines.includes('ready') ? true : undefined));
    await waitFor('dns ready', 10_000, () => (dns.lines.some((l) => l.includes('ready')) ? true : undefined));
    await waitFor('dante listening', 10_000, async () => ((await lab.exec(wan, 'ss', ['-ltn'])).stdout.includes('198.51.100.2:1080') ? true : undefined));

    const self: DataplaneLab = {
      topo, lab, dir, dante, dns,
      writeConfig(o = {}) {
        const file = join(dir, `${o.name ?? 'config'}.yaml`);
        writeFileSync(
          file,
          `
mode: rule
log-level: debug
mixed-port: 0
tproxy-port: 7893
routing-mark: 4096
external-controller: 127.0.0.1:9090
secret: ${SECRET}
ipv6: true
sniffer: { enable: true, timeout: 500 }
dns:
  enable: true
  listen: 0.0.0.0:1053
  ipv6: false
  enhanced-mode: fake-ip
  fake-ip-range: 203.0.113.129/25
  nameserver: [203.0.113.53]
proxies:
  - { name: up, type: socks5, server: 198.51.100.2, port: 1080, udp: true }
proxy-groups:
  - { name: PROXY, type: select, proxies: [up] }
rules:
${(o.extraRules ?? []).map((r) => `  - ${r}`).join('\n')}
  - DOMAIN-SUFFIX,proxied.test,PROXY
  - DOMAIN-SUFFIX,blocked.test,REJECT
  - IP-CIDR,203.0.113.1/32,PROXY,no-resolve
  - IP-CIDR,203.0.113.3/32,REJECT,no-resolve
  - IP-CIDR6,2001:db8:3::1/128,PROXY,no-resolve
  - MATCH,DIRECT
capture:
  enable: true
  local: true
  lan: true
  interfaces: [${topo.ifaces.gwLan}]
  ipv6: true
  on-failure: ${o.onFailure ?? 'open'}
  deadman-seconds: 3
`,
        );
        return file;
      },
      async startCore(config) {
        const core = collect(lab.spawn(gw, process.execPath, [join(ROOT, 'bin', 'switchyard.mjs'), 'run', '--config', config], { cwd: ROOT }));
        await waitFor('core running', 20_000, () => {
          if (core.child.exitCode !== null) throw new Error(`core exited ${core.child.exitCode}:\n${core.lines.join('\n')}`);
          return core.lines.some((l) => l.startsWith('switchyard running')) ? true : undefined;
        });
        return core;
      },
      async curl(ns, args) {
        const r = await lab.exec(ns, 'curl', ['-sS', '-m', '5', ...args], { timeoutMs: 10_000 });
        return r.code === 0 ? r.stdout.trim() : `failed(${r.code})`;
      },
      async udp(ns, ip, port, msg = 'ping') {
        const r = await lab.exec(ns, process.execPath, [join(FIX, 'udp-client.mjs'), ip, String(port), msg, '3000'], { timeoutMs: 10_000 });
        return r.code === 0 ? r.stdout.trim() : `failed(${r.code})`;
      },
      async halfClose(ns, ip, port, n) {
        const r = await lab.exec(ns, process.execPath, [join(FIX, 'halfclose-client.mjs'), ip, String(port), String(n)], { timeoutMs: 10_000 });
        return r.stdout.trim();
      },
      async api(path, method = 'GET') {
        const out = await lab.exec(gw, 'curl', ['-sS', '-m', '5', '-X', method, '-H', `Authorization: Bearer ${SECRET}`, `http://127.0.0.1:9090${path}`]);
        return out.stdout ? JSON.parse(out.stdout) : null;
      },
      async destroy() {
        await lab.destroy();
        rmSync(dir, { recursive: true, force: true });
        rmSync(etc, { recursive: true, force: true });
      },
    };
    return self;
  } catch (e) {
    await lab.destroy();
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}
