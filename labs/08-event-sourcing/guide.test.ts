import { vi } from 'vitest';
import { testGuide } from '@commlab/lab/guide-suite';

// Started in containers on a busy machine, the lab can take longer than the default 90 s to be healthy.
vi.setConfig({ hookTimeout: 240_000 });

testGuide('08-event-sourcing');
