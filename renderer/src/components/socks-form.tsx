// Add or edit a SOCKS5 upstream (server, port, optional user/password, UDP)
// and optionally add it to a select group, in one POST /configs/edit.
import { useState } from 'preact/hooks';
import type { ApiConfigEditOp } from '../../../main/controller/api-types.js';
import type { ShownError } from '../hooks/use-resource.js';
import { useI18n } from '../i18n/context.js';
import { ErrorBox } from './error-box.js';

export interface SocksFields {
  name: string;
  server: string;
  port: string;
  username: string;
  password: string;
  udp: boolean;
}

export const EMPTY_SOCKS: SocksFields = { name: '', server: '', port: '1080', username: '', password: '', udp: true };

/** The edit ops for the form: put the proxy, then join the group (if any). */
export function socksOps(f: SocksFields, group: string): ApiConfigEditOp[] {
  const proxy: Extract<ApiConfigEditOp, { op: 'proxy.put' }>['proxy'] = {
    name: f.name.trim(), type: 'socks5', server: f.server.trim(), port: Number.parseInt(f.port, 10), udp: f.udp,
    ...(f.username.trim() ? { username: f.username.trim() } : {}),
    ...(f.password ? { password: f.password } : {}),
  };
  return [{ op: 'proxy.put', proxy }, ...(group ? [{ op: 'group.add-member' as const, group, name: proxy.name }] : [])];
}

export function SocksForm(props: {
  initial: SocksFields | null;
  groups: readonly string[];
  busy: boolean;
  error: ShownError | null;
  onSubmit: (ops: ApiConfigEditOp[]) => Promise<boolean>;
  onCancel?: () => void;
}) {
  const { t } = useI18n();
  // The caller keys this form by the proxy being edited, so the fields start from it on the first render.
  const [f, setF] = useState<SocksFields>(props.initial ?? EMPTY_SOCKS);
  const [group, setGroup] = useState('');
  const set = (k: keyof SocksFields) => (e: Event) => {
    const el = e.currentTarget as HTMLInputElement;
    setF({ ...f, [k]: el.type === 'checkbox' ? el.checked : el.value });
  };
  const editing = props.initial !== null && props.initial.name !== '';
  return (
    <form
      class="card"
      aria-labelledby="h-socks"
      data-testid="socks-form"
      onSubmit={(e) => {
        e.preventDefault();
        void props.onSubmit(socksOps(f, group)).then((ok) => ok && !editing && setF(EMPTY_SOCKS));
      }}
    >
      <h2 id="h-socks">{editing ? t('proxies.editSocks', { name: f.name }) : t('proxies.addSocks')}</h2>
      <div class="toolbar">
        <input required aria-label={t('proxies.name')} placeholder={t('proxies.name')} value={f.name} readOnly={editing} onInput={set('name')} data-testid="socks-name" />
        <input class="grow" required aria-label={t('proxies.server')} placeholder={t('proxies.serverHint')} value={f.server} onInput={set('server')} data-testid="socks-server" />
        <input class="narrow" required type="number" min={1} max={65535} aria-label={t('proxies.port')} value={f.port} onInput={set('port')} data-testid="socks-port" />
      </div>
      <div class="toolbar">
        <input aria-label={t('proxies.username')} placeholder={t('proxies.username')} value={f.username} onInput={set('username')} autocomplete="off" />
        <input type="password" aria-label={t('proxies.password')} placeholder={t('proxies.password')} value={f.password} onInput={set('password')} autocomplete="new-password" />
        <label class="inline">
          <input type="checkbox" checked={f.udp} onChange={set('udp')} /> {t('proxies.udp')}
        </label>
        <select aria-label={t('proxies.addToGroup')} value={group} onChange={(e) => setGroup((e.currentTarget as HTMLSelectElement).value)} data-testid="socks-group">
          <option value="">{t('proxies.noGroup')}</option>
          {props.groups.map((g) => (
            <option value={g}>{t('proxies.toGroup', { group: g })}</option>
          ))}
        </select>
        <button type="submit" class="primary" disabled={props.busy} data-testid="socks-save">
          {editing ? t('rules.save') : t('proxies.add')}
        </button>
        {props.onCancel && editing && (
          <button type="button" onClick={props.onCancel}>
            {t('common.cancel')}
          </button>
        )}
      </div>
      <ErrorBox error={props.error} />
    </form>
  );
}
