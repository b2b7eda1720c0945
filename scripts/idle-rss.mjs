#!/usr/bin/env node
// Idle RSS of the core (issue 6, target <= 60 MB): starts `switchyard run`
// with a minimal config (a SOCKS5 upstream that is never dialled, a select
// group, a few rules, the controller on 127.0.0.1 with a secret, no capture,
// no DNS), waits until it prints "switchyard running", lets it idle, reads
// /proc/PID/status and stops it. Repeats and prints the median.
//
//   node scripts/idle-rss.mjs [--runs 3] [--idle 5] [--rules FILE.yaml] [--traffic N]
//        [--node-flag=--max-semi-space-size=1 ...] [--json] [-- extra env K=V ...]
//
// `--capture` runs the core as a TPROXY gateway (capture of a dummy LAN
// interface, tproxy port, routing mark) inside a network namespace of its
// own, created and removed here (root only; nothing is routed anywhere).
// `--traffic N` first makes N controller requests and N HTTP requests
// through the mixed port (to a local HTTP server on 127.0.0.1, DIRECT), then idles:
// the RSS of a core that has served something.
// `--rules FILE` appends that file's `rule-providers:`/`rules:` text (a real
// config's lists) instead of the built-in few rules. Runs in the root
// namespace on loopback only; nothing is sent anywhere.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import http from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : def;
};
const runs = Number(opt('--runs', '3'));
const idleS = Number(opt('--idle', '5'));
const rulesFile = opt('--rules', '');
const traffic = Number(opt('--traffic', '0'));
const capture = args.includes('--capture');
const NS = `sy-idle-${process.pid}`;

function sh(cmd, argv) {
  const r = spawnSync(cmd, argv, { encoding: 'utf8', timeout: 10_000 });
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(' ')}: ${r.stderr || r.error?.message}`);
}
if (capture && traffic > 0) throw new Error('--capture and --traffic do not combine (the namespace has no route to the test server)');
const nodeFlags = args.filter((a) => a.startsWith('--node-flag=')).map((a) => a.slice('--node-flag='.length));
const extraEnv = Object.fromEntries(args.slice(args.indexOf('--') >= 0 ? args.indexOf('--') + 1 : args.length).map((kv) => kv.split('=', 2)));

const RULES = `proxies:
  - { name: up, type: socks5, server: 198.51.100.2, port: 1080, udp: true }
proxy-groups:
  - { name: PROXY, type: select, proxies: [up, DIRECT] }
rules:
  - DOMAIN-SUFFIX,example.com,PROXY
  - DOMAIN-KEYWORD,tracker,REJECT
  - IP-CIDR,203.0.113.0/24,PROXY,no-resolve
  - DST-PORT,25,REJECT
  - MATCH,DIRECT
`;

/** A port the OS considers free now (the controller needs a fixed one). */
function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

function config(dir, ctlPort, mixedPort) {
  const file = join(dir, 'config.yaml');
  const body = rulesFile ? readFileSync(rulesFile, 'utf8') : RULES;
  writeFileSync(
    file,
    `mode: rule
