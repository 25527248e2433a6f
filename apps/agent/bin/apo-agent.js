#!/usr/bin/env node
// Installed command `apo-agent`: the bundle (`pnpm --filter @apo/agent build`) when it has been built, else
// the TypeScript sources (Node >= 22.18 runs them directly, at ~45 MB more memory).
import { existsSync } from 'node:fs';

const bundle = new URL('../dist/apo-agent.mjs', import.meta.url);
await import(existsSync(bundle) ? bundle.href : '../src/main.ts');
