// What a row of the Accounts dialog (an account, a listening source) is doing and what it last did: its long task
// with progress (Sync now, Fetch now), its removal (Disconnect, Remove), and the note either leaves for its status.

import type { Progress } from "../bindings";
import { userMessage } from "./api";
import { progressText } from "./progress";

/** What the row's last action did, in words; not ok is shown as a problem. */
export type Note = { text: string; ok: boolean };

export class RowTasks {
  /** The long task's progress in words while it runs; null when it does not. */
  progress = $state<string | null>(null);
  /** What the last action from this row did; null when there is nothing to say. */
  note = $state<Note | null>(null);
  /** The row is being removed: its remove button waits. */
  removing = $state(false);

  /**
   * Runs the long task, one at a time: its progress while it runs, then what it did (or why it failed). False when
   * one was already running, and this one did not start.
   */
  async run<R>(task: (onProgress: (p: Progress) => void) => Promise<R>, summary: (report: R) => Note): Promise<boolean> {
    if (this.progress !== null) return false;
    this.progress = "Starting…";
    this.note = null;
    try {
      const report = await task((p) => {
        if (this.progress !== null) this.progress = progressText(p);
      });
      this.note = summary(report);
    } catch (e) {
      this.note = { text: userMessage(e), ok: false };
    } finally {
      this.progress = null;
    }
    return true;
  }

  /** Removes the row's account or source, once: true when it is gone; when not, the note says why. */
  async remove(task: () => Promise<unknown>): Promise<boolean> {
    if (this.removing) return false;
    this.removing = true;
    this.note = null;
    try {
      await task();
      return true;
    } catch (e) {
      this.note = { text: userMessage(e), ok: false };
      this.removing = false;
      return false;
    }
  }
}
