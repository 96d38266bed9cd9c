import { testGuide } from '@commlab/lab/guide-suite';

testGuide('01-tour');
