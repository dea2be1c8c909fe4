import { describe, expect, it } from "vitest";
import { RowCache, type Ticket } from "./rowCache";

type R = { id: string };

/** A fake server list of `n` rows with ids r0..r(n-1). */
function server(n: number) {
  let rows: R[] = Array.from({ length: n }, (_, i) => ({ id: `r${i}` }));
  return {
    page(t: Ticket) {
      return { total: rows.length, rows: rows.slice(t.offset, t.offset + t.limit) };
    },
    remove(id: string) {
      rows = rows.filter((r) => r.id !== id);
    },
    get rows() {
      return rows;
    },
  };
}

/** Fetches until nothing in `[start, end)` is missing (the first round may only learn the total). */
function loadAll(cache: RowCache<R>, s: ReturnType<typeof server>, start: number, end: number) {
  for (let round = 0; round < 3; round++) {
    const chunks = cache.needed(start, end);
    if (chunks.length === 0) return;
    for (const c of chunks) {
      const t = cache.begin(c);
      cache.complete(t, s.page(t));
    }
  }
}

describe("RowCache", () => {
  it("asks for the first chunk before the total is known", () => {
    const cache = new RowCache<R>({ chunkSize: 100 });
    expect(cache.total).toBeNull();
    expect(cache.needed(0, 0)).toEqual([0]);
    const t = cache.begin(0);
    expect(t).toEqual({ chunk: 0, offset: 0, limit: 100, generation: 0 });
    expect(cache.needed(0, 0)).toEqual([]); // in flight
    expect(cache.inFlightCount).toBe(1);
  });

  it("stores a page by absolute index and learns the total", () => {
    const s = server(100_000);
    const cache = new RowCache<R>({ chunkSize: 100 });
    const t = cache.begin(0);
    expect(cache.complete(t, s.page(t))).toBe(true);
    expect(cache.total).toBe(100_000);
    expect(cache.get(0)?.id).toBe("r0");
    expect(cache.get(99)?.id).toBe("r99");
    expect(cache.get(100)).toBeUndefined();
    expect(cache.isComplete(0)).toBe(true);
    expect(cache.inFlightCount).toBe(0);
  });

  it("asks only for the chunks of the visible range that are missing", () => {
    const s = server(100_000);
    const cache = new RowCache<R>({ chunkSize: 100 });
    loadAll(cache, s, 0, 0);
    expect(cache.needed(0, 30)).toEqual([]);
    expect(cache.needed(90, 230)).toEqual([1, 2]);
    const t1 = cache.begin(1);
    expect(cache.needed(90, 230)).toEqual([2]);
    cache.complete(t1, s.page(t1));
    expect(cache.get(150)?.id).toBe("r150");
    // Deep in the list: only that neighbourhood.
    expect(cache.needed(49_990, 50_020)).toEqual([499, 500]);
  });

  it("clamps to the total and handles the last, short chunk", () => {
    const s = server(250);
    const cache = new RowCache<R>({ chunkSize: 100 });
    loadAll(cache, s, 0, 0);
    expect(cache.needed(180, 400)).toEqual([1, 2]);
    loadAll(cache, s, 180, 400);
    expect(cache.isComplete(2)).toBe(true);
    expect(cache.get(249)?.id).toBe("r249");
    expect(cache.needed(0, 400)).toEqual([]);
  });

  it("drops answers from an older generation", () => {
    const s = server(500);
    const cache = new RowCache<R>({ chunkSize: 100 });
    const old = cache.begin(0);
    cache.reset();
    expect(cache.complete(old, s.page(old))).toBe(false);
    expect(cache.get(0)).toBeUndefined();
    expect(cache.total).toBeNull();
    expect(cache.fail(old)).toBe(false);
  });

  it("does not ask again for a failed chunk until retried or refreshed", () => {
    const s = server(500);
    const cache = new RowCache<R>({ chunkSize: 100 });
    loadAll(cache, s, 0, 0);
    const t = cache.begin(1);
    expect(cache.fail(t)).toBe(true);
    expect(cache.hasFailed(1)).toBe(true);
    expect(cache.needed(0, 200)).toEqual([]);
    cache.retryFailed();
    expect(cache.needed(0, 200)).toEqual([1]);
    cache.begin(1);
    cache.invalidate();
    expect(cache.needed(0, 200)).toEqual([0, 1]);
  });

  it("keeps stale rows visible after invalidate until fresh ones arrive", () => {
    const s = server(300);
    const cache = new RowCache<R>({ chunkSize: 100 });
    loadAll(cache, s, 0, 300);
    cache.invalidate(0);
    expect(cache.get(5)?.id).toBe("r5");
    expect(cache.isFresh(5)).toBe(false);
    expect(cache.needed(0, 150)).toEqual([0, 1]);
    s.remove("r0");
    const t = cache.begin(0);
    cache.complete(t, s.page(t));
    expect(cache.get(0)?.id).toBe("r1");
    expect(cache.isFresh(0)).toBe(true);
    expect(cache.total).toBe(299);
    // Stale rows beyond the new total are gone.
    expect(cache.get(299)).toBeUndefined();
  });

  it("removes a row locally and shifts the rest up", () => {
    const s = server(1000);
    const cache = new RowCache<R>({ chunkSize: 100 });
    loadAll(cache, s, 0, 300);
    const removed = cache.removeAt(5);
    expect(removed?.id).toBe("r5");
    expect(cache.total).toBe(999);
    expect(cache.get(5)?.id).toBe("r6");
    expect(cache.get(298)?.id).toBe("r299");
    expect(cache.get(299)).toBeUndefined();
    // Chunks 0 and 1 are still whole; chunk 2 lost its last row to the shift.
    expect(cache.needed(0, 300)).toEqual([2]);
    s.remove("r5");
    loadAll(cache, s, 0, 300);
    expect(cache.get(299)?.id).toBe("r300");
  });

  it("drops answers that were in flight when a row was removed", () => {
    const s = server(1000);
    const cache = new RowCache<R>({ chunkSize: 100 });
    loadAll(cache, s, 0, 0);
    const t = cache.begin(1);
    cache.removeAt(0);
    expect(cache.complete(t, s.page(t))).toBe(false);
    expect(cache.needed(0, 200)).toEqual([0, 1]);
  });

  it("ignores removal outside the list", () => {
    const cache = new RowCache<R>({ chunkSize: 100 });
    expect(cache.removeAt(0)).toBeUndefined();
    const s = server(3);
    loadAll(cache, s, 0, 0);
    expect(cache.removeAt(3)).toBeUndefined();
    expect(cache.removeAt(-1)).toBeUndefined();
    expect(cache.total).toBe(3);
  });

  it("treats a short answer as the end of the list, so it is not asked for forever", () => {
    const cache = new RowCache<R>({ chunkSize: 100 });
    const t = cache.begin(0);
    cache.complete(t, { total: 500, rows: [{ id: "a" }, { id: "b" }] });
    expect(cache.total).toBe(2);
    expect(cache.needed(0, 100)).toEqual([]);
  });

  it("finds rows by id", () => {
    const s = server(300);
    const cache = new RowCache<R>({ chunkSize: 100 });
    loadAll(cache, s, 0, 300);
    expect(cache.indexOf("r250")).toBe(250);
    expect(cache.indexOf("nope")).toBe(-1);
  });

  it("evicts the chunks farthest from the viewport", () => {
    const s = server(100_000);
    const cache = new RowCache<R>({ chunkSize: 100, maxChunks: 3 });
    loadAll(cache, s, 0, 500); // chunks 0..4
    cache.evict(250); // centre on chunk 2: keep 1, 2, 3
    expect(cache.size.fresh).toBe(300);
    expect(cache.get(50)).toBeUndefined();
    expect(cache.get(150)?.id).toBe("r150");
    expect(cache.get(450)).toBeUndefined();
    expect(cache.needed(0, 500)).toEqual([0, 4]);
  });

  it("stays bounded while scrolling through 100,000 rows", () => {
    const s = server(100_000);
    const cache = new RowCache<R>({ chunkSize: 100, maxChunks: 20 });
    for (let top = 0; top < 100_000; top += 37) {
      loadAll(cache, s, top, top + 20);
      cache.evict(top);
    }
    expect(cache.size.fresh).toBeLessThanOrEqual(20 * 100);
    expect(cache.get(99_999)?.id).toBe("r99999");
  });

  it("limits stale rows to the neighbourhood of the viewport", () => {
    const s = server(100_000);
    const cache = new RowCache<R>({ chunkSize: 100, maxChunks: 10 });
    loadAll(cache, s, 0, 100);
    loadAll(cache, s, 50_000, 50_100);
    cache.invalidate(50_000);
    expect(cache.get(50_050)?.id).toBe("r50050");
    expect(cache.get(50)).toBeUndefined();
  });
});
