import { testGuide } from '@commlab/lab/guide-suite';

testGuide('14-observability');
