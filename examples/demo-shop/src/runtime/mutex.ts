/** A FIFO async mutex: SQLite's single writer, and the `lock` fault's process-wide critical section. */
export class Mutex {
  private locked = false;
  private readonly queue: (() => void)[] = [];

  async acquire(): Promise<() => void> {
    if (this.locked) await new Promise<void>((resolve) => this.queue.push(resolve));
    this.locked = true;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.queue.shift();
      if (next) next();
      else this.locked = false;
    };
  }

  get waiting(): number {
    return this.queue.length;
  }
}
