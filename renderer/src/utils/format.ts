// Locale-aware formatting through Intl: numbers, byte sizes, speeds, durations
// and relative times. Pure; formatters are cached per locale.

const cache = new Map<string, Intl.NumberFormat>();
function nf(locale: string, opts: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${locale}|${JSON.stringify(opts)}`;
  let f = cache.get(key);
  if (!f) cache.set(key, (f = new Intl.NumberFormat(locale, opts)));
  return f;
}

const BYTE_UNITS = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte', 'petabyte'] as const;

/** Picks the unit so the value is below 1000 (SI units, as Intl names them). */
function scale(n: number): { value: number; unit: (typeof BYTE_UNITS)[number] } {
  let i = 0;
  let v = Math.abs(n);
  while (v >= 1000 && i < BYTE_UNITS.length - 1) {
    v /= 1000;
    i++;
  }
  return { value: Math.sign(n) * v, unit: BYTE_UNITS[i]! };
}

export function formatNumber(n: number, locale: string): string {
  return nf(locale, { maximumFractionDigits: 0 }).format(n);
}

/** `1234567` → `1.23 MB` (en) / `1.23MB` (zh-CN). */
export function formatBytes(n: number, locale: string): string {
  if (!Number.isFinite(n)) return '—';
  const { value, unit } = scale(n);
  // 'narrow' for plain bytes: en's short form spells out "byte".
  return nf(locale, { style: 'unit', unit, unitDisplay: unit === 'byte' ? 'narrow' : 'short', maximumFractionDigits: unit === 'byte' ? 0 : value < 10 ? 2 : 1 }).format(value);
}

/** Bytes per second → `1.2 MB/s`. */
export function formatSpeed(bytesPerSecond: number, locale: string): string {
  if (!Number.isFinite(bytesPerSecond)) return '—';
  const { value, unit } = scale(bytesPerSecond);
  return nf(locale, { style: 'unit', unit: `${unit}-per-second`, unitDisplay: unit === 'byte' ? 'narrow' : 'short', maximumFractionDigits: unit === 'byte' ? 0 : 1 }).format(value);
}

/** Milliseconds → `1 hr 2 min` / `3 min 4 sec` / `5 sec` (two largest units, Intl unit names). */
export function formatDuration(ms: number, locale: string): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const parts: [number, 'day' | 'hour' | 'minute' | 'second'][] = [
    [Math.floor(total / 86400), 'day'],
    [Math.floor((total % 86400) / 3600), 'hour'],
    [Math.floor((total % 3600) / 60), 'minute'],
    [total % 60, 'second'],
  ];
  const first = parts.findIndex(([v]) => v > 0);
  const shown = first === -1 ? [parts[3]!] : parts.slice(first, first + 2).filter(([v], i) => i === 0 || v > 0);
  return shown.map(([v, unit]) => nf(locale, { style: 'unit', unit, unitDisplay: 'short' }).format(v)).join(' ');
}

/** A past or future instant relative to `now`: `5 minutes ago` / `5分钟前`. */
export function formatRelative(when: Date | string | number, now: number, locale: string): string {
  const t = new Date(when).getTime();
  if (!Number.isFinite(t) || t <= 0) return '—';
  const diff = (t - now) / 1000;
  const abs = Math.abs(diff);
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  if (abs < 60) return rtf.format(Math.round(diff), 'second');
  if (abs < 3600) return rtf.format(Math.round(diff / 60), 'minute');
  if (abs < 86400) return rtf.format(Math.round(diff / 3600), 'hour');
  return rtf.format(Math.round(diff / 86400), 'day');
}

/** Milliseconds of latency: `123 ms`. */
export function formatLatency(ms: number, locale: string): string {
  return nf(locale, { style: 'unit', unit: 'millisecond', unitDisplay: 'short' }).format(ms);
}
