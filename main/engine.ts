// The composition root: builds the core from a Config, starts it in stages
// (DNS → routing → tunnel → inbounds → controller → capture) and stops it in
// reverse; reloads without dropping established connections. It is the one
// place that wires the layers together.
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { isIP } from 'node:net';
import type { Config } from './config/types.js';
import type { LogHub, Logger } from './core/logger.js';
import type { Lifecycle } from './core/lifecycle.js';
import { SyError, SyErrorList, isSyError } from './core/errors.js';
import { newMetadata } from './core/metadata.js';
import { loadConfig, parseConfig } from './config/load.js';
import { ruleValidator } from './rules/validate.js';
import { openGeoIpLazy, type GeoIpReader } from './rules/geoip.js';
import { createDnsService } from './dns/index.js';
import { createConnectionTracker, createTrafficSampler, createMemorySampler } from './stats/index.js';
import { createTunnel } from './tunnel/tunnel.js';
import type { SpliceAdopter } from './tunnel/relay.js';
import { createTproxyTcpInbound, createTproxyUdpInbound, createMixedInbound, type NativeInbound } from './inbound/index.js';
import { createController, createFileStore, type Controller } from './controller/index.js';
import { captureInputFrom, installCapture, removeCapture, startDeadman, createCommandRunner, type RunCommand } from './capture/index.js';
import { sniff } from './sniff/index.js';
import { openStateStore } from './engine/state-store.js';
import { coreSockets, type CoreSockets, type NativeSockets } from './engine/sockets.js';
import { buildGeneration, type Generation } from './engine/generation.js';
import { createControllerDeps } from './engine/controller-deps.js';
import type { Engine } from './engine/types.js';
export type { Engine } from './engine/types.js';
import { sniffPorts } from './engine/sniff-ports.js';
import { systemResolver } from './engine/system-resolver.js';
import { createProcessLookup } from './engine/process-lookup.js';
import { createDnsProxyDialer } from './engine/dns-dialer.js';
import { dialByRules, startGeoData, type GeoDataDeps, type GeoDataHandle } from './engine/geodata.js';
import { spliceRelays } from './engine/splice.js';

/** The native zero-copy relay as the engine uses it (native/index.ts createSpliceRelay). */
interface NativeSplice {
  createSpliceRelay?: () => (SpliceAdopter & { close(): void }) | null;
}
export type NativeApi = NativeInbound & NativeSockets & NativeSplice;

export interface EngineOptions {
  configFile: string;
  /** Where state lives (default: the config file's directory). */
  home?: string;
  /** --capture / --no-capture; undefined = as configured */
  capture?: boolean;
  logHub: LogHub;
  /** The built dashboard (default renderer/dist when present). */
  uiDir?: string | null;
  /** The native addon; undefined = load it, null = run without it. */
  native?: NativeApi | null;
  /** Config home whose profiles/ the controller manages; undefined/null = no /profiles (tests). */
  profilesHome?: string | null;
  /** Runs nft/ip/sysctl (tests may prefix it). */
  run?: RunCommand;
  /** Geodata download tuning (tests: short backoff / interval, a private CA). */
  geodata?: Pick<GeoDataDeps, 'backoffBaseMs' | 'intervalS' | 'timeoutMs' | 'ca'>;
}


const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

async function loadNative(log: Logger): Promise<NativeApi | null> {
  try {
    const m = (await import('../native/index.js')) as unknown as NativeApi & { nativeAvailable(): boolean };
    if (m.nativeAvailable()) return m;
    log.warn('the native addon is not built: TPROXY and SO_MARK are unavailable (run `npm ci` with g++, make and python3 installed)');
  } catch (e) {
    log.warn('cannot load the native addon', { error: e });
  }
  return null;
}

async function readConfig(file: string, home: string | undefined, payload?: string): Promise<Config> {
  const opts = { validateRule: ruleValidator(), ...(home ? { home } : {}) };
  const r = payload !== undefined ? parseConfig(payload, file, opts) : await loadConfig(file, opts);
  if (!r.config) throw new SyErrorList('SY_ERR_CONFIG_INVALID', r.errors, { where: file });
  return r.config;
}

