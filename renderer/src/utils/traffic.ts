// The traffic chart's data: a sliding window of one sample per second. Pure.
import type { ApiTraffic } from '../../../main/controller/api-types.js';

export const TRAFFIC_WINDOW_S = 300;

export interface TrafficSeries {
  /** unix seconds */
  t: number[];
  up: number[];
  down: number[];
}

/** Appends frames (the last one at `nowS`) keeping the last `window` samples; returns new arrays so uPlot and Preact see a change. */
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
