// The engine seen through the controller's ControllerDeps interface: maps
// the running core (current generation, tracker, DNS, capture) to what the
// routes need. Reads go to the *current* generation at call time, so a
// reload is visible at once.
import { readFileSync } from 'node:fs';
import { open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SyError } from '../core/errors.js';
import type { LogHub } from '../core/logger.js';
import { newMetadata } from '../core/metadata.js';
import { normalizeIp } from '../core/address.js';
import type { ControllerDeps, KeyValueStore, OutboundsView } from '../controller/deps.js';
import type { ApiConfigs, ApiMemory, ApiTraffic } from '../controller/api-types.js';
import type { Sampler } from '../stats/samplers.js';
import type { Engine } from './types.js';
import { ProfileManager } from '../profiles/manager.js';
import { profilesView } from '../profiles/api-view.js';
import { configHome } from '../profiles/store.js';

const VERSION: string = (() => {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
})();

export interface ControllerDepsExtras {
  traffic: Sampler<ApiTraffic>;
  memory: Sampler<ApiMemory>;
  logs: LogHub;
  storage: KeyValueStore;
  /** Config home holding profiles/ (default $XDG_CONFIG_HOME/switchyard); null = no /profiles. */
  profilesHome?: string | null;
  /** Registers what must stop with the engine (profile auto-update timers). */
  onStop?: (fn: () => void) => void;
}

/**
 * Profiles of the config home; activating one reloads this engine with its
 * effective file. Auto-updates start here (unref'd timers, see profiles/scheduler.ts).
 */
function engineProfiles(engine: Engine, x: ControllerDepsExtras): ControllerDeps['profiles'] {
  if (x.profilesHome === null) return undefined;
  const pm = new ProfileManager({ home: x.profilesHome ?? configHome(process.env), logger: x.logs.logger, reload: (file) => engine.reload({ path: file }) });
  pm.startAutoUpdate();
  x.onStop?.(() => pm.close());
  return profilesView(pm);
}

const BUNDLED = resolve(fileURLToPath(new URL('../../rules/default.yaml', import.meta.url)));

/**
 * The running config file for /configs/raw and /configs/edit. The bundled
 * default is never written: edits of it go to `<home>/config.yaml`.
 * Writes are atomic: a temp file beside the target (same mode), fsync, rename.
 */
function configFileView(engine: Engine): NonNullable<ControllerDeps['configFile']> {
  return {
    async read() {
      const cfg = engine.config();
      if (!cfg.file) throw new SyError('SY_ERR_API_UNAVAILABLE', { where: '/configs/raw', detail: 'the running config was not loaded from a file' });
      const payload = await readFile(cfg.file, 'utf8');
      if (resolve(cfg.file) === BUNDLED) return { path: join(cfg.home, 'config.yaml'), payload, running: cfg.file };
      return { path: cfg.file, payload };
    },
    async write(path, text) {
      const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
      const mode = await stat(path).then((s) => s.mode & 0o777, () => 0o600);
      const fh = await open(tmp, 'wx', mode);
      try {
        await fh.writeFile(text, 'utf8');
        await fh.sync();
        await fh.close();
        await rename(tmp, path);
      } catch (e) {
        await fh.close().catch(() => {});
        await unlink(tmp).catch(() => {});
        throw e;
      }
    },
  };
}

/** The current generation's proxy providers for /providers/proxies. */
function proxyProvidersView(engine: Engine): NonNullable<ControllerDeps['proxyProviders']> {
  const get = (name: string) => {
    const p = engine.generation().proxyProviders.get(name);
    if (!p) throw new SyError('SY_ERR_PROXY_PROVIDER_NOT_FOUND', { where: '/providers/proxies', value: name });
    return p;
  };
  return {
    list: () =>
      [...engine.generation().proxyProviders.values()].map((p) => {
        const info = p.subscriptionInfo();
        const at = p.updatedAt();
        return {
          name: p.name,
          vehicleType: p.vehicleType,
          proxies: p.members().map((m) => m.name),
          testUrl: p.cfg.healthCheck.url,
          expectedStatus: p.cfg.healthCheck.expectedStatus,
          ...(at ? { updatedAt: at.toISOString() } : {}),
          ...(info ? { subscriptionInfo: info } : {}),
        };
      }),
    update: (name) => get(name).update(),
    healthCheck: (name) => get(name).healthCheck(),
  };
}

