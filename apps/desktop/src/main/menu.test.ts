import { describe, expect, it } from 'vitest';
import type { MenuCommand } from '../preload/bridge-contract.ts';
import { acceleratorsOf, buildMenuTemplate, consoleViews, type MenuItemTemplate } from './menu.ts';

const flatten = (items: readonly MenuItemTemplate[]): MenuItemTemplate[] =>
  items.flatMap((item) => [item, ...flatten(item.submenu ?? [])]);
const byLabel = (items: readonly MenuItemTemplate[], label: string) =>
  flatten(items).find((i) => i.label === label);

describe('buildMenuTemplate', () => {
  it('sends a navigation message per view and the command palette on Ctrl/Cmd+K', () => {
    const sent: MenuCommand[] = [];
    const template = buildMenuTemplate({
      platform: 'linux',
      isDev: false,
      send: (c) => sent.push(c),
      openTraceFile: () => undefined,
    });
    for (const view of consoleViews) byLabel(template, view.label)?.click?.();
    byLabel(template, 'Command palette…')?.click?.();
    expect(sent).toEqual([
      ...consoleViews.map((v) => ({ type: 'navigate', path: v.path })),
      { type: 'command-palette' },
    ]);
    expect(byLabel(template, 'Overview')?.accelerator).toBe('CmdOrCtrl+1');
    expect(byLabel(template, 'Service map')?.accelerator).toBe('CmdOrCtrl+2');
    expect(byLabel(template, 'Command palette…')?.accelerator).toBe('CmdOrCtrl+K');
  });

  it('has reload, zoom and quit, and no two items share a shortcut', () => {
    for (const platform of ['linux', 'win32', 'darwin'] as const) {
      const template = buildMenuTemplate({
        platform,
        isDev: true,
        send: () => undefined,
        openTraceFile: () => undefined,
      });
      const roles = flatten(template).map((i) => i.role);
      expect(roles).toEqual(expect.arrayContaining(['reload', 'zoomIn', 'zoomOut', 'resetZoom', 'editMenu']));
      expect(roles).toContain(platform === 'darwin' ? 'appMenu' : 'quit');
      const accelerators = acceleratorsOf(template);
      expect(new Set(accelerators).size).toBe(accelerators.length);
    }
  });

  it('offers developer tools only in development', () => {
    const roles = (isDev: boolean) =>
      flatten(
        buildMenuTemplate({
          platform: 'linux',
          isDev,
          send: () => undefined,
          openTraceFile: () => undefined,
        }),
      ).map((i) => i.role);
    expect(roles(true)).toContain('toggleDevTools');
    expect(roles(false)).not.toContain('toggleDevTools');
  });

  it('has File → Open trace file… on Ctrl/Cmd+O on every platform, clashing with no other shortcut', () => {
    for (const platform of ['linux', 'win32', 'darwin'] as const) {
      let opened = 0;
      const template = buildMenuTemplate({
        platform,
        isDev: true,
        send: () => undefined,
        openTraceFile: () => (opened += 1),
      });
      const file = template.find((i) => i.label === (platform === 'darwin' ? 'File' : '&File'));
      const item = file?.submenu?.[0];
      expect([item?.label, item?.accelerator]).toEqual(['Open trace file…', 'CmdOrCtrl+O']);
      item?.click?.();
      expect(opened).toBe(1);
      const accelerators = acceleratorsOf(template);
      expect(accelerators.filter((a) => a === 'CmdOrCtrl+O')).toHaveLength(1);
      expect(new Set(accelerators).size).toBe(accelerators.length);
    }
  });
});
