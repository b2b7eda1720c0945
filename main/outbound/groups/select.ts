// select: the user's choice, persisted through the StateStore under
// `select:<group>`. Without a (still valid) stored choice: the first usable
// member. An explicit choice is honoured even when its health check failed.
import type { Metadata } from '../../core/metadata.js';
import type { GroupConfig } from '../../config/types.js';
import { SyError } from '../../core/errors.js';
import type { StateStore } from '../state-store.js';
import { GroupBase, type GroupDeps, type Member } from './group.js';
import { usesProviders } from './members.js';

export class SelectGroup extends GroupBase {
  readonly type = 'Selector' as const;
  private chosen = '';

  constructor(cfg: GroupConfig, deps: GroupDeps, private readonly state: StateStore) {
    super(cfg, deps);
    const stored = state.get(SelectGroup.key(cfg.name));
    // A provider proxy is not a member until the providers load: keep the stored choice for then.
    if (typeof stored === 'string' && (cfg.proxies.includes(stored) || usesProviders(cfg))) this.chosen = stored;
  }

  static key(name: string): string {
    return `select:${name}`;
  }

  protected override get checks(): boolean {
    return false; // select does not test its members by itself (the API's delay test does)
  }

  /** The choice, while it is still a member (a provider update may have removed it). */
  private get choice(): string {
    return this.chosen && this.members.includes(this.chosen) ? this.chosen : '';
  }

  now(): string {
    if (this.choice) return this.choice;
    return this.members.find((n) => this.usable(this.deps.lookup(n), 0)) ?? this.members[0] ?? '';
  }

  protected choose(_meta: Metadata, depth: number): Member | undefined {
    if (this.choice) return this.deps.lookup(this.choice);
    const name = this.members.find((n) => this.usable(this.deps.lookup(n), depth));
    return name === undefined ? undefined : this.deps.lookup(name);
  }

  override select(member: string): void {
    if (!this.members.includes(member)) {
      throw new SyError('SY_ERR_NET_BAD_MEMBER', { where: `group "${this.name}"`, value: member, expected: this.members.join(', ') });
    }
    this.chosen = member;
    this.state.set(SelectGroup.key(this.name), member);
  }
}
