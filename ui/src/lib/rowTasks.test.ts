import { describe, expect, it } from "vitest";
import type { Progress } from "../bindings";
import { ApiFailure } from "./api";
import { RowTasks } from "./rowTasks.svelte";

const progress: Progress = { phase: "Fetching mentions", done: 1, total: 3 };

describe("RowTasks.run", () => {
  it("shows progress while the task runs, then its summary", async () => {
    const tasks = new RowTasks();
    const seen: (string | null)[] = [];
    let finish: (n: number) => void = () => {};
    const running = tasks.run(
      (onProgress) =>
        new Promise<number>((resolve) => {
          seen.push(tasks.progress);
          onProgress(progress);
          seen.push(tasks.progress);
          finish = resolve;
        }),
      (n) => ({ text: `${n} new`, ok: true }),
    );
    finish(2);
    await running;
    expect(seen).toEqual(["Starting…", "Fetching mentions — 1 of 3"]);
    expect(tasks.progress).toBeNull();
    expect(tasks.note).toEqual({ text: "2 new", ok: true });
  });

  it("says why the task failed", async () => {
    const tasks = new RowTasks();
    await tasks.run(
      () => Promise.reject(new ApiFailure("The server could not be reached.", "network")),
      () => ({ text: "never", ok: true }),
    );
    expect(tasks.note).toEqual({ text: "The server could not be reached.", ok: false });
    expect(tasks.progress).toBeNull();
  });

  it("does not start a second task while one runs", async () => {
    const tasks = new RowTasks();
    let calls = 0;
    let finish: () => void = () => {};
    const first = tasks.run(
      () => {
        calls++;
        return new Promise<void>((resolve) => (finish = resolve));
      },
      () => ({ text: "done", ok: true }),
    );
    const second = await tasks.run(
      () => {
        calls++;
        return Promise.resolve();
      },
      () => ({ text: "second", ok: true }),
    );
    expect(second).toBe(false);
    finish();
    expect(await first).toBe(true);
    expect(calls).toBe(1);
    expect(tasks.note).toEqual({ text: "done", ok: true });
  });

  it("clears the last note when a task starts", async () => {
    const tasks = new RowTasks();
    tasks.note = { text: "old", ok: false };
    let seen: unknown = "unset";
    await tasks.run(
      () => {
        seen = tasks.note;
        return Promise.resolve();
      },
      () => ({ text: "new", ok: true }),
    );
    expect(seen).toBeNull();
  });
});

describe("RowTasks.remove", () => {
  it("is true once removed, and stays removing", async () => {
    const tasks = new RowTasks();
    expect(await tasks.remove(() => Promise.resolve())).toBe(true);
    expect(tasks.removing).toBe(true);
    expect(tasks.note).toBeNull();
  });

  it("says why it was not removed, and can be tried again", async () => {
    const tasks = new RowTasks();
    expect(await tasks.remove(() => Promise.reject(new ApiFailure("The store is busy.", "storage")))).toBe(false);
    expect(tasks.removing).toBe(false);
    expect(tasks.note).toEqual({ text: "The store is busy.", ok: false });
  });

  it("does not remove twice at once", async () => {
    const tasks = new RowTasks();
    let calls = 0;
    let finish: () => void = () => {};
    const first = tasks.remove(() => {
      calls++;
      return new Promise<void>((resolve) => (finish = resolve));
    });
    expect(await tasks.remove(() => Promise.resolve(calls++))).toBe(false);
    finish();
    expect(await first).toBe(true);
    expect(calls).toBe(1);
  });
});
