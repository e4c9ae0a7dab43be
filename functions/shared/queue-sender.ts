// Sends JSON messages to a queue, ten per request, and fails if any message was not accepted.
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';

export const sendMessages = async (client: SQSClient, queueUrl: string, bodies: readonly unknown[]): Promise<void> => {
  for (let start = 0; start < bodies.length; start += 10) {
    const chunk = bodies.slice(start, start + 10);
    const result = await client.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: chunk.map((body, i) => ({ Id: String(i), MessageBody: JSON.stringify(body) })),
      }),
    );
    if (result.Failed?.length) {
      throw new Error(`queue refused ${result.Failed.length} message(s): ${result.Failed.map((f) => f.Code).join(', ')}`);
    }
  }
};
