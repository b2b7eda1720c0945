// Rules: the ordered list with hit counts, enable/disable (PATCH /rules/disable),
// add/edit/delete/reorder (POST /configs/edit: written back to the config file,
// or the active profile's override, and applied by a reload), and "where would
// this go?" (GET /match, the engine `switchyard match` uses).
import { useMemo, useState } from 'preact/hooks';
import type { ApiMatchResult } from '../../../main/controller/api-types.js';
import { ErrorBox } from '../components/error-box.js';
import { Switch } from '../components/controls.js';
import { VirtualList } from '../components/virtual-list.js';
import { RuleEditor, type RuleEdit } from '../components/rule-editor.js';
import type { ApiConfigEditOp } from '../../../main/controller/api-types.js';
import { overrideRuleCounts, remapIndex, ruleLinesOf } from '../utils/rule-line.js';
import { useAction, useResource } from '../hooks/use-resource.js';
import { useI18n } from '../i18n/context.js';

export function RulesPage() {
  const i = useI18n();
  const { t } = i;
  const rules = useResource((c) => c.rules(), [], 5000);
  const action = useAction();
  const editAction = useAction();
  const raw = useResource((c) => c.configRaw(), []);
  const proxies = useResource((c) => c.proxies(), []);
  const [edit, setEdit] = useState<RuleEdit | null>(null);
  const lines = useMemo(() => ruleLinesOf(raw.data?.payload ?? ''), [raw.data]);
  const targets = useMemo(() => {
    const names = Object.values(proxies.data?.proxies ?? {}).filter((p) => p.name !== 'GLOBAL').map((p) => p.name);
    return [...new Set([...names.filter((n) => n !== 'DIRECT' && n !== 'REJECT'), 'DIRECT', 'REJECT'])];
  }, [proxies.data]);
  const count = rules.data?.rules.length ?? 0;
  // A profile: only the rules of its override can be edited (the profile's own would come back on update).
  const profile = raw.data?.profile ?? '';
  const override = useResource((c) => (profile ? c.profileOverride(profile) : Promise.resolve({ payload: '' })), [profile]);
  const regions = useMemo(() => overrideRuleCounts(override.data?.payload ?? ''), [override.data]);
  const own = (i: number) => !profile || i < regions.prepend || i >= count - regions.append;
  const movable = (from: number, to: number) => !profile || (from < regions.prepend && to < regions.prepend);
  const apply = async (ops: ApiConfigEditOp[]): Promise<boolean> => {
    // A reload starts the rules enabled: carry the disabled flags to where their rules moved.
    const disabled = (rules.data?.rules ?? []).filter((x) => x.extra.disabled).map((x) => x.index);
    const r = await editAction.run((c) => c.editConfig(ops));
    if (!r) return false;
    raw.setData(r);
    let n = count;
    const moved: Record<number, boolean> = {};
    for (const d of disabled) {
      let at = d;
      n = count;
      for (const op of ops) {
        at = at < 0 ? at : remapIndex(at, op, n);
        n += op.op === 'rule.insert' ? 1 : op.op === 'rule.delete' ? -1 : 0;
      }
      if (at >= 0) moved[at] = true;
    }
    if (Object.keys(moved).length) await editAction.run((c) => c.setRulesDisabled(moved));
    await Promise.all([rules.reload(), profile ? override.reload() : null]);
    return true;
  };
  const [query, setQuery] = useState('');
  const list = useMemo(() => {
    const q = query.toLowerCase();
    const all = rules.data?.rules ?? [];
    return q ? all.filter((r) => `${r.type},${r.payload},${r.proxy}`.toLowerCase().includes(q)) : all;
  }, [rules.data, query]);

  return (
    <section class="page" aria-labelledby="h-rules">
      <h1 id="h-rules">{t('nav.rules')}</h1>
      <MatchBox />
      <div class="toolbar">
        <input type="search" class="grow" placeholder={t('rules.search')} aria-label={t('rules.search')} value={query} onInput={(e) => setQuery((e.currentTarget as HTMLInputElement).value)} />
        <span class="muted small">{t('rules.count', { n: i.num(rules.data?.rules.length ?? 0) })}</span>
      </div>
      <p class="muted small">{raw.data?.profile ? t('rules.profileHint') : t('rules.editHint')}</p>
      <RuleEditor
        key={edit ? `edit-${edit.index}` : 'new'}
        edit={edit}
        targets={targets}
        count={count}
        busy={editAction.busy}
        error={editAction.error}
        onCancel={() => setEdit(null)}
        onSubmit={(index, line, position) =>
          void apply(index === null ? [{ op: 'rule.insert', index: position, rule: line }] : [{ op: 'rule.replace', index, rule: line }]).then((ok) => ok && setEdit(null))
        }
      />
      <ErrorBox error={action.error ?? rules.error ?? raw.error} onDismiss={action.clear} />
      <div class="table rules-table" role="table" aria-label={t('nav.rules')}>
        <div class="thead vrow-static" role="row">
          <div role="columnheader" class="r-idx">#</div>
          <div role="columnheader" class="r-type">{t('rules.type')}</div>
          <div role="columnheader" class="r-payload">{t('rules.payload')}</div>
          <div role="columnheader" class="r-target">{t('rules.target')}</div>
          <div role="columnheader" class="r-hits">{t('rules.hits')}</div>
          <div role="columnheader" class="r-on">{t('rules.enabled')}</div>
          <div role="columnheader" class="r-act">{t('rules.actions')}</div>
        </div>
        {list.length === 0 ? (
          <p class="muted empty">{rules.loading ? t('common.loading') : t('rules.none')}</p>
        ) : (
          <VirtualList
            items={list}
            rowHeight={36}
            height="calc(100vh - 360px)"
            label={t('nav.rules')}
            testId="rule-rows"
            render={(r) => (
              <>
                <div role="cell" class="r-idx muted">{r.index}</div>
                <div role="cell" class="r-type">{r.type}</div>
                <div role="cell" class="r-payload" title={r.payload}>{r.payload}</div>
                <div role="cell" class="r-target">{r.proxy}</div>
                <div role="cell" class="r-hits" title={r.extra.hitAt && !r.extra.hitAt.startsWith('0001') ? t('rules.lastHit', { when: i.relative(r.extra.hitAt) }) : ''}>
                  {i.num(r.extra.hitCount)}
                </div>
                <div role="cell" class="r-on">
                  <Switch
                    label={r.extra.disabled ? t('rules.off') : t('rules.on')}
                    checked={!r.extra.disabled}
                    onChange={(on) =>
                      void action.run((c) => c.setRulesDisabled({ [r.index]: !on })).then(() => rules.reload())
                    }
                  />
                </div>
                <div role="cell" class="r-act" data-testid={`rule-actions-${r.index}`}>
                  <button type="button" class="icon" title={t('rules.edit')} aria-label={t('rules.editOne', { index: r.index })} disabled={!lines[r.index] || !own(r.index)} onClick={() => setEdit({ index: r.index, line: lines[r.index] ?? '' })}>
                    ✎
                  </button>
                  <button type="button" class="icon" title={t('rules.up')} aria-label={t('rules.upOne', { index: r.index })} disabled={r.index === 0 || editAction.busy || !movable(r.index, r.index - 1)} onClick={() => void apply([{ op: 'rule.move', from: r.index, to: r.index - 1 }])} data-testid="rule-up">
                    ↑
                  </button>
                  <button type="button" class="icon" title={t('rules.down')} aria-label={t('rules.downOne', { index: r.index })} disabled={r.index >= count - 1 || editAction.busy || !movable(r.index, r.index + 1)} onClick={() => void apply([{ op: 'rule.move', from: r.index, to: r.index + 1 }])} data-testid="rule-down">
                    ↓
                  </button>
                  <button type="button" class="icon danger" title={t('rules.delete')} aria-label={t('rules.deleteOne', { index: r.index })} disabled={editAction.busy || !own(r.index)} onClick={() => void apply([{ op: 'rule.delete', index: r.index }])} data-testid="rule-delete">
                    ×
                  </button>
                </div>
              </>
            )}
          />
        )}
      </div>
    </section>
  );
}

