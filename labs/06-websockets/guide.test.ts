import { testGuide } from '@commlab/lab/guide-suite';

testGuide('06-websockets');
