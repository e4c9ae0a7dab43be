// Clearinghouse files in: the x12 queue (S3 notifications of the inbox) feeds ingest-x12-file, which streams each file,
// sends its claim events to the ingest queue and stores its report in the bucket and the table.
import { Duration } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { FollowupFunction, type FunctionDefaults } from './followup-function.js';

export interface X12FilesProps extends FunctionDefaults {
  /** The X12 bucket (stateful stack): inbox files in, reports out. */
  readonly bucket: s3.IBucket;
}

/** The ingest-x12-file function's ephemeral storage (/tmp), in MB. */
export const x12TempStorageMB = 2048;

export class X12Files extends Construct {
  readonly consumer: FollowupFunction;

  constructor(scope: Construct, id: string, props: X12FilesProps) {
    super(scope, id);
    this.consumer = new FollowupFunction(this, 'IngestX12File', {
      ...props.functionProps,
      handler: 'ingest-x12-file',
      description: 'Reads X12 files dropped in the inbox, sends their claim events to the ingest queue, stores each file report',
      timeout: Duration.seconds(props.queues.x12.spec.consumerTimeoutSeconds),
      // Held state is bounded whatever the file (services/x12-file-ingest.ts readX12File): bench:x12 reads a 50 MB 835,
      // and a 50 MB one of a single transaction, within 256 MB RSS. 1769 MB is one full vCPU, for the mapping.
      memorySize: 1769,
    })
      .bindTable(props.table)
      .bindX12Bucket(props.bucket)
      .bindQueueSender('ingest', props.queues.ingest)
      // A 999 or 277CA that rejects a whole batch alerts the tenant's managers.
      .bindQueueSender('notifications', props.queues.notifications)
      .consume(props.queues.x12);
    // /tmp holds, while a file is read, its report (about its size for an 835) and a large transaction's pending
    // claims (about 0.7 of it): 2 GB reads files of about 1 GB.
    (this.consumer.node.defaultChild as lambda.CfnFunction).ephemeralStorage = { size: x12TempStorageMB };
  }
}
