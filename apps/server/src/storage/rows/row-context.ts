/** What every row of one flush shares. */
export interface RowContext {
  /** The cluster id the proxy stamped on the batch ('' when unknown). */
  cluster: string;
  /** The flush this row belongs to, so a flush interrupted by a crash can be found and deleted. */
  flushId: bigint;
}
