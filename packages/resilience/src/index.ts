export { ResilienceConfig, ResilienceSchema, type ResilienceSettings } from './config.ts';
export { RetryBudget } from './retry-budget.ts';
export {
  callPolicy,
  type BreakerState,
  type CallPolicy,
  type CallPolicyOptions,
  type PolicyReport,
} from './call-policy.ts';
