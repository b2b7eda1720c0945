// `switchyard check` support: validate every proxy provider without the
// network — inline payloads (already checked by config/), file providers'
// files (errors), http providers' last good copies (a missing or broken copy
// is a warning: the engine starts empty and downloads it).
import { readFile } from 'node:fs/promises';
import { SyError, isSyError } from '../core/errors.js';
import type { ProxyProviderConfig } from '../config/types.js';
import { parseProxyProviderBody, applyOverride, filterProxies } from '../config/proxy-provider-body.js';

export interface ProxyProviderCheck {
  readonly errors: readonly SyError[];
  readonly warnings: readonly SyError[];
  /** provider name -> proxies it would load now */
  readonly counts: Readonly<Record<string, number>>;
}

export async function checkProxyProviders(configs: Readonly<Record<string, ProxyProviderConfig>>): Promise<ProxyProviderCheck> {
  const errors: SyError[] = [];
  const warnings: SyError[] = [];
  const counts: Record<string, number> = {};
  await Promise.all(
    Object.values(configs).map(async (cfg) => {
      if (cfg.type === 'inline') {
        counts[cfg.name] = applyOverride(filterProxies(cfg.payload, cfg), cfg.override).length;
        return;
      }
      try {
        const text = await readFile(cfg.path, 'utf8').catch((cause: unknown) => {
          throw new SyError('SY_ERR_PROXY_PROVIDER_READ', { where: cfg.where || cfg.name, value: cfg.path, cause });
        });
        const body = parseProxyProviderBody(text, cfg.path, cfg);
        warnings.push(...body.warnings);
        counts[cfg.name] = body.proxies.length;
      } catch (e) {
        const err = isSyError(e) ? e : new SyError('SY_ERR_PROXY_PROVIDER_READ', { where: cfg.where || cfg.name, cause: e });
        counts[cfg.name] = 0;
        if (cfg.type === 'file') errors.push(err);
        else warnings.push(err); // http: downloaded at start
      }
    }),
  );
  return { errors, warnings, counts };
}
