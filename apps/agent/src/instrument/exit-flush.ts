/**
 * Sends what is still buffered when the app ends, without changing how it ends:
 *
 * - `beforeExit` (the event loop ran dry): flush, and the process then exits as it would have, with the
 *   same `process.exitCode`. If the agent is unreachable the exporters would keep retrying for seconds, so
 *   after `deadlineMs` the process exits anyway, exactly as it would have without the preload.
 * - `SIGTERM`: a listener replaces Node's default "terminate", so the default is restored by hand. When the
 *   app has no SIGTERM listener of its own, flush (bounded by the same deadline), then remove this listener
 *   and raise SIGTERM again: the process dies of the signal as before. When the app handles SIGTERM itself,
 *   it decides when to exit; the preload only starts a flush alongside.
 *
 * Not covered: an app calling `process.exit()` itself (no asynchronous work can run after it), SIGKILL,
 * and crashes.
 */
export interface Flushable {
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

function withDeadline(work: Promise<void>, deadlineMs: number): Promise<'done' | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => {
      resolve('timeout');
    }, deadlineMs);
  });
  return Promise.race([work.then(() => 'done' as const), timeout]).finally(() => {
    clearTimeout(timer);
  });
}

/** Installs the listeners; returns a function that removes them. */
export function installExitFlush(telemetry: Flushable, deadlineMs: number): () => void {
  const onBeforeExit = () => {
    void withDeadline(telemetry.shutdown(), deadlineMs).then((outcome) => {
      // Only the exporters' retries keep the loop alive now; end it the way it was about to end.
      if (outcome === 'timeout') process.exit();
    });
  };

  const onSigterm = (signal: NodeJS.Signals) => {
    if (process.listenerCount('SIGTERM') > 1) {
      void telemetry.forceFlush();
      return;
    }
    void withDeadline(telemetry.shutdown(), deadlineMs).then(() => {
      process.removeListener('SIGTERM', onSigterm);
      process.kill(process.pid, signal);
    });
  };

  process.once('beforeExit', onBeforeExit);
  process.on('SIGTERM', onSigterm);
  return () => {
    process.removeListener('beforeExit', onBeforeExit);
    process.removeListener('SIGTERM', onSigterm);
  };
}
