/**
 * The application menu: opening a trace file, the console's views with keyboard shortcuts, the command
 * palette, reload, zoom and quit. Main does not know the renderer's router: each view item sends a navigation message (a path) that
 * the renderer opens exactly as it would open the same path from a URL.
 */
import type { MenuCommand } from '../preload/bridge-contract.ts';

/** The roles this menu uses; each is one of Electron's MenuItem roles. */
type MenuRole =
  | 'appMenu'
  | 'editMenu'
  | 'windowMenu'
  | 'reload'
  | 'toggleDevTools'
  | 'resetZoom'
  | 'zoomIn'
  | 'zoomOut'
  | 'togglefullscreen'
  | 'quit';

/** A structural subset of Electron's MenuItemConstructorOptions, so the template is testable without it. */
export interface MenuItemTemplate {
  label?: string;
  role?: MenuRole;
  type?: 'separator';
  accelerator?: string;
  click?: () => void;
  submenu?: MenuItemTemplate[];
}

/** The left navigation's views, in its order; Ctrl/Cmd+1…8 like tabs in a browser. */
export const consoleViews = [
  { label: 'Overview', path: '/overview' },
  { label: 'Service map', path: '/service-map' },
  { label: 'Traces', path: '/traces' },
  { label: 'Logs', path: '/logs' },
  { label: 'Metrics', path: '/metrics' },
  { label: 'Alerts', path: '/alerts' },
  { label: 'Investigate', path: '/investigate' },
  { label: 'Admin', path: '/admin' },
] as const;

export interface MenuOptions {
  platform: NodeJS.Platform;
  /** Developer tools only in development: in a packaged app they are a console into the user's session. */
  isDev: boolean;
  send: (command: MenuCommand) => void;
  /** File → Open trace file…: main's Open dialog (trace-files.ts), then the file goes to the renderer. */
  openTraceFile: () => void;
}

export function buildMenuTemplate(options: MenuOptions): MenuItemTemplate[] {
  const { platform, isDev, send, openTraceFile } = options;
  const isMac = platform === 'darwin';
  const separator: MenuItemTemplate = { type: 'separator' };
  const goTo: MenuItemTemplate[] = consoleViews.map((view, index) => ({
    label: view.label,
    accelerator: `CmdOrCtrl+${index + 1}`,
    click: () => {
      send({ type: 'navigate', path: view.path });
    },
  }));
  const devTools: MenuItemTemplate = {
    role: 'toggleDevTools',
    accelerator: isMac ? 'Alt+Cmd+I' : 'Ctrl+Shift+I',
  };
  const openFile: MenuItemTemplate = {
    label: 'Open trace file…',
    accelerator: 'CmdOrCtrl+O',
    click: openTraceFile,
  };
  // macOS puts About, Hide and Quit in the app-name menu, and has a File menu of its own for Open;
  // elsewhere Quit lives under File.
  const appAndFile: MenuItemTemplate[] = isMac
    ? [{ role: 'appMenu' }, { label: 'File', submenu: [openFile] }]
    : [{ label: '&File', submenu: [openFile, separator, { role: 'quit', accelerator: 'Ctrl+Q' }] }];
  const view: MenuItemTemplate[] = [
    { role: 'reload', accelerator: 'CmdOrCtrl+R' },
    ...(isDev ? [devTools] : []),
    separator,
    { role: 'resetZoom', accelerator: 'CmdOrCtrl+0' },
    { role: 'zoomIn', accelerator: 'CmdOrCtrl+=' },
    { role: 'zoomOut', accelerator: 'CmdOrCtrl+-' },
    separator,
    { role: 'togglefullscreen' },
  ];
  return [
    ...appAndFile,
    // Without the Edit menu's roles, copy and paste shortcuts do nothing in text fields on macOS.
    { role: 'editMenu' },
    { label: '&View', submenu: view },
    {
      label: '&Go',
      submenu: [
        {
          label: 'Command palette…',
          accelerator: 'CmdOrCtrl+K',
          click: () => {
            send({ type: 'command-palette' });
          },
        },
        separator,
        ...goTo,
      ],
    },
    { role: 'windowMenu' },
  ];
}

/** Every accelerator in a template, to check for clashes (tests) and to list shortcuts (help). */
export function acceleratorsOf(template: readonly MenuItemTemplate[]): string[] {
  return template.flatMap((item) => [
    ...(item.accelerator === undefined ? [] : [item.accelerator]),
    ...acceleratorsOf(item.submenu ?? []),
  ]);
}
