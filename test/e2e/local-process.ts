// `npm start` run as a child process, the way a user runs it, for the end-to-end tests.
import { spawn, type ChildProcess } from 'node:child_process';

/**
 * Starts `npm start` (as `node --import tsx local/start.ts`) over its own data folder; resolves once it serves. The
 * child gets the environment a user's shell would give it: not the test runner's POWERTOOLS_LOG_LEVEL, so
 * `LOG_LEVEL` (in `env`) alone sets the functions' log level, default WARN.
 */
export const startSystem = async (home: string, port: number, env: Record<string, string> = {}): Promise<{ child: ChildProcess; output: () => string }> => {
  const { POWERTOOLS_LOG_LEVEL: _runnerLevel, LOG_LEVEL: _inherited, ...inherited } = process.env;
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/start.ts', '--port', String(port)], {
    env: { ...inherited, CLAIM_FOLLOWUP_HOME: home, DEMO_CLAIMS_PER_TENANT: '150', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 120_000;
  while (!output.includes('Press Ctrl-C to stop.')) {
    if (child.exitCode !== null) throw new Error(`npm start exited early:\n${output}`);
    if (Date.now() > deadline) throw new Error(`npm start did not come up:\n${output}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return { child, output: () => output };
};

/** Ctrl-C, as a user stops it; resolves to the exit code. */
export const stopWithCtrlC = async (child: ChildProcess): Promise<number | null> => {
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGINT');
  return exited;
};

