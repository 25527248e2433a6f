/**
 * Whether a process with this pid exists: the owner check of lock files and private directories left by a
 * process that was killed. EPERM means it exists and belongs to someone else.
 */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
