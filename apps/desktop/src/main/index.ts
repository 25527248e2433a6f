/**
 * Electron main process: wires the real `electron` module into the domain modules beside this file (each
 * takes the Electron objects it needs as parameters, so it is unit-tested without Electron). One window
 * showing the console, locked down per the architecture's Electron rules: context isolation, sandbox, no
 * Node in the renderer, strict CSP, no navigation or new windows, IPC only from the console's own page with
 * zod-validated arguments.
 */
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  Notification,
  safeStorage,
  screen,
  session,
  shell,
} from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { DeepLink } from '../preload/bridge-contract.ts';
import { ipcEvents } from '../preload/bridge.ts';
import { bridgeHandlers } from './bridge-handlers.ts';
import { openConnectionStore, type ConnectionStore } from './connections.ts';
import { contentSecurityPolicy } from './content-security-policy.ts';
import { createCredentialVault } from './credentials.ts';
import {
  createDeepLinkDispatcher,
  DEEP_LINK_SCHEME,
  findDeepLinkInArgv,
  type DeepLinkDispatcher,
} from './deep-links.ts';
import { EnvError, loadDesktopEnv, type DesktopConfig } from './env.ts';
import { registerIpcHandlers } from './ipc.ts';
import { buildMenuTemplate } from './menu.ts';
import { decideExternalOpen, decideNavigation, type ExternalDecision } from './navigation-guard.ts';
import { showNotification, type NotificationApi } from './notifications.ts';
import { createTraceFiles } from './trace-files.ts';
import { clampWindowState, loadWindowState, MIN_WINDOW_SIZE, trackWindowState } from './window-state.ts';

let config: DesktopConfig;
try {
  config = loadDesktopEnv();
} catch (err) {
  if (!(err instanceof EnvError)) throw err;
  process.stderr.write(`apo-desktop: ${err.message}\n`);
  process.exit(1);
}

const warn = (message: string) => {
  process.stderr.write(`apo-desktop: ${message}\n`);
};
const isDev = config.rendererDevUrl !== undefined;
const rendererFile = join(import.meta.dirname, '../renderer/index.html');
const appUrl = config.rendererDevUrl ?? pathToFileURL(rendererFile).href;
const preloadFile = join(import.meta.dirname, '../preload/index.cjs');
const userData = app.getPath('userData');

let mainWindow: BrowserWindow | undefined;
let dispatcher: DeepLinkDispatcher | undefined;
// Links that arrive before the connection list is loaded (macOS open-url fires before `ready`).
const earlyLinks: string[] = [];
// The origins the loaded page's CSP allows: a connection to another origin needs a reload to be reached.
let pageOrigins: readonly string[] = [];
let connectionOrigins: () => readonly string[] = () => [];
// Until start() has opened the first window, a link or a second instance must not open another one.
let started = false;

const notifications: NotificationApi = {
  isSupported: () => Notification.isSupported(),
  create: (options) => new Notification(options),
};

function openOutside(decision: ExternalDecision, rawUrl: string): void {
  if (decision.action === 'deny') {
    warn(`refused to open ${JSON.stringify(rawUrl.slice(0, 200))}: ${decision.reason}`);
    return;
  }
  shell.openExternal(decision.url).catch((err: unknown) => {
    warn(`the system browser did not open ${decision.url}: ${String(err)}`);
  });
}

function sendToRenderer(channel: string, payload: unknown): void {
  if (mainWindow === undefined || mainWindow.isDestroyed()) return;
  mainWindow.webContents.send(channel, payload);
}

function openWindow(): void {
  createWindow().catch((err: unknown) => {
    warn(`the console window could not be opened: ${String(err)}`);
  });
}

function focusWindow(): void {
  if (!started) return;
  if (mainWindow === undefined || mainWindow.isDestroyed()) {
    openWindow();
    return;
  }
  if (mainWindow.isMinimized()) mainWindow.restore();
  mainWindow.show();
  mainWindow.focus();
}

function openDeepLink(raw: string): void {
  if (dispatcher === undefined) earlyLinks.push(raw);
  else dispatcher.open(raw);
  focusWindow();
}

function lockDownSessions(connections: ConnectionStore): void {
  const devOrigin = config.rendererDevUrl === undefined ? undefined : new URL(config.rendererDevUrl).origin;
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    // Computed per response: the connection list changes while the app runs.
    const csp = contentSecurityPolicy({ connectSources: connections.origins(), devServerOrigin: devOrigin });
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } });
  });
  // The console needs no camera, geolocation, web notifications (main shows native ones), etc.
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => {
    callback(false);
  });
  session.defaultSession.setPermissionCheckHandler(() => false);
}

