// uPlot, loaded when the first chart draws (it is not needed before Reports opens).
//
// uPlot makes a number format from the browser's language as it loads. A webview started with LANG=C (as in a bare
// container or a CI runner) says its language is "C", which Intl refuses with a RangeError, and the import would
// fail. For that moment the language reads "en-US"; the charts format every number themselves anyway.

import type uPlot from "uplot";

/** Whether Intl accepts this language tag. */
export function usableLanguage(language: string | undefined): boolean {
  if (!language) return false;
  try {
    new Intl.NumberFormat(language);
    return true;
  } catch {
    return false;
  }
}

let loading: Promise<typeof uPlot> | null = null;

export function loadUPlot(): Promise<typeof uPlot> {
  loading ??= (async () => {
    let shadow = false;
    if (!usableLanguage(navigator.language)) {
      try {
        Object.defineProperty(navigator, "language", { value: "en-US", configurable: true });
        shadow = true;
      } catch (e) {
        console.error("Earshot: could not give the charts a usable language", e);
      }
    }
    try {
      return (await import("uplot")).default;
    } finally {
      if (shadow) Reflect.deleteProperty(navigator, "language");
    }
  })();
  // A failed load may be tried again (the next chart, or the next visit).
  loading.catch(() => (loading = null));
  return loading;
}
