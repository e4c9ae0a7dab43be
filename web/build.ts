// Builds the web app (Vite, web/vite.config.ts) into a folder named by a hash of its sources, so a build is done
// once per change of the app: `npm start` and the tests reuse a build whose sources have not changed, and two
// processes building at once never see each other's half-written files (each builds in a folder of its own, renamed
// into place in one step). Prints the first-load JavaScript, gzipped, against the 200 KB budget.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

export const webDir = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = join(webDir, '..');
/** Builds live under .local/ (git-ignored), whatever CLAIM_FOLLOWUP_HOME says: they depend on the sources only. */
export const webBuildsDir = join(repoRoot, '.local', 'web');
/** First-load JavaScript budget, gzipped (issue 16). */
export const firstLoadBudgetBytes = 200 * 1024;

const files = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? files(path) : [path];
  });

/** What the build depends on: the app's sources, its HTML and public files, the build config, and the lock file. */
const sources = (): string[] =>
  [...files(join(webDir, 'src')), ...files(join(webDir, 'public')), join(webDir, 'index.html'), join(webDir, 'vite.config.ts'), join(repoRoot, 'package-lock.json')].sort();

export const sourceHash = (): string => {
  const hash = createHash('sha256');
  for (const file of sources()) hash.update(relative(repoRoot, file)).update('\0').update(readFileSync(file)).update('\0');
  return hash.digest('hex').slice(0, 16);
};

export interface WebBuild {
  readonly dir: string;
  /** Whether this call built it (false: an up-to-date build was reused). */
  readonly built: boolean;
  /** The JavaScript index.html loads (its entry and module preloads), gzipped, in bytes. */
  readonly firstLoadJsGzipBytes: number;
  readonly firstLoadCssGzipBytes: number;
}

/** The JS and CSS files index.html loads before the app runs, from its script and link tags. */
export const firstLoadFiles = (dir: string): { js: string[]; css: string[] } => {
  const html = readFileSync(join(dir, 'index.html'), 'utf8');
  const refs = (pattern: RegExp) => [...html.matchAll(pattern)].map((m) => join(dir, m[1]!.replace(/^\//, '')));
  return {
    js: [...refs(/<script[^>]+src="([^"]+)"/g), ...refs(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+)"/g)],
    css: refs(/<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"/g),
  };
};

const gzipBytes = (paths: readonly string[]): number => paths.reduce((sum, path) => sum + gzipSync(readFileSync(path), { level: 9 }).length, 0);

export const measure = (dir: string): Pick<WebBuild, 'firstLoadJsGzipBytes' | 'firstLoadCssGzipBytes'> => {
  const { js, css } = firstLoadFiles(dir);
  return { firstLoadJsGzipBytes: gzipBytes(js), firstLoadCssGzipBytes: gzipBytes(css) };
};

const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;

export const describeBuild = (build: WebBuild): string =>
  `web app ${build.built ? 'built' : 'up to date'}: first-load JS ${kb(build.firstLoadJsGzipBytes)} gzipped (budget ${kb(firstLoadBudgetBytes)}), CSS ${kb(build.firstLoadCssGzipBytes)} gzipped`;

/** Runs Vite into `outDir` (emptied first). */
export const viteBuild = async (outDir: string): Promise<void> => {
  const { build } = await import('vite');
  await build({ configFile: join(webDir, 'vite.config.ts'), build: { outDir, emptyOutDir: true }, logLevel: 'warn' });
};

/** The build of the current sources: reused when it exists, else built now. Older builds are removed. */
export const ensureWebBuild = async (options: { readonly log?: (line: string) => void } = {}): Promise<WebBuild> => {
  const hash = sourceHash();
  const dir = join(webBuildsDir, hash);
  let built = false;
  if (!existsSync(join(dir, 'index.html'))) {
    mkdirSync(webBuildsDir, { recursive: true });
    const staging = join(webBuildsDir, `.building-${hash}-${process.pid}-${Date.now()}`);
    try {
      await viteBuild(staging);
      try {
        renameSync(staging, dir);
        built = true;
      } catch (error) {
        // Another process finished the same build first: use theirs.
        if (!existsSync(join(dir, 'index.html'))) throw error;
      }
    } finally {
      rmSync(staging, { recursive: true, force: true });
    }
    // Builds of older sources, and staging folders an interrupted build left (older than an hour).
    for (const entry of readdirSync(webBuildsDir)) {
      const path = join(webBuildsDir, entry);
      const stale = entry.startsWith('.building-') ? Date.now() - statSync(path).mtimeMs > 3_600_000 : entry !== hash;
      if (stale) rmSync(path, { recursive: true, force: true });
    }
  }
  const result: WebBuild = { dir, built, ...measure(dir) };
  options.log?.(describeBuild(result));
  return result;
};

// `tsx web/build.ts [outDir]`: builds (into outDir, or the hashed folder) and prints the bundle size.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const outDir = process.argv[2];
  if (outDir) {
    await viteBuild(outDir);
    console.log(describeBuild({ dir: outDir, built: true, ...measure(outDir) }));
  } else await ensureWebBuild({ log: console.log });
}
