// The last 5 minutes of /traffic (one frame per second) as chart series.
import { useState } from 'preact/hooks';
import type { ApiTraffic } from '../../../main/controller/api-types.js';
import { useStream } from './use-stream.js';
import type { TrafficSeries } from '../components/traffic-chart.js';

export const TRAFFIC_WINDOW_S = 300;

/** Appends frames to a series, keeping the last `window` samples (new arrays: uPlot and Preact see a change). */
export function appendTraffic(s: TrafficSeries, frames: readonly ApiTraffic[], nowS: number, window = TRAFFIC_WINDOW_S): TrafficSeries {
  const t = s.t.slice();
  const up = s.up.slice();
  const down = s.down.slice();
  frames.forEach((f, i) => {
    t.push(nowS - (frames.length - 1 - i));
    up.push(f.up);
    down.push(f.down);
  });
  const drop = Math.max(0, t.length - window);
  return { t: t.slice(drop), up: up.slice(drop), down: down.slice(drop) };
}

export function useTraffic() {
  const [series, setSeries] = useState<TrafficSeries>({ t: [], up: [], down: [] });
  const [last, setLast] = useState<ApiTraffic | null>(null);
  const status = useStream<ApiTraffic>('/traffic', (batch) => {
    setSeries((s) => appendTraffic(s, batch, Math.floor(Date.now() / 1000)));
    setLast(batch[batch.length - 1] ?? null);
  });
  return { series, last, status };
}
