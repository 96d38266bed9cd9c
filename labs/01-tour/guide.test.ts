import { testGuide } from '@commlab/lab-runner/guide-suite';

testGuide('01-tour');
