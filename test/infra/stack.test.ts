// The CDK stack synthesised offline: the properties the design asks of storage, tables and
// queues, and cdk-nag's AwsSolutions checks with no unsuppressed finding.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ClipforgeStack } from '../../infra/clipforgeStack.ts';

const outdir = mkdtempSync(join(tmpdir(), 'clipforge-cdk-'));

function synth() {
  const app = new App({ outdir });
  const stack = new ClipforgeStack(app, 'Test', { env: { account: '123456789012', region: 'eu-west-1' } });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  let failure: unknown;
  try {
    app.synth();
  } catch (err) {
    failure = err;
  }
  return { stack, template: Template.fromStack(stack), failure };
}

const { template, failure } = synth();

test('every bucket is private, encrypted and TLS-only', () => {
  const buckets = template.findResources('AWS::S3::Bucket');
  assert.equal(Object.keys(buckets).length, 4);
  for (const [id, b] of Object.entries(buckets)) {
    const p = (b as { Properties: Record<string, any> }).Properties;
    assert.deepEqual(p.PublicAccessBlockConfiguration, { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true }, id);
    assert.equal(p.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm, 'AES256', id);
  }
  const policies = Object.values(template.findResources('AWS::S3::BucketPolicy')) as Array<{ Properties: { PolicyDocument: { Statement: any[] } } }>;
  const tlsOnly = policies.filter((p) => p.Properties.PolicyDocument.Statement.some((s) => s.Effect === 'Deny' && s.Condition?.Bool?.['aws:SecureTransport'] === 'false'));
  assert.equal(tlsOnly.length, 4, 'a deny-without-TLS statement on each bucket');
});

test('work objects under temporary prefixes expire after a day; incomplete multipart uploads are aborted', () => {
  template.hasResourceProperties('AWS::S3::Bucket', {
    LifecycleConfiguration: {
      Rules: Match.arrayWith([
        Match.objectLike({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 }, Status: 'Enabled' }),
        Match.objectLike({ Prefix: 'jobs/', ExpirationInDays: 1, Status: 'Enabled' }),
        Match.objectLike({ Prefix: 'tmp/', ExpirationInDays: 1, Status: 'Enabled' }),
      ]),
    },
  });
});

test('tables: jobs, connections indexed by job, transcript cache with TTL', () => {
  template.resourceCountIs('AWS::DynamoDB::Table', 3);
  template.hasResourceProperties('AWS::DynamoDB::Table', {
    KeySchema: [{ AttributeName: 'key', KeyType: 'HASH' }],
    TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    BillingMode: 'PAY_PER_REQUEST',
  });
  template.hasResourceProperties('AWS::DynamoDB::Table', {
    GlobalSecondaryIndexes: [Match.objectLike({ IndexName: 'byJob', KeySchema: [{ AttributeName: 'jobId', KeyType: 'HASH' }, { AttributeName: 'connectionId', KeyType: 'RANGE' }] })],
  });
});

test('queues have dead-letter queues; uploads notify the intake queue', () => {
  const queues = template.findResources('AWS::SQS::Queue');
  const withDlq = Object.values(queues).filter((q) => (q as { Properties: { RedrivePolicy?: unknown } }).Properties.RedrivePolicy);
  assert.equal(withDlq.length, 2);
  template.hasResourceProperties('Custom::S3BucketNotifications', {
    NotificationConfiguration: { QueueConfigurations: [Match.objectLike({ Events: ['s3:ObjectCreated:*'] })] },
  });
});

test('the starter Lambda: current Node runtime, bounded concurrency on the intake queue, partial batch failures', () => {
  template.hasResourceProperties('AWS::Lambda::Function', { Runtime: Match.stringLikeRegexp('^nodejs(2[2-9]|[3-9]\\d)\\.x$'), Environment: { Variables: Match.objectLike({ STATE_MACHINE_ARN: Match.anyValue() }) } });
  template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
    ScalingConfig: { MaximumConcurrency: 2 },
    FunctionResponseTypes: ['ReportBatchItemFailures'],
    BatchSize: 10,
  });
  const policies = JSON.stringify(template.findResources('AWS::IAM::Policy'));
  assert.match(policies, /states:StartExecution/);
});

