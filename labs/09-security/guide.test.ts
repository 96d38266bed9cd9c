import { testGuide } from '@commlab/lab/guide-suite';

testGuide('09-security');
