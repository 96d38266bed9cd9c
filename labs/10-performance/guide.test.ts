import { testGuide } from '@commlab/lab/guide-suite';

// The guide's steps run `pnpm lab bench <experiment>`, which starts the services it measures
// itself, on free ports — processes, or containers when COMMLAB_LAB_TARGET=compose — so this
// suite starts no lab. Short mode (COMMLAB_BENCH_SHORT=1): a fraction of a second per run,
// enough to prove each experiment works end to end against real services and brokers, not to
// measure. In containers a step also builds no image: the Compose check has built them.
testGuide('10-performance', {
  stepsStartTheirOwn: { env: { COMMLAB_BENCH_SHORT: '1', NO_COLOR: '1' }, timeoutMs: 240_000 },
});
