// One job per video, whichever way it arrives: the uploads bucket's notification configuration as
// the stack deploys it, set on a bucket in the emulator with the intake queue as its target. A video
// dropped under inbox/ reaches the queue; the API's own uploads (uploads/…, started by POST /jobs)
// and caption files never do, so no upload becomes a second job or a job that fails.
import assert from 'node:assert/strict';
import { jobsFromMessage } from '../../src/aws/intake.ts';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { CreateBucketCommand, PutBucketNotificationConfigurationCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ClipforgeStack } from '../../infra/clipforgeStack.ts';
import { type AwsEmulator, startAwsEmulator } from '../helpers/moto.ts';

let aws: AwsEmulator;
let s3: S3Client;
let sqs: SQSClient;

before(async () => {
  aws = await startAwsEmulator();
  s3 = new S3Client(aws.config);
  sqs = new SQSClient(aws.config);
});
after(async () => {
  s3?.destroy();
  sqs?.destroy();
  await aws?.stop();
});

/** The uploads bucket's notification configuration from the synthesized template, aimed at `queueArn`. */
function deployedNotifications(queueArn: string) {
  const stack = new ClipforgeStack(new App(), 'TriggerTest', { env: { account: '123456789012', region: 'us-east-1' } });
  const [resource] = Object.values(Template.fromStack(stack).findResources('Custom::S3BucketNotifications')) as Array<{
    Properties: { NotificationConfiguration: { QueueConfigurations: any[] } };
  }>;
  const queues = resource!.Properties.NotificationConfiguration.QueueConfigurations;
  return {
    QueueConfigurations: queues.map((q) => ({
      QueueArn: queueArn,
      Events: q.Events,
      Filter: { Key: { FilterRules: q.Filter.Key.FilterRules.map((r: any) => ({ Name: r.Name, Value: r.Value })) } },
    })),
  };
}

test('only videos dropped under inbox/ notify the intake queue', async () => {
  const id = randomBytes(3).toString('hex');
  const bucket = `uploads-${id}`;
  const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: `intake-${id}` }))).QueueUrl!;
  const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await s3.send(new PutBucketNotificationConfigurationCommand({ Bucket: bucket, NotificationConfiguration: deployedNotifications(queueArn) }));

  const keys = [
    'uploads/u1/talk.mp4',
    'uploads/u1/talk.srt',
    'uploads/u2/talk.vtt',
    'inbox/talk.srt',
    'inbox/notes.txt',
    'inbox/talk.mp4',
    'inbox/phone/IMG_0001.MOV',
  ];
  for (const Key of keys) await s3.send(new PutObjectCommand({ Bucket: bucket, Key, Body: 'x' }));

  const notified: string[] = [];
  for (let i = 0; i < 5; i++) {
    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
    // Read as the starter reads them: every notification the emulator's S3 sends becomes a job.
    for (const m of Messages ?? []) for (const job of jobsFromMessage(m.Body!)) notified.push(job.source.replace(`s3://${bucket}/`, ''));
  }
  assert.deepEqual(notified.sort(), ['inbox/phone/IMG_0001.MOV', 'inbox/talk.mp4']);
});
