import { useRouter } from '@tanstack/react-router';
import { useEffect, useRef } from 'react';
import { useActiveConnection } from './active-connection.ts';
import { openChosenTraceFile } from '../features/traces/bridge-trace-file.ts';
import { setTraceFileOpening } from '../features/traces/file-store.ts';
import { useBridge } from './bridge-context.ts';

// The menu names views by their product path; the overview is the console's root route.
const MENU_PATHS: Record<string, string> = { '/overview': '/' };

/**
 * Deep links (`apo://…`) and application-menu commands from the desktop shell: a link may name another
 * saved server (switch first), then opens its path exactly as the same URL would in the browser. File →
 * Open trace file… arrives once the user chose a file in main's dialog: the trace file view opens and reads
 * it through the bridge (features/traces/bridge-trace-file.ts).
 */
export function useOsCommands(openPalette: () => void) {
  const bridge = useBridge();
  const router = useRouter();
  // Subscribed once (subscribing also releases a link that arrived during start-up); the latest values via refs.
  const active = useActiveConnection();
  const latest = useRef({ active, openPalette });
  latest.current = { active, openPalette };
  useEffect(() => {
    const open = (path: string) => router.history.push(MENU_PATHS[path] ?? path);
    const offLinks = bridge.onDeepLink((link) => {
      const { active } = latest.current;
      if (link.connectionId !== undefined && link.connectionId !== active.connection.id) {
        // The console remounts for the other server; the router (and so the path) carries over.
        open(link.path);
        void active.select(link.connectionId);
      } else open(link.path);
    });
    const offMenu = bridge.onMenuCommand((command) => {
      if (command.type === 'command-palette') latest.current.openPalette();
      else if (command.type === 'navigate') open(command.path);
      else {
        open('/traces/file');
        if ('failed' in command) setTraceFileOpening({ state: 'failed', ...command.failed });
        else void openChosenTraceFile(bridge.readTraceFile, command.file);
      }
    });
    return () => {
      offLinks();
      offMenu();
    };
  }, [bridge, router]);
}
