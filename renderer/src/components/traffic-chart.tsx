// Live up/down chart (uPlot): the last `seconds` samples, one per second.
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { useI18n } from '../i18n/context.js';
import { TRAFFIC_WINDOW_S, type TrafficSeries } from '../utils/traffic.js';


export function TrafficChart({ series }: { series: TrafficSeries }) {
  const { t, speed, locale } = useI18n();
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const clock = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
    const css = getComputedStyle(document.documentElement);
    const up = css.getPropertyValue('--up').trim() || '#d9822b';
    const down = css.getPropertyValue('--down').trim() || '#2b7bd9';
    const axis = css.getPropertyValue('--muted').trim() || '#888';
    const opts: uPlot.Options = {
      width: el.clientWidth || 600,
      height: 200,
      legend: { show: true },
      cursor: { drag: { x: false, y: false } },
      // Always the full window, so the first samples don't stretch over the whole width.
      scales: { x: { time: true, range: (_u, _min, max) => { const end = Number.isFinite(max) ? max : Math.floor(Date.now() / 1000); return [end - TRAFFIC_WINDOW_S, end]; } }, y: { range: (_u, _min, max) => [0, Math.max(1024, max * 1.1)] } },
      axes: [
        // Clock times through Intl (uPlot's own date labels are English-only).
        { stroke: axis, space: 90, grid: { stroke: 'rgba(128,128,128,0.15)' }, values: (_u, vals) => vals.map((v) => clock.format(v * 1000)) },
        { stroke: axis, size: 80, values: (_u, vals) => vals.map((v) => speed(v)), grid: { stroke: 'rgba(128,128,128,0.15)' } },
      ],
      series: [
        { label: t('overview.time'), value: (_u, v) => (v == null ? '—' : clock.format(v * 1000)) },
        { label: t('overview.upload'), stroke: up, width: 2, points: { show: false }, value: (_u, v) => (v == null ? '—' : speed(v)) },
        { label: t('overview.download'), stroke: down, width: 2, points: { show: false }, value: (_u, v) => (v == null ? '—' : speed(v)) },
      ],
    };
    plot.current = new uPlot(opts, [series.t, series.up, series.down], el);
    const ro = new ResizeObserver(() => plot.current?.setSize({ width: el.clientWidth, height: 200 }));
    ro.observe(el);
    return () => {
      ro.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
    // Recreated only when the language changes (labels); data flows through setData below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [t, locale]);

  useEffect(() => {
    plot.current?.setData([series.t, series.up, series.down]);
  }, [series]);

  return <div class="chart" ref={host} role="img" aria-label={t('overview.chartLabel')} />;
}