app.on('web-contents-created', (_event, contents) => {
  contents.on('will-navigate', (event, url) => {
    const decision = decideNavigation(url, appUrl);
    if (decision.action === 'allow') return;
    event.preventDefault();
    openOutside(decision, url);
  });
  contents.on('will-redirect', (event) => {
    event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
  });
  contents.setWindowOpenHandler(({ url }) => {
    openOutside(decideExternalOpen(url), url);
    return { action: 'deny' };
  });
});

async function createWindow(): Promise<void> {
  const windowStateFile = join(userData, 'window-state.json');
  const primary = screen.getPrimaryDisplay();
  const displays = [primary, ...screen.getAllDisplays().filter((d) => d.id !== primary.id)];
  const initial = clampWindowState(
    await loadWindowState(windowStateFile, warn),
    displays.map((d) => d.workArea),
  );
  const window = new BrowserWindow({
    ...initial.bounds,
    minWidth: MIN_WINDOW_SIZE.width,
    minHeight: MIN_WINDOW_SIZE.height,
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
  mainWindow = window;
  if (initial.maximized) window.maximize();
  trackWindowState(window, windowStateFile, warn);
  window.webContents.on('did-start-loading', () => {
    pageOrigins = connectionOrigins();
    dispatcher?.rendererGone();
  });
  window.once('ready-to-show', () => {
    window.show();
  });
  window.on('closed', () => {
    dispatcher?.rendererGone();
    if (mainWindow === window) mainWindow = undefined;
  });
  window.loadURL(appUrl).catch((err: unknown) => {
    warn(`the console page did not load from ${appUrl}: ${String(err)}`);
  });
}

async function start(): Promise<void> {
  app.enableSandbox();
  // A packaged app only: registering a development build would take apo:// links away from the installed app.
  if (app.isPackaged) app.setAsDefaultProtocolClient(DEEP_LINK_SCHEME);
  app.on('open-url', (event, url) => {
    event.preventDefault();
    openDeepLink(url);
  });
  app.on('second-instance', (_event, argv) => {
    const link = findDeepLinkInArgv(argv);
    if (link === undefined) focusWindow();
    else openDeepLink(link);
  });
  const startLink = findDeepLinkInArgv(process.argv);
  if (startLink !== undefined) earlyLinks.push(startLink);

  await app.whenReady();
  const vault = createCredentialVault({
    safeStorage,
    platform: process.platform,
    file: join(userData, 'credentials.json'),
    warn,
  });
  const connections = await openConnectionStore({
    file: join(userData, 'connections.json'),
    defaultServerUrl: config.serverUrl,
    forgetCredential: (id) => vault.remove(id),
    warn,
  });
  connectionOrigins = () => connections.origins();
  dispatcher = createDeepLinkDispatcher({
    targets: () => connections.list().connections,
    deliver: (link: DeepLink) => {
      sendToRenderer(ipcEvents.deepLink, link);
    },
    refuse: (reason) => {
      warn(`refused a deep link: ${reason}`);
      showNotification(notifications, { title: 'APO could not open the link', body: reason }, focusWindow);
    },
  });
  for (const link of earlyLinks.splice(0)) dispatcher.open(link);

  lockDownSessions(connections);
  const traceFiles = createTraceFiles({
    showOpenDialog: (options) =>
      mainWindow === undefined ? dialog.showOpenDialog(options) : dialog.showOpenDialog(mainWindow, options),
    send: (command) => {
      sendToRenderer(ipcEvents.menuCommand, command);
    },
  });
  registerIpcHandlers(
    ipcMain,
    appUrl,
    bridgeHandlers({
      connections,
      vault,
      notifications,
      traceFiles,
      focusWindow,
      deepLinksReady: () => dispatcher?.rendererReady(),
      pageOrigins: () => pageOrigins,
    }),
  );
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      buildMenuTemplate({
        platform: process.platform,
        isDev,
        send: (command) => {
          sendToRenderer(ipcEvents.menuCommand, command);
        },
        openTraceFile: () => {
          traceFiles.choose().catch((err: unknown) => {
            warn(`File → Open trace file failed: ${String(err)}`);
          });
        },
      }),
    ),
  );
  await createWindow();
  started = true;

  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) openWindow();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
}

// A second copy hands its deep link to the first (`second-instance`) and leaves.
if (app.requestSingleInstanceLock()) await start();
else app.quit();
