import os from 'node:os';

/** Identifies this signalling process in the bindings it writes (and so the flows it holds). */
export const NODE_ID = `${os.hostname()}:${process.pid}`;
