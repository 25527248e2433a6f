/**
 * The trace file the user chose, handed from where it was picked (the traces page, a drop) to the file
 * view. A File cannot live in the URL; it lives here for the session.
 */
let chosen: File | null = null;

export function chooseTraceFile(file: File): void {
  chosen = file;
}

export function chosenTraceFile(): File | null {
  return chosen;
}
