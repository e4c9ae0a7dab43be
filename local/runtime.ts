// The local runtime: runs the real handlers against the embedded stack, with an SQS event source per queue.
// It holds no business logic: everything it runs is what Lambda runs.
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { AppConfig } from '../functions/shared/config-schema.js';
import type { NightlyTrigger } from '../functions/shared/messages.js';
import { queueKeys, queues, type QueueKey } from '../functions/shared/resources.js';
import { encodeTenantDirectory, tenantDirectoryEnv } from '../functions/shared/tenant-directory.js';
import type { ApiHandler } from './api-server.js';
import { localClientConfig, type LocalStack } from './emulators.js';
import { lambdaContext, SqsEventSource, type SqsEventSourceOptions, type SqsHandler } from './sqs-event-source.js';

export interface Handlers {
  readonly ingest: SqsHandler;
  readonly ageShard: SqsHandler;
  readonly notifications: SqsHandler;
  readonly startNightly: (trigger: NightlyTrigger, context: ReturnType<typeof lambdaContext>) => Promise<{ runDate: string; outcome: string }>;
  readonly api: ApiHandler;
}

/**
 * The environment CDK gives the functions, pointed at the local stack. Emails link to `appBaseUrl`: the running local
 * API's URL when there is one (the port it was started on), else the stage configuration's.
 */
export const functionEnvironment = (stackEnv: Record<string, string>, config: AppConfig, appBaseUrl = config.appBaseUrl): Record<string, string> => ({
  ...stackEnv,
  STAGE: 'local',
  SHARD_COUNT: String(config.shardCount),
  APP_BASE_URL: appBaseUrl,
  SENDER_ADDRESS: config.senderAddress,
  [tenantDirectoryEnv]: encodeTenantDirectory(config.tenants),
  POWERTOOLS_SERVICE_NAME: 'claim-followup',
  POWERTOOLS_METRICS_DISABLED: 'true',
  POWERTOOLS_LOG_LEVEL: process.env.LOG_LEVEL ?? process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
});

/** Module specifiers of the queue consumers, by the queue each consumes. */
const consumerModules: Record<QueueKey, string> = {
  ingest: '../functions/handlers/ingest-claim-events.js',
  aging: '../functions/handlers/age-claims-shard.js',
  notifications: '../functions/handlers/send-notifications.js',
  // S3 notifications of inbox files: locally sent by whoever puts the file (emulators.ts LocalInbox.put).
  x12: '../functions/handlers/ingest-x12-file.js',
};

/**
 * One execution environment of a queue consumer, as Lambda gives each concurrent invocation: a fresh instance of
 * the handler module (its module-scope state, such as the batch processor, is its own), which the event source
 * invokes one batch at a time. Without this, concurrent batches in one process would share a batch processor and
 * report each other's failures, and the event source would delete messages that failed.
 */
export const loadConsumerEnvironment = async (queue: QueueKey, environment: number): Promise<SqsHandler> =>
  ((await import(`${consumerModules[queue]}?environment=${environment}`)) as { handler: SqsHandler }).handler;

/** Handlers read their environment when loaded, so they are imported only after it is set. */
export const loadHandlers = async (env: Record<string, string>): Promise<Handlers> => {
  Object.assign(process.env, env);
  const [ingest, ageShard, notifications, startNightly, api] = await Promise.all([
    import('../functions/handlers/ingest-claim-events.js'),
    import('../functions/handlers/age-claims-shard.js'),
    import('../functions/handlers/send-notifications.js'),
    import('../functions/handlers/start-nightly-run.js'),
    import('../functions/handlers/api.js'),
  ]);
  return {
    ingest: ingest.handler as unknown as SqsHandler,
    ageShard: ageShard.handler as unknown as SqsHandler,
    notifications: notifications.handler as unknown as SqsHandler,
    startNightly: startNightly.handler as unknown as Handlers['startNightly'],
    api: api.handler as unknown as ApiHandler,
  };
};

export interface RuntimeOptions {
  readonly stack: LocalStack;
  readonly config: AppConfig;
  /** Where emails link to: the local API's URL; the configuration's appBaseUrl when absent. */
  readonly appBaseUrl?: string;
  /** Seconds before a failed message is retried (Lambda: the full visibility timeout). */
  readonly retryAfterSeconds?: number;
  readonly concurrency?: Partial<Record<QueueKey, number>>;
  readonly onError?: (queue: QueueKey, error: Error) => void;
  readonly onBatch?: (queue: QueueKey, result: Parameters<NonNullable<SqsEventSourceOptions['onBatch']>>[0]) => void;
}

export interface Runtime {
  readonly handlers: Handlers;
  readonly sqs: SQSClient;
  /** Invokes start-nightly-run as the schedule would. */
  startNightly(trigger: NightlyTrigger): Promise<{ runDate: string; outcome: string }>;
  stop(): Promise<void>;
}

const defaultConcurrency: Record<QueueKey, number> = { ingest: 4, aging: 4, notifications: queues.notifications.maxConcurrency, x12: 2 };
const functionNames: Record<QueueKey, string> = { ingest: 'ingest-claim-events', aging: 'age-claims-shard', notifications: 'send-notifications', x12: 'ingest-x12-file' };

export const startRuntime = async (options: RuntimeOptions): Promise<Runtime> => {
  const { stack, config } = options;
  const handlers = await loadHandlers(functionEnvironment(stack.env, config, options.appBaseUrl));
  const sqs = new SQSClient({ ...localClientConfig(stack.endpoints.sqs), useQueueUrlAsEndpoint: false });
  const sources: SqsEventSource[] = [];
  for (const key of queueKeys) {
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: stack.queueUrls[key], AttributeNames: ['QueueArn'] }));
    const concurrency = options.concurrency?.[key] ?? defaultConcurrency[key];
    const environments = await Promise.all(Array.from({ length: concurrency }, (_, i) => loadConsumerEnvironment(key, i + 1)));
    const source = new SqsEventSource({
      client: sqs,
      queueUrl: stack.queueUrls[key],
      queueArn: Attributes?.QueueArn ?? key,
      spec: queues[key],
      functionName: functionNames[key],
      environments,
      retryAfterSeconds: options.retryAfterSeconds ?? 2,
      onError: (error) => options.onError?.(key, error),
      onBatch: (result) => options.onBatch?.(key, result),
    });
    source.start();
    sources.push(source);
  }
  return {
    handlers,
    sqs,
    startNightly: (trigger) => handlers.startNightly(trigger, lambdaContext('start-nightly-run', 60)),
    stop: async () => {
      await Promise.all(sources.map((s) => s.stop()));
      sqs.destroy();
    },
  };
};
