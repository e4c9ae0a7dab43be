// Powertools singletons and the middy stack every handler uses (tracer, then logger, then metrics).
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';

export const logger = new Logger({ serviceName: 'claim-followup' });
export const metrics = new Metrics({ namespace: 'ClaimFollowup', serviceName: 'claim-followup', logger });
/** The local runtime turns metrics off (there is no CloudWatch to read the EMF lines). */
const metricsEnabled = process.env.POWERTOOLS_METRICS_DISABLED !== 'true';
export const tracer = new Tracer({ serviceName: 'claim-followup' });

/** Wraps a handler with tracing, structured logs with the request id, and metrics flushed per invocation. */
export const withObservability = <TEvent, TResult>(handler: (event: TEvent, context: Context) => Promise<TResult>) => {
  const wrapped = middy(handler)
    .use(captureLambdaHandler(tracer, { captureResponse: false }))
    .use(injectLambdaContext(logger, { resetKeys: true }));
  return metricsEnabled ? wrapped.use(logMetrics(metrics)) : wrapped;
};
