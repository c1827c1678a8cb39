// cdk-nag acknowledgements that name the exact finding, so a new wildcard is still reported.
import { type CfnElement, Stack, Token, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** How cdk-nag writes a resource in a finding id: `<LogicalId.Arn>` for an attribute reference. */
export function nagArnOf(resource: IConstruct): string {
  const stack = Stack.of(resource);
  return `<${stack.resolve(stack.getLogicalId(resource.node.defaultChild as CfnElement))}.Arn>`;
}

/** `arn:<AWS::Partition>:service:region:account:` as cdk-nag prints this stack's ARNs. */
export function nagArnPrefix(scope: IConstruct, service: string): string {
  const stack = Stack.of(scope);
  const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
  const account = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
  return `arn:<AWS::Partition>:${service}:${region}:${account}:`;
}

export function acknowledgeWildcardResources(construct: IConstruct, resources: string[], reason: string): void {
  for (const r of resources) Validations.of(construct).acknowledge({ id: `AwsSolutions-IAM5[Resource::${r}]`, reason });
}
