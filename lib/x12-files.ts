// Clearinghouse files in: the x12 queue (S3 notifications of the inbox) feeds ingest-x12-file, which streams each file,
// sends its claim events to the ingest queue and stores its report in the bucket and the table.
import { Duration } from 'aws-cdk-lib';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { FollowupFunction, type FunctionDefaults } from './followup-function.js';

export interface X12FilesProps extends FunctionDefaults {
  /** The X12 bucket (stateful stack): inbox files in, reports out. */
  readonly bucket: s3.IBucket;
}

export class X12Files extends Construct {
  readonly consumer: FollowupFunction;

  constructor(scope: Construct, id: string, props: X12FilesProps) {
    super(scope, id);
    this.consumer = new FollowupFunction(this, 'IngestX12File', {
      ...props.functionProps,
      handler: 'ingest-x12-file',
      description: 'Reads X12 files dropped in the inbox, sends their claim events to the ingest queue, stores each file report',
      timeout: Duration.seconds(props.queues.x12.spec.consumerTimeoutSeconds),
      // A transaction is held whole until its SE, and a file's events until it is read: one 41 MB 835 transaction of
      // 200,000 claims peaked at 1.4 GB RSS when read and mapped.
      memorySize: 3008,
    })
      .bindTable(props.table)
      .bindX12Bucket(props.bucket)
      .bindQueueSender('ingest', props.queues.ingest)
      // A 999 or 277CA that rejects a whole batch alerts the tenant's managers.
      .bindQueueSender('notifications', props.queues.notifications)
      .consume(props.queues.x12);
  }
}
