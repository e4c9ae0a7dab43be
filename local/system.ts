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
import { batchGet } from '../functions/store/dynamo-helpers.js';
import { claimEventKey } from '../functions/store/keys.js';
import { X12FileStore } from '../functions/store/x12-file-store.js';
import { buildFileReport, fileFacts } from '../functions/x12/file-report.js';
import { readX12 } from '../functions/x12/reader.js';
import { startApiServer, stopServer, type DemoSignIn } from './api-server.js';
import { createDevAuth, type DevAuth, type DevUser } from './dev-auth.js';
import { LocalInbox, localClientConfig, startLocalStack, type LocalStack } from './emulators.js';
import { startRuntime, type Runtime } from './runtime.js';
import { seedDemoData, type DemoFile, type SeedProgress } from './seed.js';

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
  /** The built web app (web/build.ts) to serve at `/`, with the local sign-in page's dev endpoint for the demo users. */
  readonly webDir?: string;
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

/** The demo users as the local sign-in page offers them, one button each. */
export const demoSignIns = (config: AppConfig): DemoSignIn[] => {
  const users = demoUsers(config);
  return [
    { key: 'biller', label: 'Biller', ...users.biller },
    { key: 'manager', label: 'Manager of every practice', ...users.manager },
    { key: 'admin', label: 'Admin (settings)', ...users.admin },
  ];
};

/** How long the demo's X12 files may take to go through the inbox, the x12 and ingest queues. */
const demoFilesTimeoutMs = 60_000;

/**
 * Puts the demo's X12 files in the inbox, as a clearinghouse would, and waits until each is recorded (its report in the
 * table) and every claim event it carries is applied (its id marker in the claim's partition), so the first night
 * sees them.
 */
export const deliverDemoFiles = async (stack: LocalStack, documentClient: DynamoDBDocumentClient, files: readonly DemoFile[]): Promise<void> => {
  if (files.length === 0) return;
  const inbox = new LocalInbox(stack.env);
  const reports = new X12FileStore(documentClient, stack.tableName);
  try {
    const expected: Array<{ tenantId: string; sha256: string; markers: Array<Record<string, unknown>> }> = [];
    for (const file of files) {
      await inbox.put(file.tenantId, file.name, file.text);
      // The same reader and mappers the system uses: the events the file gives, by id.
      const { report, events } = await buildFileReport(fileFacts(file.name, file.text), readX12([Buffer.from(file.text)]), { tenantId: file.tenantId });
      expected.push({ tenantId: file.tenantId, sha256: report.sha256, markers: events.map((e) => claimEventKey(e.tenantId, e.payload.claimId, e.eventId)) });
    }
    const deadline = Date.now() + demoFilesTimeoutMs;
    for (const file of expected) {
      for (;;) {
        const recorded = (await reports.report(file.tenantId, file.sha256)) !== undefined;
        if (recorded && (await batchGet(documentClient, stack.tableName, file.markers)).length === file.markers.length) break;
        if (Date.now() > deadline) throw new Error(`the demo's X12 files did not go through the inbox within ${demoFilesTimeoutMs / 1000} s`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  } finally {
    inbox.close();
  }
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

    const seeded = options.seed ? await seedDemoData(documentClient, stack.tableName, options.config, options.today, options.seedProgress) : { claims: 0, files: [] };
    const seededClaims = seeded.claims;

    // The night's emails link to this system's own API, on the port it is started on.
    const apiUrl = `http://127.0.0.1:${options.apiPort}`;
    const runtime = await startRuntime({ stack, config: options.config, appBaseUrl: apiUrl, onError: (queue, error) => options.onError?.(queue, error) });
    stops.push(() => runtime.stop());
    // Part of the demo arrives as X12 files through the real path, before anything can start a night.
    await deliverDemoFiles(stack, documentClient, seeded.files);

    const auth = await createDevAuth(options.dataDir ? join(options.dataDir, 'jwt-signing-key.json') : undefined);
    const web = options.webDir ? { dir: options.webDir, demoUsers: demoSignIns(options.config) } : undefined;
    const server: Server = await startApiServer({ port: options.apiPort, handler: runtime.handlers.api, auth, ...(web ? { web } : {}) });
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
