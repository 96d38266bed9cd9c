import { testGuide } from '@commlab/lab/guide-suite';

testGuide('08-event-sourcing');
