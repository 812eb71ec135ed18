/**
 * Listeners told when an experiment's status or configuration changes, e.g. the assignment
 * API's config cache. Module state: the UI's form actions and the API load this same module
 * (the build keeps calendar/ external, vite.config.ts), so a change made in the UI reaches the
 * API's cache.
 */
type Listener = (experimentKey: string) => void;
const registered = new Set<Listener>();

function listeners(): Set<Listener> {
  return registered;
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
