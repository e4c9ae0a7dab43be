// The whole local system in one call: emulators, handlers behind their event sources, the HTTP API, the schedules,
// and the demo data. Used by `npm start` and by the end-to-end tests.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Cron } from 'croner';
import type { Server } from 'node:http';
import { join } from 'node:path';
import type { AppConfig } from '../functions/shared/config-schema.js';
import type { NotificationMessage } from '../functions/shared/messages.js';
import { sendMessages } from '../functions/shared/queue-sender.js';
import { watchEveryMinutes } from '../functions/shared/resources.js';
import { startApiServer, stopServer } from './api-server.js';
import { createDevAuth, type DevAuth, type DevUser } from './dev-auth.js';
import { localClientConfig, startLocalStack, type LocalStack } from './emulators.js';
import { startRuntime, type Runtime } from './runtime.js';
import { seedDemoData, type SeedProgress } from './seed.js';

export interface LocalSystemOptions {
  readonly config: AppConfig;
  /** Persistent folder (database, signing key); in memory when absent. */
  readonly dataDir?: string;
  readonly cacheDir: string;
  readonly apiPort: number;
  readonly seed: boolean;
  /** Tenant-local "today" for the demo data. */
  readonly today: string;
  readonly seedProgress?: SeedProgress;
  readonly schedules: boolean;
  readonly onError?: (where: string, error: Error) => void;
}

export interface LocalSystem {
  readonly stack: LocalStack;
  readonly runtime: Runtime;
  readonly documentClient: DynamoDBDocumentClient;
  readonly auth: DevAuth;
  readonly apiUrl: string;
  readonly seededClaims: number;
  stop(): Promise<void>;
}

export const demoUsers = (config: AppConfig): Record<'biller' | 'manager' | 'admin', DevUser> => {
  const all = config.tenants.map((t) => t.id);
  return {
    biller: { sub: 'demo-biller', email: 'biller@demo.example', roles: ['biller'], tenants: all.slice(0, 1) },
    manager: { sub: 'demo-manager', email: 'manager@demo.example', roles: ['manager'], tenants: all },
    admin: { sub: 'demo-admin', email: 'admin@demo.example', roles: ['admin'], tenants: all },
  };
};

export const startLocalSystem = async (options: LocalSystemOptions): Promise<LocalSystem> => {
  const stops: Array<() => Promise<void>> = [];
  const stop = async (): Promise<void> => {
    for (const fn of stops.reverse()) await fn().catch(() => undefined);
    stops.length = 0;
  };
  try {
    const stack = await startLocalStack({ dataDir: options.dataDir, cacheDir: options.cacheDir });
    stops.push(() => stack.stop());
    const documentClient = DynamoDBDocumentClient.from(new DynamoDBClient(localClientConfig(stack.endpoints.dynamodb)), {
      marshallOptions: { removeUndefinedValues: true },
    });
    stops.push(async () => documentClient.destroy());

    const seededClaims = options.seed
      ? await seedDemoData(documentClient, stack.tableName, options.config, options.today, options.seedProgress)
      : 0;

    // The night's emails link to this system's own API, on the port it is started on.
    const apiUrl = `http://127.0.0.1:${options.apiPort}`;
    const runtime = await startRuntime({ stack, config: options.config, appBaseUrl: apiUrl, onError: (queue, error) => options.onError?.(queue, error) });
    stops.push(() => runtime.stop());

    const auth = await createDevAuth(options.dataDir ? join(options.dataDir, 'jwt-signing-key.json') : undefined);
    const server: Server = await startApiServer({ port: options.apiPort, handler: runtime.handlers.api, auth });
    stops.push(() => stopServer(server));

    if (options.schedules) {
      for (const tenant of options.config.tenants) {
        const [hour, minute] = tenant.nightlyAt.split(':').map(Number);
        const job = new Cron(`${minute} ${hour} * * *`, { timezone: tenant.timeZone }, () => {
          runtime.startNightly({ tenantId: tenant.id, timeZone: tenant.timeZone }).catch((e: Error) => options.onError?.('schedule', e));
        });
        stops.push(async () => job.stop());
      }
      // The watch schedule (late runs, dead letters), as EventBridge Scheduler sends it in AWS.
      const watch = new Cron(`*/${watchEveryMinutes} * * * *`, () => {
        const message: NotificationMessage = { kind: 'watch', at: new Date().toISOString() };
        sendMessages(runtime.sqs, stack.queueUrls.notifications, [message]).catch((e: Error) => options.onError?.('schedule', e));
      });
      stops.push(async () => watch.stop());
    }
    return { stack, runtime, documentClient, auth, apiUrl, seededClaims, stop };
  } catch (error) {
    await stop();
    throw error;
  }
};
