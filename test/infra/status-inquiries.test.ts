// CDK assertions on the 276 outbox: the notification function (which writes each night's status inquiries) may put
// objects under outbox/ of the X12 bucket and nothing else there; the API function may only read them; both are told
// the bucket and may use its key the way they need (encrypt to write, decrypt to read).
import { App, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type FollowupApp } from '../../lib/app.js';
import { loadConfig } from '../../lib/config.js';

let built: FollowupApp;
let service: Template;
let bucketId = '';

beforeAll(() => {
  built = buildApp(loadConfig('dev'), new App({ outdir: mkdtempSync(join(tmpdir(), 'cdk-276-')), context: { 'aws:cdk:bundling-stacks': [] } }));
  service = Template.fromStack(built.service);
  bucketId = built.stateful.getLogicalId(built.stateful.x12Inbox.bucket.node.defaultChild as CfnElement);
});

type Statement = { Effect: string; Action: string | string[]; Resource: unknown };
const actionsOf = (s: Statement): string[] => (Array.isArray(s.Action) ? s.Action : [s.Action]);
const text = (value: unknown): string => JSON.stringify(value);

const functionBy = (description: string) => {
  const entry = Object.entries(service.findResources('AWS::Lambda::Function')).find(([, fn]) => String(fn.Properties.Description).startsWith(description));
  expect(entry).toBeDefined();
  const [, fn] = entry!;
  const roleName = text(fn.Properties.Role).match(/"([A-Za-z0-9]+ServiceRole[A-Za-z0-9]+)"/)![1]!;
  const statements = Object.values(service.findResources('AWS::IAM::Policy'))
    .filter((p) => text(p.Properties.Roles).includes(roleName))
    .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
  return { fn, statements, s3: statements.filter((s) => s.Effect === 'Allow' && actionsOf(s).some((a) => a.startsWith('s3:'))) };
};

describe('276 outbox permissions', () => {
  it('lets the notification function put objects under outbox/ only, and encrypt with the bucket key', () => {
    const { fn, s3, statements } = functionBy('Sends digests');
    expect(text(fn.Properties.Environment.Variables.INBOX_BUCKET)).toContain(bucketId);
    expect(s3).toHaveLength(1);
    expect(actionsOf(s3[0]!)).toEqual(['s3:PutObject']);
    expect(text(s3[0]!.Resource)).toContain(bucketId);
    expect(text(s3[0]!.Resource)).toMatch(/"\/outbox\/\*"/);
    expect(statements.flatMap(actionsOf)).toContain('kms:GenerateDataKey*');
  });

  it('lets the API function get objects under outbox/ only', () => {
    const { fn, s3 } = functionBy('Biller and manager HTTP API');
    expect(text(fn.Properties.Environment.Variables.INBOX_BUCKET)).toContain(bucketId);
    expect(s3).toHaveLength(1);
    expect(actionsOf(s3[0]!)).toEqual(['s3:GetObject']);
    expect(text(s3[0]!.Resource)).toMatch(/"\/outbox\/\*"/);
  });
});
