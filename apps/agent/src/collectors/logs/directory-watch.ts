/**
 * fs.watch on the directories the globs start from, as a hint to look sooner than the next poll. Never
 * relied on: events can be dropped, coalesced or unsupported (network filesystems), and a directory that
 * does not exist yet cannot be watched; polling covers all of that.
 */
import { watch, type FSWatcher } from 'node:fs';

/** `appeared-or-gone`: a name in the directory was created, removed or renamed; `changed`: data may have arrived. */
export type WatchHint = 'appeared-or-gone' | 'changed';

export class DirectoryWatch {
  private readonly watchers = new Map<string, FSWatcher>();
  private readonly onHint: (hint: WatchHint) => void;

  constructor(onHint: (hint: WatchHint) => void) {
    this.onHint = onHint;
  }

  /** Watches the directories not watched yet (call again later for those that did not exist). */
  watch(directories: readonly string[]): void {
    for (const directory of directories) {
      if (this.watchers.has(directory)) continue;
      try {
        const watcher = watch(directory, { persistent: false }, (event) => {
          this.onHint(event === 'rename' ? 'appeared-or-gone' : 'changed');
        });
        watcher.on('error', () => {
          watcher.close();
          this.watchers.delete(directory);
        });
        this.watchers.set(directory, watcher);
      } catch {
        // Not there (yet), or not watchable: polling covers it.
      }
    }
  }

  close(): void {
    for (const watcher of this.watchers.values()) watcher.close();
    this.watchers.clear();
  }
}
