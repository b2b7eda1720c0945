// Config loading: YAML -> located tree -> shape checks per section ->
// cross-references -> defaults -> deep-frozen Config. Every error is collected
// (located `file:line:col keyPath`) before failing; ignored Clash keys and
// unknown keys are warnings, each reported once.
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { SyError, SyErrorList, isSyError } from '../core/errors.js';
import type { Config, ProxyConfig } from './types.js';
import { Diagnostics } from './diagnostics.js';
import { DEFAULTS, DEFAULT_CAPTURE, DEFAULT_DNS } from './defaults.js';
import { deepFreeze } from './freeze.js';
import { generalHandlers, type Draft, type SectionContext } from './general.js';
import { isIgnoredTopKey, reportOtherKey } from './keys.js';
import { forEachEntry } from './read.js';
import type { SplitRule } from './rule-line.js';
import { readRules, readSubRules, type ParsedRule } from './rules-section.js';
import { parseYamlTree, type LEntry, type LMap } from './yaml-tree.js';
import { newRefs } from './refs.js';
import { readDns } from './dns.js';
import { readCapture } from './capture.js';
import { readProxies } from './proxies.js';
import { readGroups } from './groups.js';
import { readProviders } from './providers.js';
import { readProxyProviders } from './proxy-providers.js';
import { crossCheck, secureController } from './cross-check.js';

export interface LoadOptions {
  /** Directory for relative paths and provider caches; default: the config file's directory. */
  home?: string;
  /** Payload validator of the rule layer (injected by `check`/`run`; config/ must not import rules/). */
  validateRule?: (rule: SplitRule, where: string, index: number) => SyError[];
}

export interface ConfigResult {
  /** null iff errors.length > 0 */
  config: Config | null;
  errors: SyError[];
  warnings: SyError[];
}

/** Check a config text. Never throws: every failure is a located SyError in `errors`. */
export function parseConfig(text: string, file: string, opts: LoadOptions = {}): ConfigResult {
  const d = new Diagnostics(file);
  try {
    const config = check(text, file, opts, d);
    if (d.errors.length > 0 || !config) return { config: null, errors: d.errors, warnings: d.warnings };
    return { config: deepFreeze(config), errors: [], warnings: d.warnings };
  } catch (cause) {
    // A bug of ours must still surface as a coded error, never as a crash of `check`.
    d.errors.push(isSyError(cause) ? cause : new SyError('SY_ERR_CONFIG_INVALID', { where: file, detail: 'internal error while checking', cause }));
    return { config: null, errors: d.errors, warnings: d.warnings };
  }
}

export async function loadConfig(file: string, opts: LoadOptions = {}): Promise<ConfigResult> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    return { config: null, errors: [new SyError('SY_ERR_CONFIG_READ', { where: file, cause })], warnings: [] };
  }
  return parseConfig(text, file, opts);
}

/** Load or throw SyErrorList('SY_ERR_CONFIG_INVALID') carrying every error. */
export async function loadConfigOrThrow(file: string, opts: LoadOptions = {}): Promise<{ config: Config; warnings: SyError[] }> {
  const r = await loadConfig(file, opts);
  if (!r.config) throw new SyErrorList('SY_ERR_CONFIG_INVALID', r.errors, { where: file });
  return { config: r.config, warnings: r.warnings };
}

function check(text: string, file: string, opts: LoadOptions, d: Diagnostics): Config | null {
  if (typeof text !== 'string') {
    d.error('SY_ERR_CONFIG_TYPE', { line: 1, col: 1 }, '', { value: typeof text, expected: 'YAML text' });
    return null;
  }
  const tree = parseYamlTree(text, d);
  if (!tree) return null;
  if (tree.kind !== 'map') {
    d.error('SY_ERR_CONFIG_NOT_MAPPING', tree.pos, '', {
      value: tree.kind === 'scalar' ? tree.value : 'a list',
      expected: 'keys such as "mode: rule" and "rules:" at the top level',
    });
    return null;
  }
  const abs = file === '' ? '' : resolve(file);
  const home = opts.home !== undefined ? resolve(opts.home) : abs === '' ? process.cwd() : dirname(abs);
  const cx: SectionContext = { d, home, draft: {}, ignored: [], refs: newRefs() };
  const parsedRules = readSections(tree, cx);
  const config = withDefaults(cx.draft, abs, home, cx.ignored);
  crossCheck(d, { ...config, externalController: cx.draft.externalController ?? config.externalController, refs: cx.refs, groups: config.proxyGroups, rules: parsedRules });
  if (opts.validateRule) validateRules(d, parsedRules, opts.validateRule);
  return config;
}

