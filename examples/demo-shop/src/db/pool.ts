import { meter } from '../runtime/otel.ts';

/** Connections per service unless its config says otherwise. */
export const DEFAULT_POOL_SIZE = 5;

/**
 * A connection pool, the same for SQLite (several handles on one file) and PostgreSQL (clients of a pg.Pool):
 * a checkout waits in FIFO order while `size` connections are in use. Waiting happens before the statement,
 * so it shows as time before the DB client span and in the semantic-convention pool metrics
 * (`db.client.connection.wait_time`, `.count`, `.pending_requests`, `.max`) — the pool-exhaustion signature.
 */
export interface Lease<C> {
  connection: C;
  release(): void;
}

export interface PoolOptions<C> {
  name: string;
  size: number;
  create: () => Promise<C>;
  destroy: (connection: C) => Promise<void>;
}

interface Waiter<C> {
  resolve: (lease: Lease<C>) => void;
  reject: (error: Error) => void;
  since: number;
}

export class ConnectionPool<C> {
  readonly name: string;
  private readonly size: number;
  private readonly create: () => Promise<C>;
  private readonly destroy: (connection: C) => Promise<void>;
  private readonly idle: C[] = [];
  private readonly waiters: Waiter<C>[] = [];
  private used = 0;
  private readonly all = new Set<C>();
  private sizeOverride: number | undefined;
  private holdMs = 0;
  private closed = false;
  private readonly waitTime = meter().createHistogram('db.client.connection.wait_time', {
    description: 'Time it took to obtain an open connection from the pool',
    unit: 's',
  });

  constructor(options: PoolOptions<C>) {
    this.name = options.name;
    this.size = options.size;
    this.create = options.create;
    this.destroy = options.destroy;
    const attrs = { 'db.client.connection.pool.name': this.name };
    meter()
      .createObservableUpDownCounter('db.client.connection.count', {
        description: 'Connections in the pool by state',
        unit: '{connection}',
      })
      .addCallback((r) => {
        r.observe(this.used, { ...attrs, 'db.client.connection.state': 'used' });
        r.observe(this.idle.length, { ...attrs, 'db.client.connection.state': 'idle' });
      });
    meter()
      .createObservableUpDownCounter('db.client.connection.pending_requests', {
        description: 'Checkouts waiting for a connection',
        unit: '{request}',
      })
      .addCallback((r) => r.observe(this.waiters.length, attrs));
    meter()
      .createObservableUpDownCounter('db.client.connection.max', {
        description: 'The most connections the pool opens',
        unit: '{connection}',
      })
      .addCallback((r) => r.observe(this.capacity(), attrs));
  }

  /** The pool-exhaustion fault: a smaller pool whose connections are held `holdMs` longer. `undefined` restores. */
  constrain(size: number | undefined, holdMs = 0): void {
    this.sizeOverride = size;
    this.holdMs = size === undefined ? 0 : holdMs;
    this.dispatch();
  }

  stats(): { used: number; idle: number; pending: number; size: number } {
    return { used: this.used, idle: this.idle.length, pending: this.waiters.length, size: this.capacity() };
  }

  async acquire(): Promise<Lease<C>> {
    if (this.closed) throw new Error(`pool ${this.name} is closed`);
    const since = performance.now();
    if (this.waiters.length === 0 && this.used < this.capacity()) {
      const lease = await this.take();
      this.waitTime.record((performance.now() - since) / 1000, {
        'db.client.connection.pool.name': this.name,
      });
      return lease;
    }
    return new Promise<Lease<C>>((resolve, reject) => {
      this.waiters.push({ resolve, reject, since });
    });
  }

  /** Opens the pool's connections up front, so connection set-up is not part of the first requests. */
  async warm(): Promise<void> {
    const leases = await Promise.all(Array.from({ length: this.size }, () => this.acquire()));
    for (const lease of leases) lease.release();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const waiter of this.waiters.splice(0)) waiter.reject(new Error(`pool ${this.name} is closed`));
    const connections = [...this.all];
    this.all.clear();
    this.idle.length = 0;
    await Promise.all(connections.map((c) => this.destroy(c).catch(() => undefined)));
  }

  private capacity(): number {
    return this.sizeOverride ?? this.size;
  }

  private async take(): Promise<Lease<C>> {
    this.used++;
    let connection = this.idle.pop();
    if (connection === undefined) {
      try {
        connection = await this.create();
        this.all.add(connection);
      } catch (error) {
        this.used--;
        this.dispatch();
        throw error;
      }
    }
    const leased = connection;
    let released = false;
    return {
      connection: leased,
      release: () => {
        if (released) return;
        released = true;
        const giveBack = () => {
          this.used--;
          if (this.closed) return;
          // A shrunk pool keeps its extra connections idle (reopening them later would put connection
          // set-up statements into some request's trace); it just leases fewer at a time.
          this.idle.push(leased);
          this.dispatch();
        };
        if (this.holdMs > 0) setTimeout(giveBack, this.holdMs);
        else giveBack();
      },
    };
  }

  private dispatch(): void {
    while (this.waiters.length > 0 && this.used < this.capacity()) {
      const waiter = this.waiters.shift()!;
      this.take().then(
        (lease) => {
          this.waitTime.record((performance.now() - waiter.since) / 1000, {
            'db.client.connection.pool.name': this.name,
          });
          waiter.resolve(lease);
        },
        (error: unknown) => waiter.reject(error instanceof Error ? error : new Error(String(error))),
      );
    }
  }
}
