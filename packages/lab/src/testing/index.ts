// What a lab's tests import: the lab under test, in either run mode.
export { matchesExpected, matchesStep, type GuideStep } from './guide.ts';
export { labForThisFile, type LabForFile } from './lab-for-file.ts';
export { startExtraService, type ExtraService } from './extra-service.ts';
export { faultsFileOf } from '../faults.ts';
export {
  guideOf,
  labTarget,
  runStep,
  startLab,
  type LabTarget,
  type LabUnderTest,
  type StartLabOptions,
} from './start-lab.ts';
