// Headless Chromium for the browser tests, with no system package and no download: the Chromium that ships inside
// the npm package `@sparticuz/chromium` (unpacked on first use into the temp folder, once per package version), or
// the browser at `CHROMIUM_PATH` when that is set (Debian's is /usr/bin/chromium). Driven by playwright-core.
import bundled from '@sparticuz/chromium';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

/**
 * As root on a machine with no internet: no sandbox, and nothing in the background that would call out (without the
 * background-networking flags Chromium keeps trying Google's hosts and the closed network refuses it).
 */
export const chromiumFlags = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The installed `@sparticuz/chromium`'s version (its package.json is not exported, so found from its entry point). */
const bundledVersion = (): string => {
  for (let dir = dirname(createRequire(import.meta.url).resolve('@sparticuz/chromium')); dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
    if (pkg.name === '@sparticuz/chromium' && pkg.version) return pkg.version;
  }
  throw new Error('@sparticuz/chromium is not installed: run `npm ci`');
};

/**
 * The package's Chromium, unpacked (~200 MB, ~1.5 s) into `<tmp>/claim-followup-chromium-<version>/` the first time.
 * The package itself unpacks into the temp folder's root and reuses whatever `chromium` it finds there, of any
 * version and even half written; so it unpacks here into a fresh folder of its own (its temp folder is read from
 * TMPDIR), which is then renamed into place in one step: a folder that exists is complete, and of this version.
 * Also writes a fontconfig file that adds the package's fonts (Open Sans) to the system's, if any: text renders on
 * a machine that has no fonts installed.
 */
const bundledChromium = async (): Promise<{ executablePath: string; env: Record<string, string> }> => {
  const home = join(tmpdir(), `claim-followup-chromium-${bundledVersion()}`);
  const result = () => ({ executablePath: join(home, 'chromium'), env: { FONTCONFIG_FILE: join(home, 'fonts.conf') } });
  if (existsSync(home)) return result();
  const staging = mkdtempSync(`${home}.unpacking-`);
  try {
    const previousTmpdir = process.env.TMPDIR;
    process.env.TMPDIR = staging;
    try {
      const unpacked = await bundled.executablePath();
      if (unpacked !== join(staging, 'chromium')) throw new Error(`@sparticuz/chromium unpacked to ${unpacked}, not into ${staging}`);
    } finally {
      if (previousTmpdir === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = previousTmpdir;
    }
    writeFileSync(
      join(staging, 'fonts.conf'),
      `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n` +
        `  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n` +
        `  <dir>${join(home, 'fonts')}</dir>\n  <cachedir>${join(home, 'fonts-cache')}</cachedir>\n</fontconfig>\n`,
    );
    try {
      renameSync(staging, home);
    } catch (error) {
      // Another process unpacked it first: use theirs.
      if (!existsSync(home)) throw error;
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return result();
};

/** Launches headless Chromium: `CHROMIUM_PATH` if set, else the one inside `@sparticuz/chromium`. */
export const launchChromium = async (): Promise<Browser> => {
  const override = process.env.CHROMIUM_PATH;
  if (override) return chromium.launch({ executablePath: override, args: chromiumFlags });
  const { executablePath, env } = await bundledChromium();
  return chromium.launch({ executablePath, args: chromiumFlags, env: { ...process.env, ...env } as Record<string, string> });
};
