import { testGuide } from '@commlab/lab/guide-suite';

testGuide('05-messaging');
