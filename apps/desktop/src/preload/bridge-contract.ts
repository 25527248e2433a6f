/**
 * What crosses the bridge, as zod schemas: the main process parses every IPC argument with them, the
 * browser fallback uses the same rules, and the renderer may use them to check a form before it calls.
 *
 * The preload imports this file for TYPES ONLY (`import type`): a sandboxed preload cannot load anything
 * from node_modules and electron-vite leaves dependencies such as zod external, so a value import of zod
 * there would break the packaged app's bridge while every test stays green.
 */
import { z } from 'zod';

/** Printable text: control characters in a name or title would garble menus, lists and notifications. */
const printable = (max: number) =>
  z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .refine((value) => !/\p{Cc}/u.test(value), 'must not contain control characters');

const MAX_SERVER_URL_LENGTH = 2048;

/**
 * An APO server's base URL: http or https only, without a trailing slash. A path prefix is kept (a server
 * behind a reverse proxy); query and fragment are dropped. User info is refused: it is a password that would
 * otherwise sit in a plain JSON file, and credentials belong in the key store.
 */
const serverUrlSchema = z
  .string()
  .trim()
  .max(MAX_SERVER_URL_LENGTH, `must be at most ${MAX_SERVER_URL_LENGTH} characters`)
  .transform((value, ctx) => {
    const url = URL.parse(value);
    if (url === null || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      ctx.issues.push({
        code: 'custom',
        input: value,
        message: `must be an http:// or https:// URL (got ${JSON.stringify(value)})`,
      });
      return z.NEVER;
    }
    if (url.username !== '' || url.password !== '') {
      ctx.issues.push({
        code: 'custom',
        input: value,
        message: 'must not contain a user name or password: add the token as the connection credential',
      });
      return z.NEVER;
    }
    return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
  });

/**
 * How the console proves who it is to a server: `none` (an open server on loopback), `token` (an API key or
 * session token kept in the OS key store), `cookie` (the browser's own session with the server that served it).
 */
const credentialKindSchema = z.enum(['none', 'token', 'cookie']);
export type CredentialKind = z.infer<typeof credentialKindSchema>;

export const connectionIdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9-]+$/, 'must be a connection id');

export const connectionInputSchema = z.strictObject({
  name: printable(64),
  url: serverUrlSchema,
  credentialKind: credentialKindSchema,
});
export type ConnectionInput = z.input<typeof connectionInputSchema>;

export const connectionPatchSchema = connectionInputSchema.partial();
export type ConnectionPatch = z.input<typeof connectionPatchSchema>;

export const connectionSchema = connectionInputSchema.extend({ id: connectionIdSchema });
export type Connection = z.infer<typeof connectionSchema>;

export interface ConnectionList {
  connections: Connection[];
  /** The connection the console shows; null only when the list is empty. */
  activeId: string | null;
}

/**
 * An added or changed connection. `reloadNeeded`: the page's Content-Security-Policy was fixed when it
 * loaded and does not allow this server's origin yet; reload (all view state is in the URL) before probing it.
 */
export interface ConnectionChange {
  connection: Connection;
  reloadNeeded: boolean;
}

/** Tokens are opaque to the desktop app; the bound only stops a renderer from filling the key store. */
export const tokenSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(8192, 'must be at most 8192 characters')
  .refine((value) => !/\p{Cc}/u.test(value), 'must not contain control characters');

export type KeyStoreStatus = { available: true } | { available: false; reason: string };

/** Where a token went: the OS key store, or memory only (with the sentence the UI shows the user). */
export type CredentialSaveResult = { persisted: true } | { persisted: false; reason: string };

export const notificationSchema = z.strictObject({
  title: printable(120),
  // Line breaks are allowed in a body (a short list of alerting services), other control characters not.
  body: z
    .string()
    .trim()
    .max(1000, 'must be at most 1000 characters')
    .refine((value) => !/(?!\n)\p{Cc}/u.test(value), 'must not contain control characters')
    .default(''),
});
export type NotificationInput = z.input<typeof notificationSchema>;

export type NotificationResult = { shown: true } | { shown: false; reason: string };

/** A console route the renderer opens: `path` starts with `/` and may carry `?query`. */
export interface DeepLink {
  /** Absent when the link names no server (`apo:///traces`): open it on the active connection. */
  connectionId?: string;
  path: string;
}

/** A trace file the user chose in main's Open dialog: the renderer reads it by `id`, never by path. */
export interface ChosenTraceFile {
  id: string;
  name: string;
  size: number;
}

/** The largest chunk one readTraceFile call returns (the trace worker reads files in slices this size). */
export const TRACE_FILE_CHUNK = 8 << 20;

/** readTraceFile's arguments: the chosen file's id (main's UUID), a byte offset and a length. */
export const traceFileReadSchema = z.tuple([
  z.uuid('must be the id of the chosen trace file'),
  z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  z.number().int().min(1).max(TRACE_FILE_CHUNK, `must be at most ${TRACE_FILE_CHUNK} bytes`),
]);

/**
 * What the application menu asks the renderer to do; shortcuts are the menu's accelerators. `open-trace-file`
 * comes after the user chose a file in main's Open dialog (nothing comes when they cancel it): open it, or
 * show why it cannot be read.
 */
export type MenuCommand =
  | { type: 'navigate'; path: string }
  | { type: 'command-palette' }
  | { type: 'open-trace-file'; file: ChosenTraceFile }
  | { type: 'open-trace-file'; failed: { name: string; message: string } };
