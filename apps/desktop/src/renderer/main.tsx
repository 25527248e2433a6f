import { startEarlyData } from './boot/early-data.ts';

// The first view's request leaves before the app's code has loaded (boot/early-data.ts); React DOM, the
// router and the UI come as their own chunk meanwhile.
startEarlyData();
import('./boot/start-app.tsx').catch((error: unknown) => {
  // Without the app there is no error view either: say it plainly where the app would have been.
  const root = document.getElementById('root');
  if (root !== null) {
    root.textContent = `The console's code did not load (${String(error)}). Reload the page to try again.`;
  }
});
