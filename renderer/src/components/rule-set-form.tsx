// Adding a rule set: a subscription by URL (behavior, format, interval), a
// file in the config home, or an inline list. Written to `rule-providers:`
// through POST /configs/edit; the core's message is shown under the form.
import { useState } from 'preact/hooks';
import type { ApiConfigEditOp } from '../../../main/controller/api-types.js';
import type { ShownError } from '../hooks/use-resource.js';
import { useI18n } from '../i18n/context.js';
import { ErrorBox } from './error-box.js';

type Kind = 'http' | 'file' | 'inline';
type Behavior = 'domain' | 'ipcidr' | 'classical';
type Format = 'yaml' | 'text' | 'mrs';

export function RuleSetForm(props: { busy: boolean; error: ShownError | null; onSubmit: (op: ApiConfigEditOp) => Promise<boolean> }) {
  const { t } = useI18n();
  const [kind, setKind] = useState<Kind>('http');
  const [name, setName] = useState('');
  const [behavior, setBehavior] = useState<Behavior>('domain');
  const [format, setFormat] = useState<Format>('yaml');
  const [url, setUrl] = useState('');
  const [path, setPath] = useState('');
  const [hours, setHours] = useState('24');
  const [payload, setPayload] = useState('');
  const val = (f: (v: string) => void) => (e: Event) => f((e.currentTarget as HTMLInputElement).value);
  const submit = async () => {
    const n = name.trim();
    const provider: Extract<ApiConfigEditOp, { op: 'rule-provider.put' }>['provider'] =
      kind === 'inline'
        ? { type: 'inline', behavior, payload: payload.split('\n').map((l) => l.trim()).filter(Boolean) }
        : kind === 'file'
          ? { type: 'file', behavior, format, path: path.trim() }
          : {
              type: 'http', behavior, format, url: url.trim(),
              interval: Math.max(0, Math.round((Number.parseFloat(hours) || 0) * 3600)),
              // The local copy lives in the config home's ruleset/ folder.
              path: `./ruleset/${n.replace(/[^\w.-]/g, '_')}.${format === 'text' ? 'txt' : format}`,
            };
    if (await props.onSubmit({ op: 'rule-provider.put', name: n, provider })) {
      setName('');
      setUrl('');
      setPayload('');
    }
  };
  return (
    <form class="card" aria-labelledby="h-set-add" data-testid="rule-set-form" onSubmit={(e) => (e.preventDefault(), void submit())}>
      <h2 id="h-set-add">{t('sets.addTitle')}</h2>
      <div class="toolbar">
        <select aria-label={t('sets.kind')} value={kind} onChange={val((v) => setKind(v as Kind))} data-testid="set-kind">
          <option value="http">{t('sets.kind.http')}</option>
          <option value="file">{t('sets.kind.file')}</option>
          <option value="inline">{t('sets.kind.inline')}</option>
        </select>
        <input required aria-label={t('sets.name')} placeholder={t('sets.name')} value={name} onInput={val(setName)} data-testid="set-name" />
        <select aria-label={t('sets.behavior')} value={behavior} onChange={val((v) => setBehavior(v as Behavior))} data-testid="set-behavior">
          <option value="domain">domain</option>
          <option value="ipcidr">ipcidr</option>
          <option value="classical">classical</option>
        </select>
        {kind !== 'inline' && (
          <select aria-label={t('sets.format')} value={format} onChange={val((v) => setFormat(v as Format))} data-testid="set-format">
            <option value="yaml">yaml</option>
            <option value="text">text</option>
            <option value="mrs">mrs</option>
          </select>
        )}
      </div>
      <div class="toolbar">
        {kind === 'http' && (
          <>
            <input class="grow" required type="url" aria-label={t('sets.url')} placeholder="https://…" value={url} onInput={val(setUrl)} data-testid="set-url" />
            <label class="inline">
              {t('sets.intervalHours')}
              <input class="narrow" type="number" min={0} step="any" value={hours} onInput={val(setHours)} />
            </label>
          </>
        )}
        {kind === 'file' && <input class="grow" required aria-label={t('sets.path')} placeholder="./ruleset/my.yaml" value={path} onInput={val(setPath)} data-testid="set-path" />}
        {kind === 'inline' && (
          <textarea rows={4} aria-label={t('sets.payload')} placeholder={t('sets.payloadHint')} value={payload} onInput={val(setPayload)} data-testid="set-payload" />
        )}
        <button type="submit" class="primary" disabled={props.busy} data-testid="set-add">
          {t('sets.add')}
        </button>
      </div>
      <ErrorBox error={props.error} />
    </form>
  );
}
