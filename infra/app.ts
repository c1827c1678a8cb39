// `npx cdk synth` / `npx cdk deploy` entry (see cdk.json). cdk-nag's AwsSolutions rules run on
// every synth (as a CDK validation plugin); a finding fails it unless acknowledged with a
// written reason (Validations.of(construct).acknowledge).
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ClipforgeStack } from './clipforgeStack.ts';

const app = new App();

/** A numeric setting from `-c name=value` (or cdk.json's context), checked. */
function number(name: string): Record<string, number> {
  const raw = app.node.tryGetContext(name);
  if (raw === undefined) return {};
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`context ${name} must be a whole number of at least 1, got ${raw}`);
  return { [name]: value };
}
new ClipforgeStack(app, app.node.tryGetContext('stackName') ?? 'Clipforge', {
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  retainOutputs: app.node.tryGetContext('retainOutputs') !== 'false',
  wsAccessLogs: String(app.node.tryGetContext('wsAccessLogs')) === 'true',
  ...(app.node.tryGetContext('adminPrincipals') ? { adminPrincipals: String(app.node.tryGetContext('adminPrincipals')).split(',') } : {}),
  ...number('maxRunningJobs'),
  ...(app.node.tryGetContext('alarmEmail') ? { alarmEmail: String(app.node.tryGetContext('alarmEmail')) } : {}),
  ...number('transcribeConcurrency'),
  ...number('speechRequestsPerMinute'),
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
