import { testGuide } from '@commlab/lab/guide-suite';

testGuide('02-sync-vs-async');
