// The last 5 minutes of /traffic (one frame per second) as chart series.
import { useState } from 'preact/hooks';
import type { ApiTraffic } from '../../../main/controller/api-types.js';
import { useStream } from './use-stream.js';
import { appendTraffic, type TrafficSeries } from '../utils/traffic.js';

export function useTraffic() {
  const [series, setSeries] = useState<TrafficSeries>({ t: [], up: [], down: [] });
  const [last, setLast] = useState<ApiTraffic | null>(null);
  const status = useStream<ApiTraffic>('/traffic', (batch) => {
    setSeries((s) => appendTraffic(s, batch, Math.floor(Date.now() / 1000)));
    setLast(batch[batch.length - 1] ?? null);
  });
  return { series, last, status };
}
