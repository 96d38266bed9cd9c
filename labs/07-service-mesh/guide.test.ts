import { beforeAll, vi } from 'vitest';
import { testGuide } from '@commlab/lab/guide-suite';
import { issueLabCertificates } from './certificates.ts';

// Seven processes start one after another (see mesh.test.ts); sidecars in containers read the
// certificates the host issued.
vi.setConfig({ hookTimeout: 360_000 });
beforeAll(issueLabCertificates);

testGuide('07-service-mesh');
