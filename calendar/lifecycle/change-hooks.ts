/**
 * Listeners told when an experiment's status or configuration changes, e.g. the assignment
 * API's config cache. Held on `globalThis` so the API and the SvelteKit bundle (a second copy
 * of this module in the same process) share them.
 */
type Listener = (experimentKey: string) => void;
const listenersKey = Symbol.for('weekly-experiments.experiment-change-listeners');

function listeners(): Set<Listener> {
  const holder = globalThis as unknown as Record<symbol, Set<Listener> | undefined>;
  return (holder[listenersKey] ??= new Set());
}

/**
 * Registers a listener; returns a function that removes it.
 * @example const off = onExperimentChanged((key) => cache.delete(key));
 */
export function onExperimentChanged(listener: Listener): () => void {
  listeners().add(listener);
  return () => listeners().delete(listener);
}

/** Tells every listener that `experimentKey` changed. A failing listener does not stop the others. */
export function notifyExperimentChanged(experimentKey: string): void {
  for (const listener of listeners()) {
    try { listener(experimentKey); } catch (err) { console.error('experiment change listener failed', err); }
  }
}
