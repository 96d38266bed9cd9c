import { testGuide } from '@commlab/lab-runner/guide-suite';

testGuide('05-messaging');
