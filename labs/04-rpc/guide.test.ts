import { testGuide } from '@commlab/lab/guide-suite';

testGuide('04-rpc');
