import { testGuide } from '@commlab/lab-runner/guide-suite';

testGuide('06-websockets');
