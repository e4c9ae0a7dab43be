// The single DynamoDB table: customer-managed KMS key, point-in-time recovery, deletion protection, retained, backed up.
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as events from 'aws-cdk-lib/aws-events';
import { Construct } from 'constructs';
import { tableDesign } from '../functions/shared/resources.js';

export interface ClaimsTableProps {
  readonly encryptionKey: kms.IKey;
}

export class ClaimsTable extends Construct {
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: ClaimsTableProps) {
    super(scope, id);
    const string = dynamodb.AttributeType.STRING;
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: tableDesign.partitionKey, type: string },
      sortKey: { name: tableDesign.sortKey, type: string },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: props.encryptionKey,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      timeToLiveAttribute: tableDesign.timeToLiveAttribute,
    });
    for (const index of Object.values(tableDesign.indexes)) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: string },
        sortKey: { name: index.sortKey, type: string },
        ...(index.projectedAttributes === 'all'
          ? { projectionType: dynamodb.ProjectionType.ALL }
          : { projectionType: dynamodb.ProjectionType.INCLUDE, nonKeyAttributes: [...index.projectedAttributes] }),
      });
    }

    // Daily backups kept 35 days, monthly kept 7 years (HIPAA: audit history is kept about six years).
    const vault = new backup.BackupVault(this, 'Vault', {
      encryptionKey: props.encryptionKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const plan = new backup.BackupPlan(this, 'BackupPlan', { backupVault: vault });
    plan.addRule(
      new backup.BackupPlanRule({
        ruleName: 'Daily',
        scheduleExpression: events.Schedule.cron({ hour: '5', minute: '0' }),
        deleteAfter: Duration.days(35),
      }),
    );
    plan.addRule(
      new backup.BackupPlanRule({
        ruleName: 'Monthly',
        scheduleExpression: events.Schedule.cron({ day: '1', hour: '5', minute: '0' }),
        deleteAfter: Duration.days(7 * 365),
      }),
    );
    plan.addSelection('ClaimsTable', { resources: [backup.BackupResource.fromDynamoDbTable(this.table)] });
  }
}
