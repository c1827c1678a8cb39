// The three buckets: uploads (what users send), work (scratch objects of running jobs, expiring),
// outputs (finished clips). All private, encrypted, TLS-only, with access logs to a log bucket.
import { JOB_KEEP_DAYS } from '../../src/aws/s3Limits.ts';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { BlockPublicAccess, Bucket, BucketEncryption, HttpMethods, ObjectOwnership, type BucketProps } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

/** Prefixes of the work bucket whose objects are temporary. */
export const TEMP_PREFIXES = ['jobs/', 'tmp/'];

export class Storage extends Construct {
  readonly logs: Bucket;
  readonly uploads: Bucket;
  readonly work: Bucket;
  readonly outputs: Bucket;

  constructor(scope: Construct, id: string, props: { retainOutputs?: boolean } = {}) {
    super(scope, id);
    const secure: BucketProps = {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
    };
    this.logs = new Bucket(this, 'AccessLogs', {
      ...secure,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(90) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const logged = (prefix: string): BucketProps => ({ ...secure, serverAccessLogsBucket: this.logs, serverAccessLogsPrefix: `${prefix}/` });

    this.uploads = new Bucket(this, 'Uploads', {
      ...logged('uploads'),
      // Browsers PUT to presigned URLs.
      cors: [{ allowedMethods: [HttpMethods.PUT], allowedOrigins: ['*'], allowedHeaders: ['*'], maxAge: 3600 }],
      lifecycleRules: [
        { id: 'abort-incomplete-multipart', abortIncompleteMultipartUploadAfter: Duration.days(1) },
        { id: 'expire-uploads', expiration: Duration.days(7) },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.work = new Bucket(this, 'Work', {
      ...logged('work'),
      lifecycleRules: [
        { id: 'abort-incomplete-multipart', abortIncompleteMultipartUploadAfter: Duration.days(1) },
        ...TEMP_PREFIXES.map((prefix) => ({ id: `expire-${prefix.replace('/', '')}`, prefix, expiration: Duration.days(1) })),
      ],
      // Scratch only: emptied and removed with the stack (cdk destroy fails on a bucket with objects).
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: true,
    });
    this.outputs = new Bucket(this, 'Outputs', {
      ...logged('outputs'),
      lifecycleRules: [
        { id: 'abort-incomplete-multipart', abortIncompleteMultipartUploadAfter: Duration.days(1) },
        // With the job's record (the jobs table's TTL): nothing grows forever.
        { id: 'expire-jobs', prefix: 'jobs/', expiration: Duration.days(JOB_KEEP_DAYS) },
      ],
      ...(props.retainOutputs === false ? { removalPolicy: RemovalPolicy.DESTROY, autoDeleteObjects: true } : { removalPolicy: RemovalPolicy.RETAIN }),
    });
  }
}
