// Delivers a queue's messages to a handler the way Lambda's SQS event source does: batches, the queue's visibility
// timeout while a batch runs, partial batch failures, and the queue's own redrive to its DLQ after maxReceiveCount.
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import type { QueueSpec } from '../functions/shared/resources.js';

export type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | void>;

export interface SqsEventSourceOptions {
  readonly client: SQSClient;
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly spec: QueueSpec;
  readonly functionName: string;
  /**
   * One handler per execution environment (each its own module instance): as many batches run at once as there
   * are environments, each environment one batch at a time, like Lambda scaling out.
   */
  readonly environments: readonly SqsHandler[];
  /**
   * Seconds before a failed message is visible again. Lambda leaves it for the whole visibility timeout
   * (6x the function timeout); locally that would make a retry take minutes, so it is shortened.
   */
  readonly retryAfterSeconds: number;
  readonly onError?: (error: Error) => void;
  /** Told after each batch which messages failed (for tests and diagnostics). */
  readonly onBatch?: (result: { delivered: readonly SQSRecord[]; failed: ReadonlySet<string> }) => void;
}

export const lambdaContext = (functionName: string, timeoutSeconds: number): Context => {
  const deadline = Date.now() + timeoutSeconds * 1000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
};

const toRecord = (message: Message, queueArn: string): SQSRecord => ({
  messageId: message.MessageId!,
  receiptHandle: message.ReceiptHandle!,
  body: message.Body ?? '',
  attributes: {
    ApproximateReceiveCount: message.Attributes?.ApproximateReceiveCount ?? '1',
    SentTimestamp: message.Attributes?.SentTimestamp ?? String(Date.now()),
    SenderId: message.Attributes?.SenderId ?? 'local',
    ApproximateFirstReceiveTimestamp: message.Attributes?.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
  },
  messageAttributes: {},
  md5OfBody: message.MD5OfBody ?? '',
  eventSource: 'aws:sqs',
  eventSourceARN: queueArn,
  awsRegion: 'us-east-1',
});

export class SqsEventSource {
  private running = false;
  private loops: Promise<void>[] = [];

  constructor(private readonly options: SqsEventSourceOptions) {}

  start(): void {
    this.running = true;
    this.loops = this.options.environments.map((handler) => this.loop(handler));
  }

  /** Finishes the batches in hand; messages received while stopping are handed back to the queue at once. */
  async stop(): Promise<void> {
    this.running = false;
    await Promise.allSettled(this.loops);
  }

  private async loop(handler: SqsHandler): Promise<void> {
    while (this.running) {
      try {
        const messages = await this.receiveBatch();
        if (messages.length === 0) continue;
        if (this.running) await this.deliver(messages, handler);
        else await this.release(messages);
      } catch (error) {
        if (!this.running) return;
        this.options.onError?.(error as Error);
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  /** Fills a batch up to the queue's batch size (SQS hands out at most 10 per receive). */
  private async receiveBatch(): Promise<Message[]> {
    const { client, queueUrl, spec } = this.options;
    const batch: Message[] = [];
    while (batch.length < spec.batchSize) {
      const { Messages = [] } = await client.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: Math.min(10, spec.batchSize - batch.length),
          WaitTimeSeconds: batch.length === 0 ? 1 : 0,
          MessageSystemAttributeNames: ['All'],
        }),
      );
      batch.push(...Messages);
      if (Messages.length === 0) break;
    }
    return batch;
  }

  private release(messages: Message[]): Promise<void> {
    return this.makeVisibleIn(messages.map((m) => m.ReceiptHandle!), 0);
  }

  /** Ten receipt handles per request, the SQS maximum. */
  private async makeVisibleIn(receiptHandles: string[], seconds: number): Promise<void> {
    for (let i = 0; i < receiptHandles.length; i += 10) {
      await this.options.client.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: this.options.queueUrl,
          Entries: receiptHandles.slice(i, i + 10).map((handle, j) => ({ Id: String(j), ReceiptHandle: handle, VisibilityTimeout: seconds })),
        }),
      );
    }
  }

  private async deliver(messages: Message[], handler: SqsHandler): Promise<void> {
    const { client, queueUrl, queueArn, spec, functionName } = this.options;
    const records = messages.map((m) => toRecord(m, queueArn));
    let failed: Set<string>;
    try {
      const response = await handler({ Records: records }, lambdaContext(functionName, spec.consumerTimeoutSeconds));
      failed = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
    } catch (error) {
      // An invocation that throws fails the whole batch, as in Lambda.
      this.options.onError?.(error as Error);
      failed = new Set(records.map((r) => r.messageId));
    }
    this.options.onBatch?.({ delivered: records, failed });
    const succeeded = records.filter((r) => !failed.has(r.messageId));
    const retry = records.filter((r) => failed.has(r.messageId));
    for (let i = 0; i < succeeded.length; i += 10) {
      await client.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: succeeded.slice(i, i + 10).map((r, j) => ({ Id: String(j), ReceiptHandle: r.receiptHandle })),
        }),
      );
    }
    await this.makeVisibleIn(retry.map((r) => r.receiptHandle), this.options.retryAfterSeconds);
  }
}
