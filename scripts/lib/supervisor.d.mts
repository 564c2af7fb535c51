// Types of supervisor.mjs for the TypeScript tests that drive it (apps/b2bua/test).
import type { ChildProcess } from 'node:child_process';

export interface SupervisorOptions {
  log: (msg: string) => void;
  minBackoffMs?: number;
  maxBackoffMs?: number;
  stableMs?: number;
  stopTimeoutMs?: number;
}

export declare class Supervisor {
  constructor(options: SupervisorOptions);
  add(name: string, start: () => ChildProcess): void;
  child(name: string): ChildProcess | undefined;
  restarts(name: string): number;
  stop(): Promise<void>;
}
