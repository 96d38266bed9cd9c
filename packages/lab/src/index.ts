// What a labs/NN-name/lab.ts imports.
export {
  defineLab,
  type EventBus,
  type Infra,
  type LabDefinition,
  type LabService,
  type RunOptions,
  type ServiceDefaults,
} from './define.ts';
