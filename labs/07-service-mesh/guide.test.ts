import { beforeAll, vi } from 'vitest';
import { testGuide } from '@commlab/lab/guide-suite';
import { issueLabCertificates } from './certificates.ts';
import { meshSuite } from './mesh-suite.ts';

// Seven processes start one after another, on a busy machine more slowly than other labs' four;
// sidecars in containers read the certificates the host issued, so they are issued first.
vi.setConfig({ hookTimeout: 360_000 });
beforeAll(issueLabCertificates);

testGuide('07-service-mesh');
// In this file, not one of its own: each starts a lab, and one file's labs start one at a time.
meshSuite();
