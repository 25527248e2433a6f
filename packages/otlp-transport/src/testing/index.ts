/** Helpers for the Node-side tests of the agent, proxy and server (not part of any runtime). */
export { freePort } from './free-port.ts';
export { waitForAnswer, spawnNode, watchNodeProcess, type NodeProcess } from './node-process.ts';
export { mountSmallDisk, deletedFilesOpen, type SmallDisk } from './small-disk.ts';
