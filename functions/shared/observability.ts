// Powertools singletons and the middy stack every handler uses (tracer, then logger, then metrics).
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';

/** The log level the environment names, read as Powertools reads it (`POWERTOOLS_LOG_LEVEL`, then `LOG_LEVEL`). */
const levelInEnvironment = (): string => (process.env.POWERTOOLS_LOG_LEVEL || process.env.LOG_LEVEL || '').toUpperCase();
const logLevels = new Set(['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'CRITICAL', 'SILENT']);

export const logger = new Logger({ serviceName: 'claim-followup' });
/** The level named when the logger was made (Powertools reads it then, and only then). */
const levelAtConstruction = levelInEnvironment();
export const metrics = new Metrics({ namespace: 'ClaimFollowup', serviceName: 'claim-followup', logger });
/** The local runtime turns metrics off (there is no CloudWatch to read the EMF lines). */
const metricsEnabled = process.env.POWERTOOLS_METRICS_DISABLED !== 'true';

/**
 * X-Ray tracing, in Lambda only. The X-Ray SDK installs an async hook on every promise as soon as it is loaded,
 * so outside Lambda (local runtime, tests, benchmarks), where there is no daemon to send to, it is not loaded.
 */
const tracingEnabled = process.env.AWS_LAMBDA_FUNCTION_NAME !== undefined && process.env.POWERTOOLS_TRACE_ENABLED !== 'false';
const tracing = tracingEnabled
  ? {
      tracer: new (await import('@aws-lambda-powertools/tracer')).Tracer({ serviceName: 'claim-followup' }),
      captureLambdaHandler: (await import('@aws-lambda-powertools/tracer/middleware')).captureLambdaHandler,
    }
  : undefined;
export const tracer: Tracer | undefined = tracing?.tracer;

/** An AWS SDK client, traced when tracing is on. */
export const traced = <T>(client: T): T => (tracer ? tracer.captureAWSv3Client(client) : client);

/** Wraps a handler with tracing, structured logs with the request id, and metrics flushed per invocation. */
export const withObservability = <TEvent, TResult>(handler: (event: TEvent, context: Context) => Promise<TResult>) => {
  // The logger is one per process, made by whichever module imports this one first. Outside Lambda that may be
  // before the functions' environment is set (the local runtime sets it, then loads the handlers; a tool or test
  // may import a module that logs before that): a handler, wrapped when it loads, applies the level its environment
  // names if that changed since. In Lambda the environment never changes, so this never runs there (and leaves
  // Powertools' debug sampling and Advanced Logging Controls alone).
  const level = levelInEnvironment();
  if (level !== levelAtConstruction && logLevels.has(level) && logger.getLevelName() !== level) logger.setLogLevel(level as Parameters<Logger['setLogLevel']>[0]);
  const wrapped = middy(handler);
  if (tracing) wrapped.use(tracing.captureLambdaHandler(tracing.tracer, { captureResponse: false }));
  wrapped.use(injectLambdaContext(logger, { resetKeys: true }));
  return metricsEnabled ? wrapped.use(logMetrics(metrics)) : wrapped;
};