export async function startEngine(opts: EngineOptions): Promise<Engine> {
  const hub = opts.logHub;
  const log = hub.logger;
  let config = await readConfig(opts.configFile, opts.home);
  hub.setLevel(config.logLevel);
  for (const i of config.ignored) log.info(`ignored key ${i.key}`, { where: i.where });
  const started: Lifecycle[] = [];
  const stopAll = async () => {
    for (const s of started.reverse()) await s.close().catch((e: unknown) => log.error('stop failed', { error: e }));
    started.length = 0;
  };
  try {
    return await build();
  } catch (e) {
    await stopAll();
    throw e;
  }

  async function build(): Promise<Engine> {
    const native = opts.native === undefined ? await loadNative(log) : opts.native;
    const run = opts.run ?? createCommandRunner();
    const state = openStateStore(join(config.home, 'switchyard-state.json'), log);
    if (config.routingMark > 0 && !native) log.warn('routing-mark is set but the native addon is missing: outbound sockets are not marked');
    const sockets: CoreSockets = coreSockets(config.routingMark, native);
    const geoip: GeoIpReader = openGeoIpLazy(config.geoipDatabase || undefined);

    // DNS first: the rules resolve through it.
    // rule-set: keys in nameserver-policy / fake-ip-filter match through the
    // current generation's providers (looked up per query, so reloads apply).
    let genRef: Generation | null = null;
    let mode: Config['mode'] = (state.get('mode') as Config['mode'] | undefined) ?? config.mode;
    if (!['rule', 'global', 'direct'].includes(mode)) mode = config.mode;
    // `#PROXY` nameservers and respect-rules dial through the current generation's outbounds and rules.
    const notReady = (): never => {
      throw new SyError('SY_ERR_DNS_PROXY', { where: 'dns', detail: 'outbounds are not built yet' });
    };
    const dnsProxy = createDnsProxyDialer({
      engine: () => genRef?.rules ?? notReady(),
      mode: () => mode,
      outbounds: () => genRef?.outbounds ?? notReady(),
    });
    const dns = createDnsService(config, {
      logger: log,
      sockets: sockets.dns,
      proxy: dnsProxy,
      geoip: (ip) => geoip.country(ip),
      extra: {
        ...(config.dns.fallbackFilter ? { fallbackFilter: config.dns.fallbackFilter } : {}),
        ...(config.dns.proxyServerNameserver ? { proxyServerNameserver: config.dns.proxyServerNameserver } : {}),
        ...(config.dns.respectRules !== undefined ? { respectRules: config.dns.respectRules } : {}),
      },
      matchers: (kind, name) => {
        // geosite: the current generation's GeoSite data (looked up per query, so reloads apply).
        if (kind === 'geosite') return (host) => genRef?.geositeMatcher(name)?.(host) ?? false;
        if (kind !== 'rule-set' || !config.ruleProviders[name]) return null;
        const state = { resolved: true, processLooked: true };
        return (host) => {
          const p = genRef?.providers.get(name);
          if (!p) return false;
          return p.current().match(newMetadata({ network: 'udp', type: 'DNS', host }), state, false);
        };
      },
    });
    await dns.start();
    started.push(dns);
    const resolver = config.dns.nameserver.length > 0 ? dns.resolver : systemResolver(config.ipv6);
    // The proxies' own server names resolve through proxy-server-nameserver (mihomo; respect-rules needs it).
    // A malformed local GeoSite.dat / ASN.mmdb is a warning here: it is downloaded again (as mihomo).
    const genDeps = { sockets: sockets.outbound, resolver, serverResolver: config.dns.nameserver.length > 0 ? dns.proxyServerResolver : resolver, state, geoip, logger: log, badGeoData: 'warn' as const };

    let gen = (genRef = await buildGeneration(config, genDeps));
    gen.outbounds.start();
    started.push({ start: async () => {}, close: async () => gen.outbounds.close() });

    const tracker = createConnectionTracker({ logger: log });
    const traffic = createTrafficSampler({ source: tracker });
    const memory = createMemorySampler();
    started.push({ start: async () => {}, close: async () => { traffic.stop?.(); memory.stop?.(); } });

    // Mutable on purpose: PATCH /configs {sniffing} flips it for new connections.
    const sniffOpts = {
      enable: config.sniffer.enable,
      timeoutMs: config.sniffer.timeoutMs,
      ports: sniffPorts,
      tcp: (b: Buffer) => sniff(b, 'tcp'),
      udp: (datagrams: readonly Buffer[]) => sniff(datagrams, 'udp'),
    };
    // Established TCP flows go to native splice threads, one per core by default
    // (SWITCHYARD_SPLICE_THREADS=N; SWITCHYARD_SPLICE=0: Node pipes, for comparison).
    const splice = native?.createSpliceRelay && process.env.SWITCHYARD_SPLICE !== '0' ? spliceRelays(native.createSpliceRelay) : null;
    if (splice) started.push({ start: async () => {}, close: async () => splice.close() });

    const tunnel = createTunnel({
      splice,
      engine: () => gen.rules,
      mode: () => mode,
      outbounds: () => gen.outbounds,
      resolver,
      // PROCESS-*/UID rules: the owner of a local connection, looked up from /proc when a rule asks
      ...(config.findProcessMode !== 'off' ? { process: createProcessLookup() } : {}),
      fakeIp: dns.fakeIp ?? null,
      hostCache: dns.hostCache,
      tracker,
      logger: log,
      sniff: sniffOpts,
    });
    started.push({ start: async () => {}, close: async () => tunnel.close() });

    // Geodata (GeoSite.dat, ASN.mmdb): missing data the rules need is
    // downloaded in the background through the rules; when it lands the rules
    // are recompiled from the same config (new generation, connections kept).
    const routeDeps = { engine: () => gen.rules, mode: () => mode, outbounds: () => gen.outbounds, resolver };
    const recompile = async (why: string) => {
      const next = await buildGeneration(config, genDeps);
      const old = gen;
      gen = genRef = next;
      gen.outbounds.start();
      old.outbounds.close();
      log.info('rules recompiled', { why, rules: gen.rules.rules.length });
    };
    let geodata: GeoDataHandle | null = null;
    const startGeo = () => {
      geodata?.stop();
      // Rule sets whose GEOSITE / IP-ASN lines loaded inactive need the data too.
      const setsMissing = (code: string) => [...gen.providers.values()].some((p) => p.lastWarnings().some((w) => w.code === code));
      const force = { geosite: setsMissing('SY_ERR_RULE_GEOSITE_MISSING'), asn: setsMissing('SY_ERR_RULE_ASN_MISSING') };
      geodata = startGeoData({ ...opts.geodata, config, force, replace: gen.geoBad, dial: dialByRules(routeDeps, 'geodata'), logger: log, onUpdated: (kind) => recompile(`${kind} data updated`) });
    };
    startGeo();
    started.push({ start: async () => {}, close: async () => geodata?.stop() });

    // Inbounds.
    if (config.tproxyPort > 0) {
      if (!native) throw new SyError('SY_ERR_ENGINE_NATIVE_MISSING', { where: 'tproxy-port', detail: 'TPROXY needs the native addon; set tproxy-port: 0 to run without it' });
      for (const make of [createTproxyTcpInbound, createTproxyUdpInbound]) {
        const inbound = make({ host: '::', port: config.tproxyPort, family: 6, dispatcher: tunnel, native, logger: log, mark: config.routingMark });
        await inbound.start();
        started.push(inbound);
      }
    }
    // The mixed port; restarted in place when allow-lan changes.
    let allowLan = config.allowLan;
    let mixed: ReturnType<typeof createMixedInbound> | null = null;
    const startMixed = async () => {
      if (config.mixedPort <= 0) return;
      const m = createMixedInbound({ host: config.bindAddress, port: config.mixedPort, allowLan, dispatcher: tunnel, logger: log });
      await m.start();
      mixed = m;
    };
    await startMixed();
    started.push({ start: async () => {}, close: async () => { await mixed?.close(); mixed = null; } });

    // Capture (after the listeners it points at are up).
    let capture = { ...config.capture, enable: opts.capture ?? ((state.get('capture') as { enable?: boolean } | undefined)?.enable ?? config.capture.enable) };
    let captureInstalled = false;
    let captureError = '';
    let stopDeadman: (() => void) | null = null;
    const upstreamIps = async (c: Config) => {
      const out: string[] = [];
      for (const p of c.proxies) {
        if (isIP(p.server)) out.push(p.server);
        else if (p.server) out.push(...(await resolver.resolve(p.server).catch(() => [])));
      }
      return out;
    };
    const applyCapture = async () => {
      stopDeadman?.();
      stopDeadman = null;
      if (!capture.enable) {
        if (captureInstalled) await removeCapture({ run, logger: log }, { mark: capture.mark, table: capture.table });
        captureInstalled = false;
        return;
      }
      const input = captureInputFrom({ ...config, capture }, { upstreams: await upstreamIps(config) });
      try {
        await installCapture(input, { run, logger: log });
        captureInstalled = true;
        captureError = '';
        stopDeadman = startDeadman({ run, logger: log, seconds: capture.deadmanSeconds, onError: (e) => (captureError = e.message) });
        log.info('capture installed', { local: capture.local, lan: capture.lan, interfaces: capture.interfaces.join(','), onFailure: capture.onFailure });
      } catch (e) {
        captureInstalled = false;
        captureError = isSyError(e) ? e.message : String(e);
        throw e;
      }
    };
    if (capture.enable) {
      await applyCapture();
    }
    started.push({
      start: async () => {},
      close: async () => {
        stopDeadman?.();
        if (captureInstalled) await removeCapture({ run, logger: log }, { mark: capture.mark, table: capture.table });
        captureInstalled = false;
      },
    });

    const stopHooks: Array<() => void> = [];
    const engine: Engine = {
      config: () => config,
      generation: () => gen,
      geodata: () => geodata,
      tracker,
      dns,
      tunnel,
      state,
      controllerAddress: () => controller?.address() ?? null,
      mode: () => mode,
      setMode(m) {
        mode = m;
        state.set('mode', m);
        log.info(`mode switched to ${m}`);
      },
      captureState: () => ({ installed: captureInstalled, error: captureError, config: capture }),
      allowLan: () => allowLan,
      async setAllowLan(on) {
        if (on === allowLan) return;
        const before = allowLan;
        allowLan = on;
        try {
          await mixed?.close();
          mixed = null;
          await startMixed();
          log.info(`allow-lan ${on ? 'on' : 'off'}: mixed port rebound`);
        } catch (e) {
          allowLan = before;
          await startMixed().catch(() => {});
          throw e;
        }
      },
      sniffing: () => sniffOpts.enable,
      setSniffing(on) {
        sniffOpts.enable = on;
      },
      async setCapture(patch) {
        const before = capture;
        capture = { ...capture, ...patch };
        try {
          await applyCapture();
          state.set('capture', { enable: capture.enable });
        } catch (e) {
          capture = before;
          await applyCapture().catch(() => {});
          throw e;
        }
      },
      async reload(req = {}) {
        const file = req.path || config.file || opts.configFile;
        let next: Config;
        let nextGen: Generation;
        try {
          next = await readConfig(file, opts.home, req.payload);
          nextGen = await buildGeneration(next, genDeps);
        } catch (e) {
          const err = new SyError('SY_ERR_ENGINE_RELOAD', { where: file, cause: e, detail: isSyError(e) ? e.message : String(e) });
          log.error(err.message);
          throw err;
        }
        const old = gen;
        gen = genRef = nextGen;
        config = next;
        hub.setLevel(next.logLevel);
        if (!state.get('mode')) mode = next.mode;
        gen.outbounds.start();
        old.outbounds.close();
        startGeo();
        log.info('config reloaded', { file, rules: gen.rules.rules.length });
      },
      async stop() {
        for (const fn of stopHooks.splice(0)) fn();
        await controller?.close().catch(() => {});
        state.flush();
        await stopAll();
      },
    };

    // The controller last: it serves everything above.
    let controller: Controller | null = null;
    if (config.externalController) {
      const uiDir = opts.uiDir !== undefined ? opts.uiDir : existsSync(join(ROOT, 'renderer', 'dist', 'index.html')) ? join(ROOT, 'renderer', 'dist') : null;
      controller = createController(createControllerDeps(engine, {
          traffic,
          memory,
          logs: hub,
          storage: createFileStore(join(config.home, 'storage')),
          profilesHome: opts.profilesHome ?? null,
          onStop: (fn) => stopHooks.push(fn),
        }), {
        listen: config.externalController,
        secret: config.secret,
        cors: config.externalControllerCors,
        uiDir: config.externalUi || uiDir,
        logger: log,
      });
      await controller.start();
    }
    return engine;
  }
}
