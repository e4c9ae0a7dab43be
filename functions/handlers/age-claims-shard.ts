// Lambda: ages one shard of a tenant's open claims; continues itself before its time runs out.
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { agingShardMessage } from '../shared/messages.js';
import { logger, withObservability } from '../shared/observability.js';
import { ageClaimsShard } from '../services/nightly-run.js';
import { nightlyDepsFromEnv } from './nightly-deps.js';

const processor = new BatchProcessor(EventType.SQS);
const deps = nightlyDepsFromEnv(true);

const processRecord = async (record: SQSRecord, context: Context): Promise<void> => {
  const message = agingShardMessage.parse(JSON.parse(record.body));
  // A failure goes back to the queue to retry; the service counts it for the digest's run health (a killed worker
  // cannot count itself, so the try that takes its segment up does).
  const outcome = await ageClaimsShard(deps, message, () => context.getRemainingTimeInMillis(), () => new Date().toISOString());
  logger.info('aging shard', { tenantId: message.tenantId, runDate: message.runDate, shard: message.shard, outcome });
};

export const handler = withObservability(async (event: SQSEvent, context: Context) =>
  processPartialResponse(event, (record: SQSRecord) => processRecord(record, context), processor, { context }),
);
