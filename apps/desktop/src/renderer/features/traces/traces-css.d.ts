// Vite bundles an imported stylesheet with the chunk that imports it (the trace views load lazily, so their
// styles do too); TypeScript only needs to know such an import exists.
declare module '*.css';
