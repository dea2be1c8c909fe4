// Bookkeeping for the lazily loaded inbox list.
//
// The list is fetched in fixed chunks (`inboxPage(query, chunk * size, size)`).
// Rows are kept by their absolute index. A chunk is "complete" when every row
// it covers is present; the list asks `needed()` which chunks of the visible
// range still have to be fetched, starts them with `begin()`, and hands the
// answer to `complete()`. Answers for an older generation (the query changed,
// the list was invalidated, a row was removed) are dropped.
//
// After `invalidate()` the old rows stay visible as "stale" until fresh ones
// replace them, so a refresh does not flash placeholders.

export const CHUNK_SIZE = 100;

export interface Ticket {
  chunk: number;
  offset: number;
  limit: number;
  generation: number;
}

export interface PageLike<Row> {
  total: number;
  rows: Row[];
}

export interface RowCacheOptions {
  chunkSize?: number;
  /** Complete chunks kept in memory; the farthest from the viewport go first. */
  maxChunks?: number;
}

export class RowCache<Row extends { id: string }> {
  readonly chunkSize: number;
  readonly maxChunks: number;

  /** Rows in the list, or null before the first answer for this query. */
  total: number | null = null;
  generation = 0;

  private fresh = new Map<number, Row>();
  private stale = new Map<number, Row>();
  private inFlight = new Set<number>();
  private failed = new Set<number>();

  constructor(options: RowCacheOptions = {}) {
    this.chunkSize = options.chunkSize ?? CHUNK_SIZE;
    this.maxChunks = Math.max(1, options.maxChunks ?? 60);
  }

  /** The row at `index`: fresh if loaded, else the last known one, else undefined. */
  get(index: number): Row | undefined {
    return this.fresh.get(index) ?? this.stale.get(index);
  }

  /** True when the row at `index` comes from the current generation. */
  isFresh(index: number): boolean {
    return this.fresh.has(index);
  }

  chunkOf(index: number): number {
    return Math.floor(index / this.chunkSize);
  }

  get inFlightCount(): number {
    return this.inFlight.size;
  }

  isInFlight(chunk: number): boolean {
    return this.inFlight.has(chunk);
  }

  hasFailed(chunk: number): boolean {
    return this.failed.has(chunk);
  }

  /** Whether every row of `chunk` (up to the total) is loaded. */
  isComplete(chunk: number): boolean {
    if (this.total === null) return false;
    const start = chunk * this.chunkSize;
    const end = Math.min(this.total, start + this.chunkSize);
    for (let i = start; i < end; i++) if (!this.fresh.has(i)) return false;
    return true;
  }

  /**
   * The chunks overlapping `[start, end)` that still have to be fetched: not
   * complete, not in flight and not failed. Before the total is known, only the
   * chunk holding `start` is asked for.
   */
  needed(start: number, end: number): number[] {
    if (this.total === null) {
      const c = this.chunkOf(Math.max(0, start));
      return this.inFlight.has(c) || this.failed.has(c) ? [] : [c];
    }
    const last = Math.min(end, this.total);
    if (last <= start) return [];
    const out: number[] = [];
    for (let c = this.chunkOf(Math.max(0, start)); c <= this.chunkOf(last - 1); c++) {
      if (!this.inFlight.has(c) && !this.failed.has(c) && !this.isComplete(c)) out.push(c);
    }
    return out;
  }

  /** Marks `chunk` as in flight and returns what to ask for. */
  begin(chunk: number): Ticket {
    this.inFlight.add(chunk);
    return {
      chunk,
      offset: chunk * this.chunkSize,
      limit: this.chunkSize,
      generation: this.generation,
    };
  }

