// Moves a dead-letter queue's messages back to their queue (what SQS's "start DLQ redrive" does in AWS; the
// local emulator lacks StartMessageMoveTask).
import { DeleteMessageBatchCommand, ReceiveMessageCommand, SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';

export { visibleMessages } from '../functions/shared/dead-letter-depth.js';

/** Moves every visible message from `deadLetterUrl` to `queueUrl`; returns how many moved. */
export const redrive = async (client: SQSClient, deadLetterUrl: string, queueUrl: string): Promise<number> => {
  let moved = 0;
  for (;;) {
    const { Messages = [] } = await client.send(new ReceiveMessageCommand({ QueueUrl: deadLetterUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 60, WaitTimeSeconds: 0 }));
    if (Messages.length === 0) return moved;
    const sent = await client.send(
      new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: Messages.map((m, i) => ({ Id: String(i), MessageBody: m.Body ?? '' })) }),
    );
    // Only what reached the queue leaves the dead-letter queue.
    const delivered = new Set((sent.Successful ?? []).map((s) => Number(s.Id)));
    const done = Messages.filter((_, i) => delivered.has(i));
    if (done.length) {
      await client.send(new DeleteMessageBatchCommand({ QueueUrl: deadLetterUrl, Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })) }));
    }
    moved += done.length;
    if (done.length < Messages.length) throw new Error(`${Messages.length - done.length} message(s) could not be sent back; they stay in the dead-letter queue`);
  }
};
