import type { LabBenchmarks } from '@commlab/bench';
import { batching } from './experiments/batching.ts';
import { caching } from './experiments/caching.ts';
import { compression } from './experiments/compression.ts';
import { connections } from './experiments/connections.ts';
import { http2 } from './experiments/http2.ts';
import { latency } from './experiments/latency.ts';
import { overhead } from './experiments/overhead.ts';
import { payload } from './experiments/payload.ts';
import { rpc } from './experiments/rpc.ts';

// The experiments `pnpm lab bench <name>` runs, in the guide's order, each with the lab services
// it measures (the bench starts those, and what they call, on free ports; none for those that
// measure bare servers, brokers or encoders only).
export const experiments: LabBenchmarks['experiments'] = [
  { ...latency, services: ['order'] },
  { ...connections, services: ['order'] },
  { ...http2, services: [] },
  { ...compression, services: [] },
  { ...payload, services: [] },
  { ...rpc, services: ['inventory'] },
  { ...batching, services: [] },
  { ...caching, services: ['order'] },
  { ...overhead, services: ['order'] },
];
