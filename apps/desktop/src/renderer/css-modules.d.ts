// A feature's own stylesheet, imported for its side effect (Vite bundles it with the feature's chunk).
declare module '*.css';
