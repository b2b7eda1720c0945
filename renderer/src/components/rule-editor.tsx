// The rule form of the Rules page: add a rule at a position, or replace the
// rule being edited. The line is checked by the core (a full config load);
// its located message is shown right under the form.
import { useState } from 'preact/hooks';
import type { ShownError } from '../hooks/use-resource.js';
import { useI18n } from '../i18n/context.js';
import { ErrorBox } from './error-box.js';
import { RESOLVING, RULE_TYPES, buildRuleLine, splitRuleLine, type RuleFields } from '../utils/rule-line.js';

export interface RuleEdit {
  /** null = a new rule */
  index: number | null;
  line: string;
}

const EMPTY: RuleFields = { type: 'DOMAIN-SUFFIX', payload: '', target: 'DIRECT', noResolve: false };

export function RuleEditor(props: {
  edit: RuleEdit | null;
  targets: readonly string[];
  count: number;
  busy: boolean;
  error: ShownError | null;
  onSubmit: (index: number | null, line: string, position: number) => void;
  onCancel: () => void;
}) {
  const { t } = useI18n();
  // The caller keys this form by the rule being edited, so the fields start from it on the first render.
  const [f, setF] = useState<RuleFields>(() => (props.edit ? splitRuleLine(props.edit.line) : EMPTY));
  const [position, setPosition] = useState('0');
  const set = (k: keyof RuleFields) => (e: Event) => {
    const el = e.currentTarget as HTMLInputElement;
    setF({ ...f, [k]: el.type === 'checkbox' ? el.checked : el.value });
  };
  const targets = props.targets.includes(f.target) || !f.target ? props.targets : [f.target, ...props.targets];
  const editing = props.edit?.index ?? null;
  return (
    <form
      class="card"
      aria-labelledby="h-rule-edit"
      data-testid="rule-editor"
      onSubmit={(e) => {
        e.preventDefault();
        const pos = Math.max(0, Math.min(props.count, Number.parseInt(position, 10) || 0));
        props.onSubmit(editing, buildRuleLine(f), pos);
      }}
    >
      <h2 id="h-rule-edit">{editing === null ? t('rules.addTitle') : t('rules.editTitle', { index: editing })}</h2>
      <div class="toolbar">
        <select aria-label={t('rules.type')} value={f.type} onChange={set('type')} data-testid="rule-type">
          {(RULE_TYPES as readonly string[]).includes(f.type) ? null : <option value={f.type}>{f.type}</option>}
          {RULE_TYPES.map((x) => (
            <option value={x}>{x}</option>
          ))}
        </select>
        {f.type !== 'MATCH' && (
          <input class="grow" required aria-label={t('rules.payload')} placeholder={t('rules.payloadHint')} value={f.payload} onInput={set('payload')} data-testid="rule-payload" />
        )}
        <select aria-label={t('rules.target')} value={f.target} onChange={set('target')} data-testid="rule-target">
          {targets.map((x) => (
            <option value={x}>{x}</option>
          ))}
        </select>
        {RESOLVING.has(f.type) && (
          <label class="inline">
            <input type="checkbox" checked={f.noResolve} onChange={set('noResolve')} /> {t('rules.noResolve')}
          </label>
        )}
        {editing === null && (
          <label class="inline">
            {t('rules.position')}
            <input class="narrow" type="number" min={0} max={props.count} value={position} onInput={(e) => setPosition((e.currentTarget as HTMLInputElement).value)} data-testid="rule-position" />
          </label>
        )}
        <button type="submit" class="primary" disabled={props.busy} data-testid="rule-save">
          {editing === null ? t('rules.add') : t('rules.save')}
        </button>
        {editing !== null && (
          <button type="button" onClick={props.onCancel}>
            {t('common.cancel')}
          </button>
        )}
      </div>
      <p class="muted small">{t('rules.preview', { line: buildRuleLine(f) })}</p>
      <ErrorBox error={props.error} />
    </form>
  );
}