/** Dispatch every top-level key to its section reader; returns the split rules for the later checks. */
function readSections(tree: LMap, cx: SectionContext): ParsedRule[] {
  const { d, draft, ignored } = cx;
  let parsedRules: ParsedRule[] = [];
  let subParsed: ParsedRule[] = [];
  const unavailable: ProxyConfig[] = [];
  const handlers: Record<string, (e: LEntry) => void> = {
    ...generalHandlers(cx),
    dns: (e) => (draft.dns = readDns(cx, e)),
    capture: (e) => (draft.capture = readCapture(cx, e)),
    proxies: (e) => (draft.proxies = readProxies(cx, e)),
    'proxy-groups': (e) => (draft.proxyGroups = readGroups(cx, e, unavailable)),
    'rule-providers': (e) => (draft.ruleProviders = readProviders(cx, e)),
    'proxy-providers': (e) => (draft.proxyProviders = readProxyProviders(cx, e)),
    rules: (e) => {
      const r = readRules(d, e);
      draft.rules = r.lines;
      parsedRules = r.parsed;
    },
    'sub-rules': (e) => {
      const r = readSubRules(d, e);
      draft.subRules = r.sets;
      subParsed = r.parsed;
    },
  };
  forEachEntry(tree, handlers, (e) => reportOtherKey(d, e, e.key, Object.keys(handlers), isIgnoredTopKey, ignored));
  // Relay groups load as unavailable outbounds, after the proxies.
  if (unavailable.length > 0) draft.proxies = [...(draft.proxies ?? []), ...unavailable];
  return [...parsedRules, ...subParsed];
}

/** Run the rule layer's payload validator on every rule; a validator that throws loses only its own rule's verdict. */
function validateRules(d: Diagnostics, rules: readonly ParsedRule[], validate: NonNullable<LoadOptions['validateRule']>): void {
  for (const r of rules) {
    try {
      for (const err of validate(r.split, r.where, r.index)) d.add(err);
    } catch (cause) {
      d.add(isSyError(cause) ? cause : new SyError('SY_ERR_CONFIG_RULE_SYNTAX', { where: r.where, value: r.split.type, detail: 'the rule validator failed', cause }));
    }
  }
}

function withDefaults(draft: Draft, file: string, home: string, ignored: { key: string; where: string }[]): Config {
  const capture = draft.capture ?? { ...DEFAULT_CAPTURE, excludeInterfaces: [...DEFAULT_CAPTURE.excludeInterfaces] };
  return {
    file,
    home,
    mode: draft.mode ?? DEFAULTS.mode,
    logLevel: draft.logLevel ?? DEFAULTS.logLevel,
    mixedPort: draft.mixedPort ?? DEFAULTS.mixedPort,
    tproxyPort: draft.tproxyPort ?? DEFAULTS.tproxyPort,
    routingMark: draft.routingMark ?? defaultRoutingMark(capture.mark),
    allowLan: draft.allowLan ?? DEFAULTS.allowLan,
    bindAddress: draft.bindAddress ?? DEFAULTS.bindAddress,
    ipv6: draft.ipv6 ?? DEFAULTS.ipv6,
    externalController: secureController(draft.externalController ?? DEFAULTS.externalController, draft.secret ?? DEFAULTS.secret),
    externalControllerCors: draft.externalControllerCors ?? { allowOrigins: ['*'], allowPrivateNetwork: true },
    secret: draft.secret ?? DEFAULTS.secret,
    externalUi: draft.externalUi ?? '',
    findProcessMode: draft.findProcessMode ?? DEFAULTS.findProcessMode,
    geoipDatabase: draft.geoipDatabase ?? '',
    hosts: draft.hosts ?? {},
    sniffer: draft.sniffer ?? { ...DEFAULTS.sniffer },
    dns: draft.dns ?? { ...DEFAULT_DNS, where: '' },
    capture,
    proxies: draft.proxies ?? [],
    proxyGroups: draft.proxyGroups ?? [],
    ruleProviders: draft.ruleProviders ?? {},
    proxyProviders: draft.proxyProviders ?? {},
    rules: draft.rules ?? [],
    ...(draft.subRules ? { subRules: draft.subRules } : {}),
    ...(draft.geoxUrl ? { geoxUrl: draft.geoxUrl } : {}),
    ...(draft.geoAutoUpdate !== undefined ? { geoAutoUpdate: draft.geoAutoUpdate } : {}),
    ...(draft.geoUpdateInterval !== undefined ? { geoUpdateInterval: draft.geoUpdateInterval } : {}),
    ignored,
  };
}

/**
 * mihomo's routing-mark 6666 (0x1a0a) shares bit 0x200 with the default
 * capture.mark 0x2d0, and overlapping marks loop (reference §6.4). When
 * routing-mark is not written, use 6666 with capture.mark's bits cleared
 * (6154 = 0x180a for the default mark); an explicit overlap is an error.
 */
export function defaultRoutingMark(captureMark: number): number {
  const m = (DEFAULTS.routingMark & ~captureMark) >>> 0;
  if (m !== 0) return m;
  for (let bit = 1; bit !== 0 && bit <= 0x40000000; bit <<= 1) if ((bit & captureMark) === 0) return bit;
  return 0;
}
