// How many messages wait in each dead-letter queue: run health in the digest, and the dead-letter alert.
import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { z } from 'zod';

/** Environment variable holding the dead-letter queues to watch, as JSON: { "<queue name>": "<queue url>" }. */
export const deadLetterQueuesEnv = 'DEAD_LETTER_QUEUE_URLS';

export const visibleMessages = async (client: SQSClient, queueUrl: string): Promise<number> => {
  const { Attributes } = await client.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }));
  return Number(Attributes?.ApproximateNumberOfMessages ?? 0);
};

export const deadLetterQueuesFromEnv = (): Record<string, string> =>
  z.record(z.string(), z.string().min(1)).parse(JSON.parse(process.env[deadLetterQueuesEnv] ?? '{}'));

export type DeadLetterDepth = () => Promise<Array<{ queue: string; messages: number }>>;

export const deadLetterDepth =
  (client: SQSClient, queueUrls: Readonly<Record<string, string>>): DeadLetterDepth =>
  () =>
    Promise.all(Object.entries(queueUrls).map(async ([queue, url]) => ({ queue, messages: await visibleMessages(client, url) })));
