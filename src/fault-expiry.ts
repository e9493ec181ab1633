/**
 * The safety net under faults added at run time (control API, experiments): each removes itself
 * after safety.fault_ttl, so a test or experiment that dies mid-way leaves nothing faulted.
 *
 *   add fault ──► schedule(owner, id, remove) ──ttl──► remove()
 *   fault removed first ──► cancel(owner, id)     owner gone ──► cancel(owner)     reset ──► clear()
 *
 * Shared by the proxy registry (owner: proxy, id: toxic) and the mock registry (owner: mock, id: fault).
 */
export class FaultExpiry {
  private readonly timers = new Map<string, Map<string, NodeJS.Timeout>>();

  /** `ttlMs` undefined: faults stay until removed, and nothing is scheduled. */
  constructor(private readonly ttlMs: number | undefined) {}

  /** Calls `expire` once after the TTL, unless the fault is cancelled first; a second schedule of one fault replaces the first. */
  schedule(owner: string, id: string, expire: () => void): void {
    if (this.ttlMs === undefined) return;
    this.cancel(owner, id);
    const timer = setTimeout(() => {
      this.forget(owner, id);
      expire();
    }, this.ttlMs);
    // An armed expiry must not keep the process alive after the run.
    timer.unref();
    let byId = this.timers.get(owner);
    if (!byId) this.timers.set(owner, (byId = new Map()));
    byId.set(id, timer);
  }

  /** The fault went first: its expiry is dropped. Without `id`, every expiry of `owner` (the proxy or mock is gone). */
  cancel(owner: string, id?: string): void {
    const byId = this.timers.get(owner);
    if (!byId) return;
    for (const [key, timer] of byId) {
      if (id === undefined || key === id) clearTimeout(timer);
    }
    if (id === undefined) this.timers.delete(owner);
    else this.forget(owner, id);
  }

  /** Every expiry dropped (reset, close). */
  clear(): void {
    for (const owner of [...this.timers.keys()]) this.cancel(owner);
  }

  /** How many faults wait to expire. */
  get size(): number {
    let count = 0;
    for (const byId of this.timers.values()) count += byId.size;
    return count;
  }

  private forget(owner: string, id: string): void {
    const byId = this.timers.get(owner);
    byId?.delete(id);
    if (byId?.size === 0) this.timers.delete(owner);
  }
}
