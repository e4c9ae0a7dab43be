// Claim events: the ingest queue feeds the ingest-claim-events function, which applies them to the table.
import { Duration } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { FollowupFunction, type FunctionDefaults } from './followup-function.js';

export class Ingestion extends Construct {
  readonly consumer: FollowupFunction;

  constructor(scope: Construct, id: string, props: FunctionDefaults) {
    super(scope, id);
    this.consumer = new FollowupFunction(this, 'IngestClaimEvents', {
      ...props.functionProps,
      handler: 'ingest-claim-events',
      description: 'Validates claim events and applies them to claims, idempotently and in any order',
      timeout: Duration.seconds(props.queues.ingest.spec.consumerTimeoutSeconds),
    })
      .bindTable(props.table)
      .consume(props.queues.ingest);
  }
}
