// The console as a plain web app (no Electron): `pnpm dev:web` for development, `vite build` → out/web for
// E2E tests and for serving next to the server.
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig, loadEnv } from 'vite';
import { cspMetaPlugin } from './config/csp-meta-plugin.ts';

export default defineConfig(({ mode }) => {
  // Without `?server=`, the console calls its own origin; the dev and preview servers forward /trpc to the
  // APO server (APO_SERVER_URL, default the local server) so that works here too.
  const env = loadEnv(mode, process.cwd(), 'APO_');
  const target = env.APO_SERVER_URL ?? 'http://127.0.0.1:3300';
  // /api: the binary trace columns and the Jaeger query API.
  const proxy = { '/trpc': { target, changeOrigin: true }, '/api': { target, changeOrigin: true } };
  return {
    root: fileURLToPath(new URL('src/renderer', import.meta.url)),
    base: './',
    plugins: [react(), cspMetaPlugin()],
    build: { outDir: fileURLToPath(new URL('out/web', import.meta.url)), emptyOutDir: true },
    server: { host: '127.0.0.1', proxy },
    preview: { host: '127.0.0.1', proxy },
  };
});
