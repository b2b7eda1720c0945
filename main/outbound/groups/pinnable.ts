// The hand-pinned member of url-test and fallback groups (mihomo's `fixed`):
// PUT /proxies/:name pins, DELETE unpins. A pinned member is used while it is
// usable; when it dies the group's own strategy takes over again (the pin is
// kept, so it is used again once it recovers). In memory only.
import { SyError } from '../../core/errors.js';
import { GroupBase, type Member } from './group.js';

export abstract class PinnableGroup extends GroupBase {
  private pinnedName = '';

  override pin(member: string): void {
    if (!this.members.includes(member)) {
      throw new SyError('SY_ERR_NET_BAD_MEMBER', { where: `group "${this.name}"`, value: member, expected: this.members.join(', ') });
    }
    this.pinnedName = member;
  }

  override unpin(): void {
    this.pinnedName = '';
  }

  override fixed(): string {
    return this.pinnedName;
  }

  /** The pinned member when it can take connections now, else undefined. */
  protected pinnedMember(depth: number): Member | undefined {
    if (!this.pinnedName || !this.members.includes(this.pinnedName)) return undefined;
    const m = this.deps.lookup(this.pinnedName);
    return this.usable(m, depth) ? m : undefined;
  }
}