export function createControllerDeps(engine: Engine, x: ControllerDepsExtras): ControllerDeps {
  const outbounds: OutboundsView = {
    all: () => engine.generation().outbounds.all(),
    get: (name) => engine.generation().outbounds.get(name),
    details(name) {
      const g = engine.generation();
      const grp = g.config.proxyGroups.find((p) => p.name === name);
      if (grp) {
        const fixed = g.outbounds.group(name)?.fixed?.() ?? '';
        return { testUrl: grp.url, expectedStatus: grp.expectedStatus, hidden: grp.hidden, icon: grp.icon, fixed };
      }
      const p = g.config.proxies.find((q) => q.name === name);
      if (p) return { server: p.server, port: p.port, routingMark: g.config.routingMark };
      for (const pp of g.proxyProviders.values()) {
        const q = pp.proxies().find((x) => x.name === name);
        if (q) return { server: q.server, port: q.port, routingMark: g.config.routingMark, providerName: pp.name };
      }
      return {};
    },
    select(group, member) {
      const grp = engine.generation().outbounds.group(group);
      if (!grp) {
        if (!engine.generation().outbounds.get(group)) throw new SyError('SY_ERR_API_NOT_FOUND', { where: 'PUT /proxies', value: group });
        throw new SyError('SY_ERR_API_NOT_SELECTOR', { where: 'PUT /proxies', value: group });
      }
      if (typeof grp.select !== 'function') throw new SyError('SY_ERR_API_NOT_SELECTOR', { where: 'PUT /proxies', value: group });
      grp.select(member);
    },
    unfix(group) {
      const grp = engine.generation().outbounds.group(group);
      if (!grp) throw new SyError('SY_ERR_API_NOT_FOUND', { where: 'DELETE /proxies', value: group });
      grp.unpin?.();
    },
    testDelay: (name, o) => engine.generation().outbounds.testDelay(name, o.url, o.timeoutMs, o.expected),
  };

  const configs = (): ApiConfigs => {
    const c = engine.config();
    const cap = engine.captureState();
    return {
      port: 0,
      'socks-port': 0,
      'redir-port': 0,
      'tproxy-port': c.tproxyPort,
      'mixed-port': c.mixedPort,
      tun: { enable: false },
      'allow-lan': engine.allowLan(),
      'bind-address': c.bindAddress,
      mode: engine.mode(),
      'mode-list': ['rule', 'global', 'direct'],
      'log-level': x.logs.level(),
      ipv6: c.ipv6,
      'routing-mark': c.routingMark,
      'find-process-mode': c.findProcessMode,
      sniffing: engine.sniffing(),
      capture: {
        enable: cap.config.enable,
        local: cap.config.local,
        lan: cap.config.lan,
        interfaces: [...cap.config.interfaces],
        ipv6: cap.config.ipv6,
        bypass: [...cap.config.bypass],
        'on-failure': cap.config.onFailure,
        installed: cap.installed,
        error: cap.error,
      },
    };
  };

  return {
    version: VERSION,
    configs,
    async patchConfigs(patch) {
      if (patch.mode) engine.setMode(patch.mode);
      if (patch.logLevel) x.logs.setLevel(patch.logLevel);
      if (patch.sniffing !== undefined) engine.setSniffing(patch.sniffing);
      if (patch.allowLan !== undefined) await engine.setAllowLan(patch.allowLan);
      if (patch.capture) {
        const c = patch.capture;
        await engine.setCapture({
          ...(c.enable !== undefined ? { enable: c.enable } : {}),
          ...(c.local !== undefined ? { local: c.local } : {}),
          ...(c.lan !== undefined ? { lan: c.lan } : {}),
          ...(c.ipv6 !== undefined ? { ipv6: c.ipv6 } : {}),
          ...(c.interfaces ? { interfaces: c.interfaces } : {}),
          ...(c.bypass ? { bypass: c.bypass } : {}),
          ...(c['on-failure'] ? { onFailure: c['on-failure'] } : {}),
        });
      }
    },
    reload: (req) => engine.reload({ ...(req.payload ? { payload: req.payload } : {}), ...(req.path ? { path: req.path } : {}) }),
    async updateGeoData() {
      const g = engine.geodata?.();
      return g ? (await g.updateNow()).length : 0;
    },
    outbounds,
    proxyProviders: proxyProvidersView(engine),
    rules: () => engine.generation().rules,
    ruleProviders: {
      list: () =>
        [...engine.generation().providers.values()].map((p) => {
          const cfg = engine.generation().config.ruleProviders[p.name];
          return { ...p.status(), url: cfg?.url ?? '', interval: cfg?.interval ?? 0, ...(cfg?.type === 'inline' ? { payload: cfg.payload } : {}) };
        }),
      async update(name) {
        const p = engine.generation().providers.get(name);
        if (!p) throw new SyError('SY_ERR_API_NOT_FOUND', { where: 'PUT /providers/rules', value: name });
        await p.update();
      },
    },
    connections: engine.tracker,
    traffic: x.traffic,
    memory: x.memory,
    logs: x.logs,
    dns: {
      query: (name, qtype) => engine.dns.queryForApi(name, qtype),
      flushFakeIp: () => engine.dns.flushFakeIp(),
      flushCache: () => engine.dns.flushCache(),
    },
    async match(q) {
      const ip = q.ip ? normalizeIp(q.ip) : '';
      const meta = newMetadata({ network: q.network, type: 'Inner', host: q.host, dstIP: ip, dstPort: q.port, srcIP: q.src, srcPort: q.srcPort, inboundName: 'API' });
      const r = await engine.tunnel.explain(meta);
      return { target: r.decision.target, rule: r.decision.rule?.type ?? '', payload: r.decision.rule?.payload ?? '', index: r.decision.rule?.index ?? -1, chain: [...r.chain] };
    },
    storage: x.storage,
    profiles: engineProfiles(engine, x),
    configFile: configFileView(engine),
  };
}
