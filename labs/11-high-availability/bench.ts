import type { LabBenchmarks } from '@commlab/bench';
import { replication } from './experiments/replication.ts';

// `pnpm lab bench replication`: the single broker and node beside the clusters, same machine,
// same run. It drives the brokers with the bench drivers itself, so it starts no lab service.
export const experiments: LabBenchmarks['experiments'] = [{ ...replication, services: [] }];
