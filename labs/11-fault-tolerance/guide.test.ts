import { testGuide } from '@commlab/lab/guide-suite';
import { ownFaultsFile } from './lab-client.ts';

ownFaultsFile();
testGuide('11-fault-tolerance');
