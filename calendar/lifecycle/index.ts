export { transition, transitions, type LifecycleAction, type TransitionContext } from './transitions.ts';