test('the HTTP API: every route IAM-authorised, access-logged and throttled', () => {
  const all = Object.values(template.findResources('AWS::ApiGatewayV2::Route')) as Array<{ Properties: { RouteKey: string; AuthorizationType: string } }>;
  const routes = all.filter((r) => r.Properties.RouteKey === '$default' || r.Properties.RouteKey.includes(' '));
  assert.deepEqual(routes.map((r) => r.Properties.RouteKey).sort(), ['$default', 'DELETE /jobs/{id}', 'GET /jobs', 'GET /jobs/{id}', 'POST /jobs', 'POST /uploads']);
  for (const r of routes) assert.equal(r.Properties.AuthorizationType, 'AWS_IAM', r.Properties.RouteKey);
  template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
    StageName: '$default',
    AccessLogSettings: Match.objectLike({ DestinationArn: Match.anyValue() }),
    DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
  });
  const apiPolicy = JSON.stringify(template.findResources('AWS::IAM::Policy', { Properties: { PolicyName: Match.stringLikeRegexp('JobsApiFnRole') } }));
  assert.doesNotMatch(apiPolicy, /"s3:\*"|"dynamodb:\*"|Abort\*|GetObject\*/, 'no wildcard actions');
});

test('the WebSocket API: $connect IAM-authorised, subscribe and $disconnect routes, access-logged stage', () => {
  const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')) as Array<{ Properties: { RouteKey: string; AuthorizationType?: string } }>;
  const ws = Object.fromEntries(routes.filter((r) => /^(\$connect|\$disconnect|subscribe)$/.test(r.Properties.RouteKey)).map((r) => [r.Properties.RouteKey, r.Properties.AuthorizationType]));
  assert.deepEqual(Object.keys(ws).sort(), ['$connect', '$disconnect', 'subscribe']);
  assert.equal(ws.$connect, 'AWS_IAM');
  template.hasResourceProperties('AWS::ApiGatewayV2::Stage', { StageName: 'prod', AccessLogSettings: Match.objectLike({ DestinationArn: Match.anyValue() }) });
  assert.match(JSON.stringify(template.findResources('AWS::IAM::Policy')), /execute-api:ManageConnections/);
});

test('the transcription worker: one task at a time per instance, at most 2 at once, OpenAI key from Secrets Manager', () => {
  template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { BatchSize: 1, ScalingConfig: { MaximumConcurrency: 2 }, FunctionResponseTypes: ['ReportBatchItemFailures'] });
  template.resourceCountIs('AWS::SecretsManager::Secret', 1);
  const fns = Object.values(template.findResources('AWS::Lambda::Function')) as Array<{ Properties: { Timeout?: number; Environment?: { Variables?: Record<string, unknown> } } }>;
  const worker = fns.find((f) => f.Properties.Environment?.Variables?.OPENAI_SECRET_ARN)!;
  assert.ok(worker, 'the worker gets the secret by ARN, not the key itself');
  const queues = Object.values(template.findResources('AWS::SQS::Queue')) as Array<{ Properties: { VisibilityTimeout?: number } }>;
  assert.ok(queues.some((q) => (q.Properties.VisibilityTimeout ?? 0) >= worker.Properties.Timeout!), 'the queue hides a message at least as long as the worker may take');
});

test("cdk-nag's AwsSolutions checks find nothing unacknowledged", () => {
  const report = readdirSync(outdir).find((f) => f.startsWith('policy-validation-report'));
  const text = report ? readFileSync(join(outdir, report), 'utf8') : '';
  assert.equal(failure, undefined, `synth failed validation:\n${text.slice(0, 4000)}`);
});
