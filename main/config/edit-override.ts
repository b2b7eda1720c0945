// Dashboard edits of a *profile's* config, written into its override layer
// (docs/profiles.md "Override") so that a profile update never wipes them:
//   rules      -> prepend-rules / append-rules (only rules that live there can
//                 be edited; new rules go to prepend-rules)
//   proxies    -> prepend-proxies (same name replaces the profile's proxy)
//   groups     -> a copy of the group in prepend-proxy-groups (replaces by name)
//   providers  -> the override's `rule-providers` key (replaces the profile's map;
//                 copied from the effective config on the first edit)
// Anything else is refused with SY_ERR_CONFIG_EDIT_PROFILE saying why.
import { isMap, isSeq, type Document, type YAMLMap, type YAMLSeq } from 'yaml';
import { SyError } from '../core/errors.js';
import { applyOp, docText, indexByName, parseForEdit, seqAt, type ConfigEditOp } from './edit.js';

function refuse(op: ConfigEditOp, detail: string): SyError {
  return new SyError('SY_ERR_CONFIG_EDIT_PROFILE', { where: op.op, detail });
}

const PROFILE_RULE = 'this rule comes from the profile (an update would bring it back); add a rule before it instead, or disable it';

/**
 * Applies ops to a profile's override text, given the effective text the
 * engine runs now. Returns the new override text (validated by the caller).
 */
export function applyOverrideEdits(overrideText: string, effectiveText: string, ops: readonly ConfigEditOp[], where = 'override'): string {
  const ov = parseForEdit(overrideText, where);
  const eff = parseForEdit(effectiveText, 'effective');
  const prepend = () => seqAt(ov, 'prepend-rules')!;
  const appendLen = () => seqAt(ov, 'append-rules', false)?.items.length ?? 0;
  let total = seqAt(eff, 'rules', false)?.items.length ?? 0;
  /** Effective rule index -> [list, index in it], or null when it is a profile rule. */
  const locate = (i: number): [YAMLSeq, number] | null => {
    const p = prepend().items.length;
    if (i < p) return [prepend(), i];
    const a = appendLen();
    if (i >= total - a && i < total) return [seqAt(ov, 'append-rules')!, i - (total - a)];
    return null;
  };
  for (const op of ops) {
    switch (op.op) {
      case 'rule.insert': {
        const p = prepend().items.length;
        const at = op.index ?? p;
        if (at > p) throw refuse(op, `new rules of a profile go before its own rules (index 0..${p})`);
        prepend().items.splice(at, 0, ov.createNode(op.rule));
        total++;
        break;
      }
      case 'rule.replace':
      case 'rule.delete': {
        const loc = locate(op.index);
        if (!loc) throw refuse(op, PROFILE_RULE);
        if (op.op === 'rule.replace') loc[0].items[loc[1]] = ov.createNode(op.rule);
        else {
          loc[0].items.splice(loc[1], 1);
          total--;
        }
        break;
      }
      case 'rule.move': {
        const p = prepend().items.length;
        if (op.from >= p || op.to >= p) throw refuse(op, `only your own rules (0..${p - 1}) can be reordered in a profile`);
        const [it] = prepend().items.splice(op.from, 1);
        prepend().items.splice(op.to, 0, it);
        break;
      }
      case 'proxy.put': {
        const list = [seqAt(ov, 'prepend-proxies', false), seqAt(ov, 'append-proxies', false)].find((s) => s && indexByName(s, op.proxy.name) >= 0);
        const target = list ?? seqAt(ov, 'prepend-proxies')!;
        const i = indexByName(target, op.proxy.name);
        const node = ov.createNode({ ...op.proxy });
        if (i >= 0) target.items[i] = node;
        else target.items.push(node);
        break;
      }
      case 'proxy.delete': {
        const list = [seqAt(ov, 'prepend-proxies', false), seqAt(ov, 'append-proxies', false)].find((s) => s && indexByName(s, op.name) >= 0);
        if (!list) throw refuse(op, 'this proxy comes from the profile; only proxies you added can be deleted');
        list.items.splice(indexByName(list, op.name), 1);
        break;
      }
      case 'group.add-member':
      case 'group.remove-member':
        groupOp(ov, eff, op);
        break;
      case 'rule-provider.put':
      case 'rule-provider.delete': {
        if (!ov.has('rule-providers')) {
          const from = eff.get('rule-providers', true);
          ov.set('rule-providers', isMap(from) ? from.clone() : ov.createNode({}));
        }
        applyOp(ov, op);
        break;
      }
    }
  }
  return docText(ov);
}

/** A group edit: on a copy of the group in prepend-proxy-groups (created from the effective one). */
function groupOp(ov: Document, eff: Document, op: Extract<ConfigEditOp, { group: string }>): void {
  const lists = [seqAt(ov, 'prepend-proxy-groups', false), seqAt(ov, 'append-proxy-groups', false)];
  let holder = lists.find((s) => s && indexByName(s, op.group) >= 0);
  if (!holder) {
    const effGroups = seqAt(eff, 'proxy-groups', false);
    const gi = effGroups ? indexByName(effGroups, op.group) : -1;
    if (!effGroups || gi < 0) throw new SyError('SY_ERR_CONFIG_EDIT_NOT_FOUND', { where: 'proxy-groups', value: op.group, expected: 'a proxy group of the profile' });
    holder = seqAt(ov, 'prepend-proxy-groups')!;
    holder.items.push((effGroups.items[gi] as YAMLMap).clone() as YAMLMap);
  }
  // Reuse the plain-config op on a scratch document holding only this group.
  const scratch = parseForEdit('proxy-groups: []\n');
  const gs = seqAt(scratch, 'proxy-groups')!;
  const i = indexByName(holder, op.group);
  gs.items.push(holder.items[i]);
  applyOp(scratch, op);
  holder.items[i] = gs.items[0];
  if (!isSeq(holder)) throw refuse(op, 'unexpected override shape');
}
