// DynamoDB: jobs, WebSocket connections (found by job through an index), the transcript cache
// and the API's idempotency records (both expired by DynamoDB's TTL). On-demand capacity, encrypted, point-in-time recovery.
import { JOBS_BY_OWNER } from '../../src/adapters/aws/dynamoJobRepository.ts';
import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';

export const CONNECTIONS_BY_JOB = 'byJob';

export class Tables extends Construct {
  readonly jobs: Table;
  readonly connections: Table;
  readonly transcripts: Table;
  readonly idempotency: Table;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const common = {
      billingMode: BillingMode.PAY_PER_REQUEST,
      encryption: TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    };
    // A job's record expires JOB_KEEP_DAYS after it ended (expiresAt, set by the repository), with its clips.
    this.jobs = new Table(this, 'Jobs', {
      ...common,
      partitionKey: { name: 'jobId', type: AttributeType.STRING },
      timeToLiveAttribute: 'expiresAt',
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // A caller's jobs, newest first (GET /jobs): one Query instead of a scan of every job.
    this.jobs.addGlobalSecondaryIndex({
      indexName: JOBS_BY_OWNER,
      partitionKey: { name: 'owner', type: AttributeType.STRING },
      sortKey: { name: 'createdAt', type: AttributeType.STRING },
    });
    this.connections = new Table(this, 'Connections', {
      ...common,
      partitionKey: { name: 'connectionId', type: AttributeType.STRING },
      sortKey: { name: 'jobId', type: AttributeType.STRING },
      timeToLiveAttribute: 'expiresAt',
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.connections.addGlobalSecondaryIndex({
      indexName: CONNECTIONS_BY_JOB,
      partitionKey: { name: 'jobId', type: AttributeType.STRING },
      sortKey: { name: 'connectionId', type: AttributeType.STRING },
    });
    this.transcripts = new Table(this, 'TranscriptCache', {
      ...common,
      partitionKey: { name: 'key', type: AttributeType.STRING },
      timeToLiveAttribute: 'expiresAt',
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // The key and TTL attribute names Powertools' DynamoDB persistence layer uses by default.
    this.idempotency = new Table(this, 'Idempotency', {
      ...common,
      partitionKey: { name: 'id', type: AttributeType.STRING },
      timeToLiveAttribute: 'expiration',
      removalPolicy: RemovalPolicy.DESTROY,
    });
  }
}
