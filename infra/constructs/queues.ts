// SQS with dead-letter queues: intake (S3 upload events and API job requests, read by the
// starter with bounded concurrency) and transcription (task tokens, read by the rate-limited
// speech worker). Encrypted, TLS-only.
import { Duration } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

function withDlq(scope: Construct, id: string, visibility: Duration): { queue: Queue; dlq: Queue } {
  const common = { encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true };
  const dlq = new Queue(scope, `${id}Dlq`, { ...common, retentionPeriod: Duration.days(14) });
  const queue = new Queue(scope, id, { ...common, visibilityTimeout: visibility, deadLetterQueue: { queue: dlq, maxReceiveCount: 5 } });
  return { queue, dlq };
}

export class Queues extends Construct {
  readonly intake: Queue;
  readonly intakeDlq: Queue;
  readonly transcribe: Queue;
  readonly transcribeDlq: Queue;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    ({ queue: this.intake, dlq: this.intakeDlq } = withDlq(this, 'Intake', Duration.minutes(2)));
    ({ queue: this.transcribe, dlq: this.transcribeDlq } = withDlq(this, 'Transcribe', Duration.minutes(20)));
  }
}
