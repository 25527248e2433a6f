// The Electron build: main (ESM) → out/main, preload → out/preload/index.cjs, renderer → out/renderer.
// electron-vite finds src/main/index.ts, src/preload/index.ts and src/renderer/index.html by convention.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import { cspMetaPlugin } from './config/csp-meta-plugin.ts';

export default defineConfig({
  main: {},
  preload: {
    // Sandboxed preloads cannot be ES modules; .cjs because this package is "type": "module".
    build: { rolldownOptions: { output: { format: 'cjs', entryFileNames: '[name].cjs' } } },
  },
  renderer: {
    plugins: [react(), cspMetaPlugin()],
  },
});
