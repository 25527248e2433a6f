/**
 * Runs a generator on the page in slices of a few tens of milliseconds, giving the thread back between
 * them (a macrotask, so input and paint get their turn): how a comparison of a million spans runs without a
 * long task. Stops with an AbortError when `signal` aborts (the view went away).
 */
const SLICE_MS = 30;

const yieldToPage = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

function checkAbort(signal: AbortSignal | undefined): void {
  if (signal?.aborted === true) throw new DOMException('stopped', 'AbortError');
}

export async function runInSlices<T>(
  gen: Generator<unknown, T>,
  signal?: AbortSignal,
  onSlice?: (last: unknown) => void,
): Promise<T> {
  for (;;) {
    checkAbort(signal);
    const until = performance.now() + SLICE_MS;
    let step = gen.next();
    // Each step is a small piece of work (a few thousand paths, a few hundred spans): check after each.
    while (step.done !== true && performance.now() < until) step = gen.next();
    if (step.done === true) return step.value;
    onSlice?.(step.value);
    await yieldToPage();
  }
}