function MatchBox() {
  const { t } = useI18n();
  const action = useAction();
  const [host, setHost] = useState('');
  const [port, setPort] = useState('443');
  const [network, setNetwork] = useState<'tcp' | 'udp'>('tcp');
  const [result, setResult] = useState<ApiMatchResult | null>(null);
  const isIp = /^[\d.]+$|:/.test(host.trim());
  return (
    <form
      class="card match"
      aria-labelledby="h-match"
      onSubmit={(e) => {
        e.preventDefault();
        const h = host.trim();
        void action.run((c) => c.match(isIp ? { ip: h, port, network } : { host: h, port, network })).then((r) => setResult(r ?? null));
      }}
    >
      <h2 id="h-match">{t('rules.matchTitle')}</h2>
      <div class="toolbar">
        <input class="grow" required placeholder={t('rules.matchHost')} aria-label={t('rules.matchHost')} value={host} onInput={(e) => setHost((e.currentTarget as HTMLInputElement).value)} data-testid="match-host" />
        <input class="narrow" inputMode="numeric" aria-label={t('rules.matchPort')} value={port} onInput={(e) => setPort((e.currentTarget as HTMLInputElement).value)} />
        <select aria-label={t('conn.network')} value={network} onChange={(e) => setNetwork((e.currentTarget as HTMLSelectElement).value as 'tcp' | 'udp')}>
          <option value="tcp">TCP</option>
          <option value="udp">UDP</option>
        </select>
        <button type="submit" class="primary" disabled={action.busy}>
          {t('rules.matchGo')}
        </button>
      </div>
      <ErrorBox error={action.error} />
      {result && (
        <p data-testid="match-result" aria-live="polite">
          {result.rule
            ? t('rules.matchResult', { target: result.target, rule: result.payload ? `${result.rule},${result.payload}` : result.rule, index: result.index })
            : t('rules.matchNone', { target: result.target })}
          {result.chain.length > 0 && <span class="muted"> · {result.chain.join(' → ')}</span>}
        </p>
      )}
    </form>
  );
}
