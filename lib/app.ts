// Builds the whole CDK app from a validated configuration: the stateful and service stacks, with cdk-nag applied.
import { App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks } from 'cdk-nag';
import type { AppConfig } from '../functions/shared/config-schema.js';
import { acknowledgeNagFindings } from './nag-acknowledgements.js';
import { ServiceStack } from './service-stack.js';
import { StatefulStack } from './stateful-stack.js';

export interface FollowupApp {
  readonly app: App;
  readonly stateful: StatefulStack;
  readonly service: ServiceStack;
}

export const buildApp = (config: AppConfig, app: App = new App()): FollowupApp => {
  // Explicit: the service stack reads the stateful stack's exports, which must not be deleted while in use.
  app.node.setContext('@aws-cdk/core:defaultCrossStackReferences', 'strong');
  // Server access logs are delivered under a bucket policy (not the log-delivery ACL, which enforced ownership forbids).
  app.node.setContext('@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy', true);
  const env = { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION };
  const prefix = `ClaimFollowup-${config.stage}`;
  const stateful = new StatefulStack(app, `${prefix}-Stateful`, { env, config, terminationProtection: true });
  const service = new ServiceStack(app, `${prefix}-Service`, {
    env,
    config,
    table: stateful.claims.table,
    dataKey: stateful.dataKey,
    queues: stateful.queues,
    x12Bucket: stateful.x12Inbox.bucket,
  });
  Tags.of(app).add('app', 'claim-followup');
  Tags.of(app).add('stage', config.stage);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new HIPAASecurityChecks(app));
  acknowledgeNagFindings(stateful, service);
  return { app, stateful, service };
};
