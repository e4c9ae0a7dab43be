// Reads the function's environment through one helper that fails loudly when a variable is missing.
import { inboxBucketEnv, queueUrlEnv, tableNameEnv, type QueueKey } from './resources.js';

export class MissingEnvironmentError extends Error {
  override readonly name = 'MissingEnvironmentError';
}

export const requireEnv = (name: string): string => {
  const value = process.env[name];
  if (value === undefined || value === '') throw new MissingEnvironmentError(`environment variable ${name} is not set`);
  return value;
};

export const tableName = (): string => requireEnv(tableNameEnv);
export const queueUrl = (key: QueueKey): string => requireEnv(queueUrlEnv(key));
/** The X12 bucket (inbox and reports). */
export const inboxBucket = (): string => requireEnv(inboxBucketEnv);
export const shardCount = (): number => {
  const count = Number(requireEnv('SHARD_COUNT'));
  if (!Number.isInteger(count) || count < 1) throw new MissingEnvironmentError('SHARD_COUNT must be a positive integer');
  return count;
};
