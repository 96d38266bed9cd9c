import { testGuide } from '@commlab/lab-runner/guide-suite';

testGuide('03-rest');
