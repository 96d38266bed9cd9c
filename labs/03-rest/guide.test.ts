import { testGuide } from '@commlab/lab/guide-suite';

testGuide('03-rest');
