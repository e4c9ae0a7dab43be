// Starts DynamoDB Local, fauxqs and aws-ses-v2-local once for the integration tests, on free loopback ports.
import '../../local/quiet-warnings.js';
import type { TestProject } from 'vitest/node';
import { startLocalStack, type LocalStack } from '../../local/emulators.js';
import { cacheDir } from '../../local/paths.js';

declare module 'vitest' {
  export interface ProvidedContext {
    localStack: Pick<LocalStack, 'endpoints' | 'tableName' | 'queueUrls' | 'deadLetterUrls' | 'env'>;
  }
}

let stack: LocalStack | undefined;

export const setup = async (project: TestProject): Promise<void> => {
  try {
    stack = await startLocalStack({ cacheDir });
    const { endpoints, tableName, queueUrls, deadLetterUrls, env } = stack;
    project.provide('localStack', { endpoints, tableName, queueUrls, deadLetterUrls, env });
  } catch (error) {
    // A throwing global setup skips teardown: clean up here.
    await teardown();
    throw error;
  }
};

export const teardown = async (): Promise<void> => {
  await stack?.stop();
  stack = undefined;
};
