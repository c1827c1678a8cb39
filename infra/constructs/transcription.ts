// The transcription worker: the transcribe queue's consumer, at most `maxConcurrency` at once
// across every execution (the speech API's rate limit is the account's), with the OpenAI key
// from Secrets Manager.
import { Duration, Validations } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledgeWildcardResources, nagArnOf } from '../nag.ts';
import { nodeLambda } from './starter.ts';

export class Transcription extends Construct {
  readonly fn: NodejsFunction;
  readonly openAiKey: Secret;

  constructor(scope: Construct, id: string, props: { queue: Queue; work: Bucket; cache: Table; maxConcurrency?: number }) {
    super(scope, id);
    this.openAiKey = new Secret(this, 'OpenAiKey', { description: 'OpenAI API key for clipforge (set it after deploying; see the README)' });
    Validations.of(this.openAiKey).acknowledge({ id: 'AwsSolutions-SMG4', reason: 'An OpenAI API key is issued and rotated in OpenAI\'s dashboard; there is no rotation Lambda that could do it.' });
    this.fn = nodeLambda(
      this,
      'Fn',
      'lambdas/transcribe/handler.ts',
      { WORK_BUCKET: props.work.bucketName, CACHE_TABLE: props.cache.tableName, OPENAI_SECRET_ARN: this.openAiKey.secretArn },
      Duration.minutes(15),
    );
    for (const s of [
      new PolicyStatement({ actions: ['s3:GetObject', 's3:PutObject'], resources: [props.work.arnForObjects('jobs/*')] }),
      new PolicyStatement({ actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'], resources: [props.cache.tableArn] }),
      new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [this.openAiKey.secretArn] }),
      // Task tokens belong to executions of any state machine that sent them; the token is the credential.
      new PolicyStatement({ actions: ['states:SendTaskSuccess', 'states:SendTaskFailure', 'states:SendTaskHeartbeat'], resources: ['*'] }),
    ]) {
      this.fn.addToRolePolicy(s);
    }
    this.fn.addEventSource(new SqsEventSource(props.queue, { batchSize: 1, maxConcurrency: props.maxConcurrency ?? 2, reportBatchItemFailures: true }));
    const policy = this.fn.role?.node.tryFindChild('DefaultPolicy');
    if (policy) {
      acknowledgeWildcardResources(policy, [`${nagArnOf(props.work)}/jobs/*`], 'Work objects are keyed per job under jobs/; the grant is that prefix only.');
      acknowledgeWildcardResources(policy, ['*'], 'SendTaskSuccess/Failure/Heartbeat do not support resource-level permissions; the task token itself authorises the call.');
    }
  }
}