log-level: warning
mixed-port: ${mixedPort}
tproxy-port: ${capture ? 7893 : 0}
routing-mark: 4096
bind-address: 127.0.0.1
allow-lan: false
external-controller: 127.0.0.1:${ctlPort}
secret: idle
ipv6: false
${capture ? 'capture: { enable: true, local: false, lan: true, interfaces: [sy0], ipv6: false, on-failure: open }' : 'capture: { enable: false }'}
${body}`,
  );
  return file;
}

/** kB fields of /proc/PID/status. */
function status(pid) {
  const out = {};
  for (const line of readFileSync(`/proc/${pid}/status`, 'utf8').split('\n')) {
    const m = /^(VmRSS|RssAnon|RssFile|RssShmem|VmHWM|Threads):\s+(\d+)/.exec(line);
    if (m) out[m[1]] = Number(m[2]);
  }
  return out;
}

async function once(dir) {
  const ctlPort = await freePort();
  const mixedPort = await freePort();
  const file = config(dir, ctlPort, mixedPort);
  const core = [process.execPath, ...nodeFlags, join(root, 'bin', 'switchyard.mjs'), 'run', '--config', file];
  // `ip netns exec` execs the command: the child's pid is the core's.
  const [cmd, ...argv] = capture ? ['ip', 'netns', 'exec', NS, ...core] : core;
  const child = spawn(cmd, argv, {
    cwd: root,
    env: { ...process.env, XDG_CONFIG_HOME: dir, XDG_STATE_HOME: dir, XDG_CACHE_HOME: dir, ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const t0 = Date.now();
  try {
    await new Promise((resolve, reject) => {
      const deadline = setTimeout(() => reject(new Error(`core not up within 30 s:\n${out}`)), 30_000);
      child.on('exit', (c) => reject(new Error(`core exited ${c}:\n${out}`)));
      const poll = setInterval(() => {
        if (out.includes('switchyard running')) {
          clearInterval(poll);
          clearTimeout(deadline);
          resolve();
        }
      }, 20);
    });
    const startMs = Date.now() - t0;
    if (traffic > 0) await serve(ctlPort, mixedPort);
    await new Promise((r) => setTimeout(r, idleS * 1000));
    return { ...status(child.pid), startMs, notice: out.split('\n').filter((l) => l.startsWith('switchyard:')).join(' ') };
  } finally {
    child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), 5000);
    await new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r() : child.once('exit', r)));
    clearTimeout(t);
  }
}

function get(opts) {
  return new Promise((resolve, reject) => {
    const req = http.request({ ...opts, agent: false, timeout: 5000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

/** `traffic` controller requests and as many proxied HTTP requests (DIRECT to a local server). */
async function serve(ctlPort, mixedPort) {
  const target = http.createServer((_q, r) => r.end('x'.repeat(1024)));
  await new Promise((r) => target.listen(0, '127.0.0.1', r));
  const port = target.address().port;
  let ok = 0;
  try {
    for (let i = 0; i < traffic; i++) {
      const path = ['/version', '/proxies', '/rules', '/connections', '/configs'][i % 5];
      if ((await get({ host: '127.0.0.1', port: ctlPort, path, headers: { authorization: 'Bearer idle' } })) === 200) ok++;
      if ((await get({ host: '127.0.0.1', port: mixedPort, path: `http://127.0.0.1:${port}/${i}`, headers: { host: `127.0.0.1:${port}` } })) === 200) ok++;
    }
    if (ok !== 2 * traffic) throw new Error(`only ${ok} of ${2 * traffic} requests answered 200`);
  } finally {
    target.close();
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const dir = mkdtempSync(join(tmpdir(), 'sy-idle-rss-'));
try {
  if (capture) {
    // A veth pair with both ends inside the namespace: a LAN interface that leads nowhere.
    sh('ip', ['netns', 'add', NS]);
    sh('ip', ['-n', NS, 'link', 'set', 'lo', 'up']);
    sh('ip', ['-n', NS, 'link', 'add', 'sy0', 'type', 'veth', 'peer', 'name', 'sy1']);
    sh('ip', ['-n', NS, 'addr', 'add', '192.0.2.1/24', 'dev', 'sy0']);
    sh('ip', ['-n', NS, 'link', 'set', 'sy0', 'up']);
    sh('ip', ['-n', NS, 'link', 'set', 'sy1', 'up']);
  }
  const samples = [];
  for (let i = 0; i < runs; i++) samples.push(await once(dir));
  const mb = (k) => (median(samples.map((s) => s[k])) / 1024).toFixed(1);
  const res = {
    VmRSS: mb('VmRSS'),
    RssAnon: mb('RssAnon'),
    RssFile: mb('RssFile'),
    all: samples.map((s) => (s.VmRSS / 1024).toFixed(1)).join(' '),
    startMs: median(samples.map((s) => s.startMs)),
    notice: samples[0]?.notice ?? '',
  };
  if (args.includes('--json')) console.log(JSON.stringify(res));
  else
    console.log(
      `idle RSS (median of ${runs}, ${idleS} s idle): ${res.VmRSS} MB (anon ${res.RssAnon}, file ${res.RssFile}; runs ${res.all}; start ${res.startMs} ms)${res.notice ? `\n${res.notice}` : ''}`,
    );
} finally {
  rmSync(dir, { recursive: true, force: true });
  if (capture) spawnSync('ip', ['netns', 'del', NS], { timeout: 10_000 });
}
