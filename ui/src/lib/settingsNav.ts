// Opening Settings at one of its sections from anywhere (the composer's "Set one in Settings → Profile"): a window
// event App listens for, so no component between them has to pass it on.

export type SettingsSection = "profile" | "handles" | "alerts" | "team";

export const OPEN_SETTINGS_EVENT = "earshot:open-settings";

export function openSettingsAt(section: SettingsSection): void {
  window.dispatchEvent(new CustomEvent<SettingsSection>(OPEN_SETTINGS_EVENT, { detail: section }));
}

/** The id of a section's heading in the Settings dialog, which gets focus when Settings opens there. */
export function sectionHeadingId(section: SettingsSection): string {
  return `settings-${section}-title`;
}
