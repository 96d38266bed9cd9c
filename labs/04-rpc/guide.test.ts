import { testGuide } from '@commlab/lab-runner/guide-suite';

testGuide('04-rpc');