  /** Stores an answer. Returns false (and changes nothing) if it is out of date. */
  complete(ticket: Ticket, page: PageLike<Row>): boolean {
    if (ticket.generation !== this.generation) return false;
    this.inFlight.delete(ticket.chunk);
    this.failed.delete(ticket.chunk);
    const rows = page.rows.slice(0, ticket.limit);
    rows.forEach((row, i) => {
      const index = ticket.offset + i;
      this.fresh.set(index, row);
      this.stale.delete(index);
    });
    // A short answer marks the end of the list, whatever its total says;
    // otherwise the chunk would never be complete and would be asked for again.
    const total = rows.length < ticket.limit ? Math.min(page.total, ticket.offset + rows.length) : page.total;
    this.setTotal(total);
    return true;
  }

  /** Records a failed fetch; the chunk is not asked for again until a refresh. */
  fail(ticket: Ticket): boolean {
    if (ticket.generation !== this.generation) return false;
    this.inFlight.delete(ticket.chunk);
    this.failed.add(ticket.chunk);
    return true;
  }

  /** Lets failed chunks be fetched again. */
  retryFailed(): void {
    this.failed.clear();
  }

  /** A different list (new query): forget everything. */
  reset(): void {
    this.generation++;
    this.total = null;
    this.fresh.clear();
    this.stale.clear();
    this.inFlight.clear();
    this.failed.clear();
  }

  /**
   * The same list may have changed: everything must be fetched again, but the
   * rows already known stay visible (as stale) near `center` until then.
   */
  invalidate(center = 0): void {
    this.generation++;
    for (const [i, row] of this.fresh) this.stale.set(i, row);
    this.fresh.clear();
    this.inFlight.clear();
    this.failed.clear();
    this.pruneStale(center);
  }

  /**
   * Removes the row at `index` locally (it left the list on the server too) and
   * shifts the rows after it up by one. Answers in flight are dropped, since
   * they may predate the change. Returns the removed row.
   */
  removeAt(index: number): Row | undefined {
    if (this.total === null || index < 0 || index >= this.total) return undefined;
    const removed = this.get(index);
    this.fresh = shiftDown(this.fresh, index);
    this.stale = shiftDown(this.stale, index);
    this.total -= 1;
    this.generation++;
    this.inFlight.clear();
    this.failed.clear();
    return removed;
  }

  /** The index of the row with `id` among the rows known, or -1. */
  indexOf(id: string): number {
    for (const [i, row] of this.fresh) if (row.id === id) return i;
    for (const [i, row] of this.stale) if (row.id === id) return i;
    return -1;
  }

  /** Drops the loaded chunks farthest from `center` beyond `maxChunks`. */
  evict(center: number): void {
    const chunks = new Set<number>();
    for (const i of this.fresh.keys()) chunks.add(this.chunkOf(i));
    if (chunks.size <= this.maxChunks) return;
    const c0 = this.chunkOf(center);
    const byDistance = [...chunks].sort((a, b) => Math.abs(a - c0) - Math.abs(b - c0));
    const drop = new Set(byDistance.slice(this.maxChunks));
    for (const i of [...this.fresh.keys()]) if (drop.has(this.chunkOf(i))) this.fresh.delete(i);
  }

  /** Number of rows held (fresh and stale), for tests and diagnostics. */
  get size(): { fresh: number; stale: number } {
    return { fresh: this.fresh.size, stale: this.stale.size };
  }

  private setTotal(total: number): void {
    this.total = Math.max(0, total);
    for (const map of [this.fresh, this.stale]) {
      for (const i of [...map.keys()]) if (i >= this.total) map.delete(i);
    }
  }

  private pruneStale(center: number): void {
    const c0 = this.chunkOf(center);
    const keep = Math.max(1, Math.floor(this.maxChunks / 2));
    for (const i of [...this.stale.keys()]) {
      if (Math.abs(this.chunkOf(i) - c0) > keep) this.stale.delete(i);
    }
  }
}

function shiftDown<Row>(map: Map<number, Row>, removed: number): Map<number, Row> {
  const out = new Map<number, Row>();
  for (const [i, row] of map) {
    if (i < removed) out.set(i, row);
    else if (i > removed) out.set(i - 1, row);
  }
  return out;
}
