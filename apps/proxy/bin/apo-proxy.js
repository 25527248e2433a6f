#!/usr/bin/env node
// Installed command `apo-proxy`. Node >= 22.18 runs the TypeScript source directly (type stripping).
import '../src/main.ts';
