// A view the Accounts dialog fetches again and again (the listening sources, X's spend): only the newest answer is
// shown, so a slow old load never replaces a newer one, nor a change the engine confirmed since it started.

export interface LatestLoader {
  /** Fetches again; the answer is handed on only if no newer load or confirmed change came since. */
  load: () => Promise<void>;
  /** A change the engine confirmed is shown: every load started before it is stale. */
  supersede: () => void;
}

export function latestLoader<T>(
  fetch: () => Promise<T>,
  onvalue: (value: T) => void,
  onerror: (error: unknown) => void,
): LatestLoader {
  let loads = 0;
  return {
    async load() {
      const attempt = ++loads;
      let value: T;
      try {
        value = await fetch();
      } catch (e) {
        if (attempt === loads) onerror(e);
        return;
      }
      if (attempt === loads) onvalue(value);
    },
    supersede() {
      loads++;
    },
  };
}
