export { transition, applyTransition, transitions, type LifecycleAction, type TransitionContext } from './transitions.ts';
export { extendDuration, reschedule, concludeExperiment } from './commands.ts';
export {
  tick, startScheduler, startSchedulerWhenLeader, schedulerIntervalMs, SCHEDULER_ACTOR, type TickResult, type SchedulerHandle,
  type LeaderSchedulerHandle
} from './scheduler.ts';
export { onExperimentChanged, notifyExperimentChanged } from './change-hooks.ts';
export {
  registrationGap, startReadiness, changedFields, RegistrationMissingError, defaultAnalysisPlan,
  type RegistrationView, type StartReadiness, type RegisteredPlan
} from './registration.ts';
