/**
 * The one way main answers the renderer: every handler first checks that the call comes from the console's
 * own top-level page, then parses its arguments with zod, and only then runs. A refused call rejects with a
 * message naming the channel and the problem, which the preload passes on to the renderer as is.
 */
import type { z } from 'zod';
import { isTrustedSenderUrl } from './trusted-sender.ts';

/** The part of Electron's IpcMainInvokeEvent the checks read (a stand-in in tests). */
export interface IpcSenderEvent {
  senderFrame: { url: string; parent: unknown } | null;
}

/** The part of Electron's ipcMain used here. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcSenderEvent, ...args: unknown[]) => unknown): void;
}

class IpcRefusedError extends Error {
  override readonly name = 'IpcRefusedError';
}

/** A handler: parses its raw arguments and, when they are good, returns the call to make with them. */
export interface IpcHandler {
  prepare(raw: unknown[]): { ok: true; run: () => unknown } | { ok: false; error: z.ZodError };
}

/** Ties a handler's argument types to its own schema, so a table of different handlers stays typed. */
export function ipcHandler<A extends z.ZodType<unknown[]>>(
  args: A,
  run: (args: z.infer<A>) => unknown,
): IpcHandler {
  return {
    prepare(raw) {
      const parsed = args.safeParse(raw);
      return parsed.success ? { ok: true, run: () => run(parsed.data) } : { ok: false, error: parsed.error };
    },
  };
}

function assertTrustedSender(channel: string, event: IpcSenderEvent, appUrl: string): void {
  const frame = event.senderFrame;
  // An iframe's parent is set; a frame that navigated away has another URL; a destroyed frame is null.
  if (frame === null || frame.parent !== null || !isTrustedSenderUrl(frame.url, appUrl)) {
    throw new IpcRefusedError(
      `IPC ${channel} refused: the sender ${JSON.stringify(frame?.url ?? '(gone)')} is not the console's page`,
    );
  }
}

export function registerIpcHandlers(
  ipcMain: IpcMainLike,
  appUrl: string,
  handlers: Readonly<Record<string, IpcHandler>>,
): void {
  for (const [channel, handler] of Object.entries(handlers)) {
    ipcMain.handle(channel, async (event, ...raw) => {
      assertTrustedSender(channel, event, appUrl);
      const call = handler.prepare(raw);
      if (!call.ok) {
        const problems = call.error.issues.map((issue) => describeIssue(issue, raw.length));
        throw new IpcRefusedError(`IPC ${channel} refused: bad arguments: ${problems.join('; ')}`);
      }
      return await call.run();
    });
  }
}

function describeIssue(issue: z.core.$ZodIssue, given: number): string {
  // The argument list itself: say how many were expected rather than zod's "array to have >=2 items".
  if (issue.path.length === 0 && issue.code === 'too_small')
    return `expected at least ${issue.minimum} arguments, got ${given}`;
  if (issue.path.length === 0 && issue.code === 'too_big')
    return `expected at most ${issue.maximum} arguments, got ${given}`;
  return `${formatPath(issue.path)}${issue.message}`;
}

/** `[0].url` reads as "argument 1, url:" for a person. */
function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '';
  const [first, ...rest] = path;
  const argument = typeof first === 'number' ? `argument ${first + 1}` : String(first);
  return `${[argument, ...rest.map(String)].join('.')}: `;
}
