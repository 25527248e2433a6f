/**
 * Whole-process totals of figures the kernel keeps per thread only. /proc/<pid>/schedstat, the context
 * switch counts of /proc/<pid>/status and field 42 of /proc/<pid>/stat describe the main thread alone; a
 * Node.js process has its libuv and V8 threads, a JVM hundreds. The totals are the sum over live threads plus,
 * for each thread that has exited, its last observed values, so they never go down when a thread ends
 * (only what an exited thread did after our last look is lost).
 */

export interface ThreadCounters {
  runQueueWaitNs: number;
  voluntarySwitches: number;
  involuntarySwitches: number;
  blkioTicks: number;
}

const ZERO_COUNTERS: ThreadCounters = {
  runQueueWaitNs: 0,
  voluntarySwitches: 0,
  involuntarySwitches: 0,
  blkioTicks: 0,
};

function add(a: ThreadCounters, b: ThreadCounters): ThreadCounters {
  return {
    runQueueWaitNs: a.runQueueWaitNs + b.runQueueWaitNs,
    voluntarySwitches: a.voluntarySwitches + b.voluntarySwitches,
    involuntarySwitches: a.involuntarySwitches + b.involuntarySwitches,
    blkioTicks: a.blkioTicks + b.blkioTicks,
  };
}

/** A tid whose counters went down is a new thread that reused the number of an exited one. */
function wentDown(now: ThreadCounters, before: ThreadCounters): boolean {
  return (
    now.runQueueWaitNs < before.runQueueWaitNs ||
    now.voluntarySwitches < before.voluntarySwitches ||
    now.involuntarySwitches < before.involuntarySwitches ||
    now.blkioTicks < before.blkioTicks
  );
}

export class ThreadTotals {
  #last = new Map<string, ThreadCounters>();
  #retired: ThreadCounters = ZERO_COUNTERS;

  /** Takes this cycle's per-thread values (tid → counters) and returns the process totals. */
  update(threads: ReadonlyMap<string, ThreadCounters>): ThreadCounters {
    let retired = this.#retired;
    for (const [tid, before] of this.#last) {
      const now = threads.get(tid);
      if (now === undefined || wentDown(now, before)) retired = add(retired, before);
    }
    this.#retired = retired;
    this.#last = new Map(threads);
    let total = retired;
    for (const counters of threads.values()) total = add(total, counters);
    return total;
  }
}
