// Reads every import under functions/ and lib/ and fails on one that reaches up a layer or closes a cycle.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** What each layer may import (itself included); a layer is a folder under functions/, or lib/ or bin/. */
const allowed: Record<string, readonly string[]> = {
  'functions/domain': ['functions/domain'],
  // Clearinghouse files: pure reading and mapping onto the claim-event contract, beside the domain.
  'functions/x12': ['functions/x12', 'functions/domain'],
  'functions/shared': ['functions/shared', 'functions/domain'],
  'functions/notify': ['functions/notify', 'functions/shared', 'functions/domain'],
  'functions/store': ['functions/store', 'functions/shared', 'functions/domain'],
  'functions/services': ['functions/services', 'functions/x12', 'functions/store', 'functions/notify', 'functions/shared', 'functions/domain'],
  'functions/api': ['functions/api', 'functions/x12', 'functions/services', 'functions/store', 'functions/notify', 'functions/shared', 'functions/domain'],
  'functions/handlers': [
    'functions/handlers',
    'functions/api',
    'functions/x12',
    'functions/services',
    'functions/store',
    'functions/notify',
    'functions/shared',
    'functions/domain',
  ],
  // Infrastructure reads the declarations below it (tables, queues, config, the route list); nothing runtime reads lib/.
  lib: ['lib', 'functions/api', 'functions/shared', 'functions/domain'],
  bin: ['bin', 'lib', 'functions/shared', 'functions/domain'],
};

const tsFiles = (folder: string): string[] =>
  readdirSync(join(root, folder), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.ts'))
    .map((name) => join(folder, name).split('\\').join('/'));

/** Module specifiers of static `import … from`, `export … from`, side-effect imports and literal `import('…')`. */
const importsOf = (source: string): string[] => {
  // A `//` after a colon is a URL in a string, not a comment.
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|\s)\/\/.*$/gm, '$1');
  const statics = code.matchAll(/^\s*(?:import|export)\b(?:[^'"`;]*?\bfrom\s*|\s*)['"]([^'"]+)['"]/gm);
  const dynamics = code.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g);
  return [...statics, ...dynamics].map((match) => match[1]!);
};

const layerOf = (file: string): string | undefined => {
  const [top, second] = file.split('/');
  if (top === 'lib' || top === 'bin') return top;
  if (top === 'functions' && second !== undefined && !second.endsWith('.ts')) return `${top}/${second}`;
  return undefined;
};

/** Relative imports resolved to repository paths (`.js` in a specifier names the `.ts` source). */
const graph = (files: readonly string[]): Map<string, string[]> =>
  new Map(
    files.map((file) => [
      file,
      importsOf(readFileSync(join(root, file), 'utf8'))
        .filter((specifier) => specifier.startsWith('.'))
        .map((specifier) => relative(root, resolve(root, dirname(file), specifier)).split('\\').join('/').replace(/\.js$/, '.ts')),
    ]),
  );

/** Every edge that leaves its layer for one the layer table does not allow. */
const upwardImports = (edges: ReadonlyMap<string, readonly string[]>): string[] =>
  [...edges].flatMap(([file, targets]) => {
    const from = layerOf(file);
    return targets
      .filter((target) => {
        const to = layerOf(target);
        return from !== undefined && !(to !== undefined && allowed[from]?.includes(to));
      })
      .map((target) => `${file} -> ${target}`);
  });

/** One cycle per back edge found by a depth-first search, written as the path that closes it. */
const cycles = (edges: ReadonlyMap<string, readonly string[]>): string[] => {
  const done = new Set<string>();
  const path: string[] = [];
  const found: string[] = [];
  const visit = (file: string): void => {
    path.push(file);
    for (const target of edges.get(file) ?? []) {
      const open = path.indexOf(target);
      if (open >= 0) found.push([...path.slice(open), target].join(' -> '));
      else if (!done.has(target) && edges.has(target)) visit(target);
    }
    path.pop();
    done.add(file);
  };
  for (const file of [...edges.keys()].sort()) if (!done.has(file)) visit(file);
  return found;
};

describe('layers', () => {
  const edges = graph([...tsFiles('functions'), ...tsFiles('lib'), ...tsFiles('bin')]);

  it('reads static, re-exported and dynamic imports, multi-line ones included', () => {
    const source = [
      "import { a,\n  b } from './a.js';",
      "import type { C } from '../c.js';",
      "export { d } from './d.js';",
      "export * from './e.js';",
      "import './f.js';",
      "const g = await import('./g.js');",
      "// import { h } from './h.js';",
      "const url = 'https://example.com/x'; // see import('./i.js')",
      "export const label = 'from here';",
    ].join('\n');
    expect(importsOf(source)).toEqual(['./a.js', '../c.js', './d.js', './e.js', './f.js', './g.js']);
  });

  it('knows every file it reads', () => {
    expect([...edges.keys()].filter((file) => layerOf(file) === undefined)).toEqual([]);
    expect([...edges.values()].flat().filter((target) => !edges.has(target) && !target.endsWith('.json'))).toEqual([]);
  });

  it('flags an upward import and a cycle in a made-up graph', () => {
    const bad = new Map([
      ['functions/shared/a.ts', ['functions/store/b.ts']],
      ['functions/store/b.ts', ['functions/shared/a.ts']],
    ]);
    expect(upwardImports(bad)).toEqual(['functions/shared/a.ts -> functions/store/b.ts']);
    expect(cycles(bad)).toEqual(['functions/shared/a.ts -> functions/store/b.ts -> functions/shared/a.ts']);
  });

  it('no file imports from a layer above its own', () => {
    expect(upwardImports(edges)).toEqual([]);
  });

  it('no import cycle among files in functions/, lib/ and bin/', () => {
    expect(cycles(edges)).toEqual([]);
  });
});
