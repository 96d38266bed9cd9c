import { testGuide } from '@commlab/lab-runner/guide-suite';

testGuide('02-sync-vs-async');
