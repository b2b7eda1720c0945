// The common part of every group: member lookup, picking through nested
// groups (leaf first, group last in the chain), dialling through the pick,
// and the periodic health check of the members (unref'd timers).
//
// Lifecycle: constructed by buildOutbounds with a lookup into the set;
// start() begins health checks (url-test, fallback, load-balance with an
// interval), close() stops them and aborts checks in flight. Idempotent.
import type net from 'node:net';
import type { Destination, Outbound, OutboundGroup, OutboundType, UdpFlow } from '../../core/outbound.js';
import { newMetadata, type Metadata } from '../../core/metadata.js';
import type { GroupConfig } from '../../config/types.js';
import type { Logger } from '../../core/logger.js';
import { SyError } from '../../core/errors.js';
import { Health } from '../dial.js';
import { DEFAULT_TEST_URL, measureDelay } from '../delay-test.js';
import { UnsupportedOutbound } from '../unsupported.js';

export type Member = Outbound & { readonly health?: Health };
export type Pick = { leaf: Outbound; chain: string[] };

/** Nested groups deeper than this resolve to nothing (config/ rejects cycles; this is the backstop). */
const MAX_DEPTH = 16;
/** A neutral connection for questions that do not depend on one (now(), supportsUdp). */
const NEUTRAL = newMetadata({ network: 'tcp', type: 'Inner' });

export interface GroupDeps {
  lookup(name: string): Member | undefined;
  logger: Logger;
}

export abstract class GroupBase implements OutboundGroup {
  readonly name: string;
  private memberList: readonly string[];
  readonly health = new Health();
  abstract readonly type: OutboundType;
  protected lastUsed = 0;
  private timer: NodeJS.Timeout | undefined;
  private checking: AbortController | undefined;
  private closed = false;

  constructor(
    readonly cfg: GroupConfig,
    protected readonly deps: GroupDeps,
  ) {
    this.name = cfg.name;
    this.memberList = cfg.proxies;
  }

  /** When a real connection last picked through this group (ms since epoch; 0 = never). */
  lastUsedAt(): number {
    return this.lastUsed;
  }

  /** The current members in order: the listed ones, plus provider proxies once setMembers() ran (members.ts). */
  get members(): readonly string[] {
    return this.memberList;
  }

  /**
   * Replace the member list (a proxy provider updated). Strategies keep their
   * choice when it is still a member (select's stored choice, a pin).
   */
  setMembers(names: readonly string[]): void {
    this.memberList = names;
  }

  /** The member this group would use for `meta` (not descending), or undefined. */
  protected abstract choose(meta: Metadata, depth: number): Member | undefined;
  abstract now(): string;
  /** select only (see OutboundGroup.select). */
  select?(member: string): void;
  pin?(member: string): void;
  unpin?(): void;
  fixed?(): string;

  /** Whether the group tests its members periodically. */
  protected get checks(): boolean {
    return this.cfg.interval > 0;
  }

  member(name: string): Member | undefined {
    return this.members.includes(name) ? this.deps.lookup(name) : undefined;
  }

  /** A member that can take a connection now: for a group, one whose pick succeeds. */
  usable(m: Member | undefined, depth: number): boolean {
    if (!m || m instanceof UnsupportedOutbound) return false;
    if (m instanceof GroupBase) return m.pickAt(NEUTRAL, depth + 1) !== null;
    return m.alive();
  }

  pick(meta: Metadata): Pick | null {
    return this.pickAt(meta, 0);
  }

  pickAt(meta: Metadata, depth: number): Pick | null {
    if (depth > MAX_DEPTH) return null;
    if (meta !== NEUTRAL) this.lastUsed = Date.now(); // real connections only: status queries are not use (lazy)
    const m = this.choose(meta, depth);
    if (!m || m instanceof UnsupportedOutbound) return null;
    if (m instanceof GroupBase) {
      const sub = m.pickAt(meta, depth + 1);
      if (!sub) return null;
      return { leaf: sub.leaf, chain: [...sub.chain, this.name] };
    }
    return { leaf: m, chain: [m.name, this.name] };
  }

  get supportsUdp(): boolean {
    return this.pickAt(NEUTRAL, 0)?.leaf.supportsUdp ?? false;
  }

  alive(): boolean {
    return this.pickAt(NEUTRAL, 0) !== null;
  }

  history() {
    return this.health.history();
  }

  /** The members in order, as the API lists them (`all`). */
  all(): readonly string[] {
    return this.members;
  }

  async dialTcp(dst: Destination, meta: Metadata, signal?: AbortSignal): Promise<net.Socket> {
    return this.pickOrThrow(meta).dialTcp(dst, meta, signal);
  }

  async dialUdp(meta: Metadata, signal?: AbortSignal): Promise<UdpFlow> {
    return this.pickOrThrow(meta).dialUdp(meta, signal);
  }

  private pickOrThrow(meta: Metadata): Outbound {
    const p = this.pick(meta);
    if (!p) throw new SyError('SY_ERR_NET_NO_MEMBER', { where: `group "${this.name}"`, value: this.members });
    return p.leaf;
  }

  /**
   * Tests every member once (in parallel), records the delays, then lets the
   * strategy re-choose. `opts` overrides the group's url/timeout/expected
   * status (the API's /group/:name/delay). Resolves to the delays of the
   * members that answered (failed ones are absent, as mihomo answers).
   */
  async checkNow(opts: { url?: string; timeoutMs?: number; expected?: string } = {}): Promise<Record<string, number>> {
    const results: Record<string, number> = {};
    if (this.closed) return results;
    this.checking?.abort();
    const ctl = new AbortController();
    this.checking = ctl;
    const url = opts.url || this.cfg.url || DEFAULT_TEST_URL;
    const timeout = opts.timeoutMs ?? (this.cfg.timeout > 0 ? this.cfg.timeout : 5000);
    const expected = opts.expected ?? this.cfg.expectedStatus;
    await Promise.all(
      [...new Set(this.members)].map(async (name) => {
        const m = this.deps.lookup(name);
        if (!m || m instanceof UnsupportedOutbound || !m.health) return;
        let delay = 0;
        try {
          delay = await measureDelay(m, url, timeout, expected);
          results[name] = delay;
        } catch (e) {
          this.deps.logger.debug('health check failed', { group: this.name, member: name, error: e });
        }
        if (!ctl.signal.aborted) m.health.record(delay);
      }),
    );
    if (!ctl.signal.aborted) this.afterCheck();
    return results;
  }

  /** Hook for strategies that re-choose after a check (url-test). */
  protected afterCheck(): void {}

  start(): void {
    if (this.closed || this.timer || !this.checks) return;
    const period = this.cfg.interval * 1000;
    const tick = () => {
      // lazy: only test while the group is in use (picked within the last period)
      if (this.cfg.lazy && (this.lastUsed === 0 || Date.now() - this.lastUsed > period)) return;
      void this.checkNow();
    };
    if (!this.cfg.lazy) void this.checkNow();
    this.timer = setInterval(tick, period);
    this.timer.unref();
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.checking?.abort();
  }
}
