// Each deployed part acts with its own role's permissions, as it does in the cloud. The role's
// statements come from the synthesized template (the AWS::IAM::Policy resources attached to it
// and its inline policies), their resource references are resolved to the emulator's names, and
// the role is made in the emulator and assumed: the bundle or task gets temporary credentials
// (with a session token, as Lambda and Fargate hand them out) that carry that policy and nothing
// more. moto checks every call's action against it, and the resource for S3 and SQS; for
// DynamoDB, Step Functions and Secrets Manager a loopback proxy in front of moto checks the
// resource each call names against the same statements (test/helpers/iamProxy.ts).
import { randomBytes } from 'node:crypto';
import { CreateRoleCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { type AwsEmulator, TEST_ADMIN } from './moto.ts';
import { type IamProxy, type Statement as ProxyStatement, startIamProxy } from './iamProxy.ts';

export type Template = { Resources: Record<string, { Type: string; Properties?: Record<string, any> }> };
type Statement = { Effect: string; Action: string | string[]; Resource?: unknown };

/** The synthesized stack as the roles need it: its resources and each logical id's construct path. */
export interface Synthesized {
  template: Template;
  /** "Storage/Uploads" for the uploads bucket's logical id. */
  pathOf(logicalId: string): string | undefined;
}

/** Physical names in the emulator by construct path ("Storage/Work": "work-1a2b3c", "Progress/Api" unresolved). */
export type ResourceNames = Record<string, string>;

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';

/** Every statement a role carries in the template. */
export function roleStatements(template: Template, roleId: string): Statement[] {
  const out: Statement[] = [];
  for (const r of Object.values(template.Resources)) {
    if (r.Type !== 'AWS::IAM::Policy') continue;
    const roles = (r.Properties?.Roles ?? []) as Array<{ Ref?: string }>;
    if (roles.some((ref) => ref.Ref === roleId)) out.push(...(r.Properties!.PolicyDocument.Statement as Statement[]));
  }
  for (const p of (template.Resources[roleId]?.Properties?.Policies ?? []) as Array<{ PolicyDocument: { Statement: Statement[] } }>) {
    out.push(...p.PolicyDocument.Statement);
  }
  return out;
}

/** A CloudFormation value with Ref, Fn::GetAtt (Arn) and Fn::Join resolved against the emulator's names. */
export function resolveValue(value: unknown, stack: Synthesized, names: ResourceNames): string {
  if (typeof value === 'string') return value;
  const v = value as Record<string, any>;
  if (v.Ref) return refOf(v.Ref, stack, names, 'Ref');
  if (v['Fn::GetAtt']) return refOf(v['Fn::GetAtt'][0], stack, names, v['Fn::GetAtt'][1]);
  if (v['Fn::Join']) return (v['Fn::Join'][1] as unknown[]).map((p) => resolveValue(p, stack, names)).join(v['Fn::Join'][0]);
  return unresolved(JSON.stringify(value));
}

/** A well-formed ARN that names nothing in the emulator. */
const unresolved = (what: string) => `arn:aws:iam::${ACCOUNT}:role/unresolved/${what.replace(/[^\w/-]+/g, '-').slice(0, 80)}`;

function refOf(id: string, stack: Synthesized, names: ResourceNames, attr: string): string {
  const pseudo: Record<string, string> = { 'AWS::Partition': 'aws', 'AWS::Region': REGION, 'AWS::AccountId': ACCOUNT, 'AWS::URLSuffix': 'amazonaws.com' };
  if (pseudo[id]) return pseudo[id];
  const path = stack.pathOf(id);
  const name = path ? names[path] : undefined;
  // Never matches anything: a statement about a resource the rehearsal does not have grants nothing.
  if (!name) return unresolved(path ?? id);
  if (attr !== 'Arn') return name;
  switch (stack.template.Resources[id]?.Type) {
    case 'AWS::S3::Bucket':
      return `arn:aws:s3:::${name}`;
    case 'AWS::DynamoDB::Table':
      return `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${name}`;
    case 'AWS::SQS::Queue':
      return `arn:aws:sqs:${REGION}:${ACCOUNT}:${name.split('/').pop()}`;
    default:
      return name;
  }
}

/** Services whose calls moto checks against the statement's resources; the others it checks by action alone. */
const RESOURCE_CHECKED = /^(s3|sqs):/;

/** The role's policy as the emulator is given it: resources resolved, held to actions where moto cannot check resources. */
export function emulatorPolicy(statements: Statement[], stack: Synthesized, names: ResourceNames): string {
  const resolved = statements.map((s) => {
    const actions = [s.Action].flat();
    const resources = [s.Resource ?? '*'].flat().map((r) => resolveValue(r, stack, names));
    return { Effect: s.Effect, Action: actions, Resource: actions.every((a) => RESOURCE_CHECKED.test(a)) ? resources : '*' };
  });
  return JSON.stringify({ Version: '2012-10-17', Statement: resolved });
}

const made = new WeakMap<AwsEmulator, Map<string, Promise<Record<string, string>>>>();
const proxies = new WeakMap<AwsEmulator, Promise<IamProxy>>();

/** The emulator's resource-checking proxy (one per emulator, made on first use). */
export function iamProxy(aws: AwsEmulator): Promise<IamProxy> {
  let p = proxies.get(aws);
  if (!p) {
    p = startIamProxy(aws.endpoint);
    proxies.set(aws, p);
  }
  return p;
}

/** The role's statements with their resources resolved as they are (for the proxy's check). */
function resolvedStatements(statements: Statement[], stack: Synthesized, names: ResourceNames): ProxyStatement[] {
  return statements.map((s) => ({ Effect: s.Effect, Action: s.Action, Resource: [s.Resource ?? '*'].flat().map((r) => resolveValue(r, stack, names)) }));
}

/**
 * Credentials of the role `roleId` in the emulator, as environment variables for a bundle or task
 * (made once per emulator and role).
 */
export function roleEnv(aws: AwsEmulator, stack: Synthesized, roleId: string, names: ResourceNames): Promise<Record<string, string>> {
  const mine = made.get(aws) ?? new Map<string, Promise<Record<string, string>>>();
  made.set(aws, mine);
  const key = `${roleId}:${JSON.stringify(names)}`;
  let env = mine.get(key);
  if (!env) {
    const statements = roleStatements(stack.template, roleId);
    env = (async () => {
      const creds = await assume(aws, roleId, emulatorPolicy(statements, stack, names));
      const proxy = await iamProxy(aws);
      proxy.register(creds.AWS_ACCESS_KEY_ID!, resolvedStatements(statements, stack, names));
      return { ...creds, AWS_ENDPOINT_URL: proxy.endpoint };
    })();
    mine.set(key, env);
  }
  return env;
}

async function assume(aws: AwsEmulator, roleId: string, policy: string): Promise<Record<string, string>> {
  const iam = new IAMClient(aws.config);
  const sts = new STSClient(aws.config);
  try {
    const name = `${roleId.slice(0, 50)}-${randomBytes(3).toString('hex')}`;
    const trust = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:user/${TEST_ADMIN}` }, Action: 'sts:AssumeRole' }],
    };
    const { Role } = await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: JSON.stringify(trust) }));
    await iam.send(new PutRolePolicyCommand({ RoleName: name, PolicyName: 'stack', PolicyDocument: policy }));
    const { Credentials } = await sts.send(new AssumeRoleCommand({ RoleArn: Role!.Arn!, RoleSessionName: 'rehearsal' }));
    return {
      AWS_ACCESS_KEY_ID: Credentials!.AccessKeyId!,
      AWS_SECRET_ACCESS_KEY: Credentials!.SecretAccessKey!,
      AWS_SESSION_TOKEN: Credentials!.SessionToken!,
    };
  } finally {
    iam.destroy();
    sts.destroy();
  }
}
