import { describe, expect, it } from "vitest";
import { latestLoader } from "./latest";

/** A fetch whose answers the test hands out by hand, in any order. */
function manual<T>() {
  const waiting: { resolve: (v: T) => void; reject: (e: unknown) => void }[] = [];
  const fetch = () => new Promise<T>((resolve, reject) => waiting.push({ resolve, reject }));
  return { fetch, waiting };
}

describe("latestLoader", () => {
  it("hands on an answer", async () => {
    const seen: string[] = [];
    const loader = latestLoader(async () => "a", (v) => seen.push(v), () => seen.push("error"));
    await loader.load();
    expect(seen).toEqual(["a"]);
  });

  it("drops an older answer that arrives after a newer one", async () => {
    const { fetch, waiting } = manual<string>();
    const seen: string[] = [];
    const loader = latestLoader(fetch, (v) => seen.push(v), () => seen.push("error"));
    const first = loader.load();
    const second = loader.load();
    waiting[1]!.resolve("new");
    await second;
    waiting[0]!.resolve("old");
    await first;
    expect(seen).toEqual(["new"]);
  });

  it("reports only the newest load's error", async () => {
    const { fetch, waiting } = manual<string>();
    const errors: unknown[] = [];
    const loader = latestLoader(fetch, () => {}, (e) => errors.push(e));
    const first = loader.load();
    const second = loader.load();
    waiting[0]!.reject(new Error("old"));
    await first;
    expect(errors).toEqual([]);
    waiting[1]!.reject(new Error("new"));
    await second;
    expect(errors).toEqual([new Error("new")]);
  });

  it("drops what a load started before a confirmed change brings", async () => {
    const { fetch, waiting } = manual<string>();
    const seen: string[] = [];
    const loader = latestLoader(fetch, (v) => seen.push(v), () => seen.push("error"));
    const pending = loader.load();
    loader.supersede();
    waiting[0]!.resolve("before the change");
    await pending;
    expect(seen).toEqual([]);
    const next = loader.load();
    waiting[1]!.resolve("after");
    await next;
    expect(seen).toEqual(["after"]);
  });
});
