// Where the local runtime keeps its state: all under .local/ (git-ignored).
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** CLAIM_FOLLOWUP_HOME moves it elsewhere (the end-to-end tests use a temporary folder). */
export const localRoot = process.env.CLAIM_FOLLOWUP_HOME
  ? `${process.env.CLAIM_FOLLOWUP_HOME.replace(/\/$/, '')}/`
  : fileURLToPath(new URL('../.local/', import.meta.url));
export const dataDir = `${localRoot}data`;
export const cacheDir = `${localRoot}cache`;
/** Written by `npm start` while it runs, so `npm run nightly` can use the running system. */
export const runtimeStateFile = `${localRoot}runtime.json`;

export interface RuntimeState {
  readonly pid: number;
  readonly apiUrl: string;
  readonly env: Record<string, string>;
  readonly deadLetterUrls?: Record<string, string>;
}

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** The running `npm start`, if there is one. */
export const runningSystem = (): RuntimeState | undefined => {
  if (!existsSync(runtimeStateFile)) return undefined;
  try {
    const state = JSON.parse(readFileSync(runtimeStateFile, 'utf8')) as RuntimeState;
    return isAlive(state.pid) ? state : undefined;
  } catch {
    return undefined;
  }
};
