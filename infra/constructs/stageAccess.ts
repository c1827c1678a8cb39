// What every pipeline stage (Lambda or Fargate task) is told and may touch: work objects under
// jobs/, the uploaded sources, the job's outputs, its record and its WebSocket subscribers.
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { type IRole, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import type { IConstruct } from 'constructs';
import { CONNECTIONS_BY_JOB } from './tables.ts';
import { acknowledgeWildcardResources, nagArnOf } from '../nag.ts';
import type { ProgressSocket } from './progressSocket.ts';

export interface StageResources {
  uploads: Bucket;
  work: Bucket;
  outputs: Bucket;
  jobs: Table;
  connections: Table;
  socket: ProgressSocket;
}

export function stageEnvironment(r: StageResources): Record<string, string> {
  return {
    WORK_BUCKET: r.work.bucketName,
    OUTPUTS_BUCKET: r.outputs.bucketName,
    JOBS_TABLE: r.jobs.tableName,
    CONNECTIONS_TABLE: r.connections.tableName,
    WS_CALLBACK_URL: r.socket.stage.callbackUrl,
  };
}

/** Grants a stage's role its access, acknowledging (by exact finding) the per-job wildcards. */
export function grantStageAccess(role: IRole, r: StageResources): void {
  for (const s of [
    // HEAD on a missing object answers 404 (not 403) only with ListBucket.
    new PolicyStatement({ actions: ['s3:ListBucket'], resources: [r.uploads.bucketArn, r.work.bucketArn, r.outputs.bucketArn] }),
    new PolicyStatement({ actions: ['s3:GetObject'], resources: [r.uploads.arnForObjects('*')] }),
    new PolicyStatement({
      actions: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload'],
      resources: [r.work.arnForObjects('jobs/*'), r.outputs.arnForObjects('jobs/*')],
    }),
    new PolicyStatement({ actions: ['dynamodb:UpdateItem', 'dynamodb:GetItem'], resources: [r.jobs.tableArn] }),
    new PolicyStatement({
      actions: ['dynamodb:Query', 'dynamodb:BatchWriteItem'],
      resources: [r.connections.tableArn, `${r.connections.tableArn}/index/${CONNECTIONS_BY_JOB}`],
    }),
  ]) {
    role.addToPrincipalPolicy(s);
  }
  r.socket.allowPush(role);
  const policy = role.node.tryFindChild('DefaultPolicy');
  if (policy) acknowledgeStageWildcards(policy, r);
}

function acknowledgeStageWildcards(policy: IConstruct, r: StageResources): void {
  acknowledgeWildcardResources(
    policy,
    [`${nagArnOf(r.uploads)}/*`],
    'Any object in the uploads bucket can be a job source (the upload trigger takes every new object); read-only.',
  );
  acknowledgeWildcardResources(
    policy,
    [`${nagArnOf(r.work)}/jobs/*`, `${nagArnOf(r.outputs)}/jobs/*`],
    'Work and output objects are keyed per job under jobs/; the grant is that prefix only.',
  );
}

/** Lets a worker answer Step Functions task tokens (the token itself is the credential). */
export function allowTaskTokenAnswers(role: IRole): void {
  role.addToPrincipalPolicy(
    new PolicyStatement({ actions: ['states:SendTaskSuccess', 'states:SendTaskFailure', 'states:SendTaskHeartbeat'], resources: ['*'] }),
  );
  const policy = role.node.tryFindChild('DefaultPolicy');
  if (policy)
    acknowledgeWildcardResources(
      policy,
      ['*'],
      'SendTaskSuccess/Failure/Heartbeat do not support resource-level permissions; the task token itself authorises the call.',
    );
}

/** An edit's steps delete what they replace or leave behind: old versions' files, a failed render's, scratch objects. */
export function grantEditCleanup(role: IRole, r: StageResources): void {
  role.addToPrincipalPolicy(
    new PolicyStatement({ actions: ['s3:DeleteObject'], resources: [r.work.arnForObjects('jobs/*'), r.outputs.arnForObjects('jobs/*')] }),
  );
}
