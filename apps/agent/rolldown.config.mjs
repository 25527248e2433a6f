// The deployable agent: one ES module with its dependencies bundled (dist/apo-agent.mjs). Running the
// TypeScript sources works too, but Node's type stripping keeps a WebAssembly compiler resident (~45 MB of
// RSS); an agent runs on every host, so its footprint is measured and shipped from this bundle.
export default {
  input: 'src/main.ts',
  platform: 'node',
  output: { file: 'dist/apo-agent.mjs', format: 'esm', sourcemap: true },
};
