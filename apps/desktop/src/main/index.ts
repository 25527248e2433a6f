/**
 * Electron main process: one window showing the console, locked down per the architecture's Electron rules
 * (context isolation, sandbox, no Node in the renderer, strict CSP, no navigation or new windows, IPC only
 * from the console's own page with zod-validated arguments).
 */
import { app, BrowserWindow, ipcMain, session, type IpcMainInvokeEvent } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { ipcChannels } from '../preload/bridge.ts';
import { contentSecurityPolicy } from './content-security-policy.ts';
import { EnvError, loadDesktopEnv, type DesktopConfig } from './env.ts';
import { isTrustedSenderUrl } from './trusted-sender.ts';

let config: DesktopConfig;
try {
  config = loadDesktopEnv();
} catch (err) {
  if (!(err instanceof EnvError)) throw err;
  process.stderr.write(`apo-desktop: ${err.message}\n`);
  process.exit(1);
}

const rendererFile = join(import.meta.dirname, '../renderer/index.html');
const appUrl = config.rendererDevUrl ?? pathToFileURL(rendererFile).href;
const preloadFile = join(import.meta.dirname, '../preload/index.cjs');

function assertTrustedSender(event: IpcMainInvokeEvent): void {
  if (!isTrustedSenderUrl(event.senderFrame?.url, appUrl) || event.senderFrame?.parent !== null) {
    throw new Error(
      `IPC refused: sender ${JSON.stringify(event.senderFrame?.url ?? '(gone)')} is not the console`,
    );
  }
}

/** Registers an IPC handler that checks the sender, then parses the arguments before the handler sees them. */
function handle<A extends z.ZodType<unknown[]>>(
  channel: string,
  args: A,
  handler: (parsed: z.infer<A>) => unknown,
): void {
  ipcMain.handle(channel, (event, ...raw: unknown[]) => {
    assertTrustedSender(event);
    const parsed = args.safeParse(raw);
    if (!parsed.success) throw new Error(`IPC ${channel}: bad arguments: ${parsed.error.message}`);
    return handler(parsed.data);
  });
}

function registerIpc(): void {
  handle(ipcChannels.getServerUrl, z.tuple([]), () => config.serverUrl);
}

function lockDownSessions(): void {
  const serverOrigin = new URL(config.serverUrl).origin;
  const devOrigin = config.rendererDevUrl === undefined ? undefined : new URL(config.rendererDevUrl).origin;
  const csp = contentSecurityPolicy({ connectSources: [serverOrigin], devServerOrigin: devOrigin });
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } });
  });
  // The console needs no camera, geolocation, notifications-by-web-API, etc.
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => {
    callback(false);
  });
}

app.on('web-contents-created', (_event, contents) => {
  contents.on('will-navigate', (event, url) => {
    if (url !== appUrl) event.preventDefault();
  });
  contents.on('will-redirect', (event) => {
    event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
  });
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
});

function createWindow(): void {
  const window = new BrowserWindow({
    width: 1280,
    height: 800,
    show: false,
    title: 'APO',
    webPreferences: {
      preload: preloadFile,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
    },
  });
  window.once('ready-to-show', () => {
    window.show();
  });
  void window.loadURL(appUrl);
}

app.enableSandbox();
await app.whenReady();
lockDownSessions();
registerIpc();
createWindow();

app.on('activate', () => {
  if (BrowserWindow.getAllWindows().length === 0) createWindow();
});
app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
