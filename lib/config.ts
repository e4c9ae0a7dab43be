// Loads the stage's configuration file for the CDK app and validates it; a bad value fails synth with the field named.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseAppConfig, type AppConfig } from '../functions/shared/config-schema.js';

export const configPath = (stage: string): string =>
  fileURLToPath(new URL(`../config/${stage}.json`, import.meta.url));

export const loadConfig = (stage: string): AppConfig => {
  const path = configPath(stage);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`Cannot read configuration for stage "${stage}" at ${path}: ${(error as Error).message}`);
  }
  return parseAppConfig(raw, `configuration ${path}`);
};
