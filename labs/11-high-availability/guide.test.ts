import { testGuide } from '@commlab/lab/guide-suite';
import { kafkaCluster, rabbitMqCluster } from '@commlab/testkit';
import { clustersForThisFile } from './test-clusters.ts';

// The guide's steps read both clusters, so both run before the lab starts (and stop after,
// if this file started them).
clustersForThisFile(kafkaCluster(), rabbitMqCluster());
testGuide('11-high-availability');
