/**
 * The trace file the user chose, handed from where it was picked (the traces page, a drop, the desktop
 * app's File → Open) to the file view. A File cannot live in the URL; it lives here for the session, and
 * the file view follows it (a File → Open while the view is showing opens the new file in it).
 *
 * File → Open reads the file through the bridge first (bridge-trace-file.ts): while it does, and when it
 * cannot, `opening` says so.
 */
import { useSyncExternalStore } from 'react';

type TraceFileOpening =
  | { state: 'reading'; name: string; bytes: number; size: number }
  | { state: 'failed'; name: string; message: string };

let chosen: File | null = null;
let opening: TraceFileOpening | null = null;
const listeners = new Set<() => void>();
const changed = () => {
  for (const l of listeners) l();
};
const subscribe = (listener: () => void) => {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
};

export function chooseTraceFile(file: File): void {
  chosen = file;
  opening = null;
  changed();
}

export function chosenTraceFile(): File | null {
  return chosen;
}

export function traceFileOpening(): TraceFileOpening | null {
  return opening;
}

export function setTraceFileOpening(next: TraceFileOpening | null): void {
  opening = next;
  changed();
}

/** The chosen file and the one being opened from the desktop app's File menu, as they change. */
export function useChosenTraceFile(): { file: File | null; opening: TraceFileOpening | null } {
  const file = useSyncExternalStore(subscribe, () => chosen);
  const now = useSyncExternalStore(subscribe, () => opening);
  return { file, opening: now };
}
