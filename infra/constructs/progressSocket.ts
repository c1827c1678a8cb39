// The WebSocket API for progress: $connect is IAM-authorised (as the HTTP API), subscribe and
// $disconnect keep the connections table; pushes come from the pipeline through the Management
// API, which this construct lets the given functions call.
import { Stack, Validations } from 'aws-cdk-lib';
import { LogGroupLogDestination, WebSocketApi, WebSocketStage } from 'aws-cdk-lib/aws-apigatewayv2';
import { WebSocketIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { WebSocketLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { type IRole, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Construct } from 'constructs';
import { acknowledgeWildcardResources, nagArnPrefix } from '../nag.ts';
import { nodeLambda } from './nodeLambda.ts';
import { logGroup } from './logGroup.ts';

export class ProgressSocket extends Construct {
  readonly api: WebSocketApi;
  readonly stage: WebSocketStage;
  readonly fn: NodejsFunction;

  /**
   * `accessLogs`: the stage writes access logs. API Gateway needs the account's CloudWatch Logs
   * role for that (a per-region account setting, `aws apigateway update-account`), which a new
   * account does not have: with it on there, the stage fails to deploy and the stack rolls back.
   * So it is opt-in (`-c wsAccessLogs=true`, README "On AWS"); HTTP API stages need no such role.
   */
  constructor(scope: Construct, id: string, props: { connections: Table; jobs: Table; accessLogs?: boolean; adminPrincipals?: string[] }) {
    super(scope, id);
    this.fn = nodeLambda(this, 'Fn', 'lambdas/ws/handler.ts', {
      CONNECTIONS_TABLE: props.connections.tableName,
      JOBS_TABLE: props.jobs.tableName,
      ADMIN_PRINCIPALS: (props.adminPrincipals ?? []).join(','),
    });
    const integration = (name: string) => new WebSocketLambdaIntegration(name, this.fn);
    this.api = new WebSocketApi(this, 'Api', {
      connectRouteOptions: { integration: integration('Connect'), authorizer: new WebSocketIamAuthorizer() },
      disconnectRouteOptions: { integration: integration('Disconnect') },
      // Messages without an "action" ({"subscribe": "<jobId>"}, as the local server takes them) arrive here.
      // returnResponse: the function's reply ("subscribed", or why not) reaches the client; without a
      // route response API Gateway drops it.
      defaultRouteOptions: { integration: integration('Message'), returnResponse: true },
    });
    this.api.addRoute('subscribe', { integration: integration('Subscribe'), returnResponse: true });
    this.stage = new WebSocketStage(this, 'Stage', {
      webSocketApi: this.api,
      stageName: 'prod',
      autoDeploy: true,
      throttle: { rateLimit: 50, burstLimit: 100 },
      ...(props.accessLogs ? { accessLogSettings: { destination: new LogGroupLogDestination(logGroup(this, 'AccessLogs')) } } : {}),
    });
    if (!props.accessLogs)
      Validations.of(this.stage).acknowledge({
        id: 'AwsSolutions-APIG1',
        reason:
          "Access logging of a WebSocket stage needs the account's API Gateway CloudWatch role, which new accounts lack (the deploy fails); opt in with -c wsAccessLogs=true where it is set. Connections and pushes are logged by the functions.",
      });
    // WebSocket APIs authorise only $connect; later messages ride on that authorised connection.
    for (const route of ['$disconnect-Route', '$default-Route', 'subscribe-Route']) {
      const r = this.api.node.tryFindChild(route);
      if (r)
        Validations.of(r).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason: 'API Gateway WebSocket APIs authorise the $connect route only; this route runs on a connection that $connect (IAM) already authorised.',
        });
    }
    this.fn.addEnvironment('WS_CALLBACK_URL', this.stage.callbackUrl);
    for (const s of [
      new PolicyStatement({
        actions: ['dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:BatchWriteItem'],
        resources: [props.connections.tableArn],
      }),
      new PolicyStatement({ actions: ['dynamodb:GetItem'], resources: [props.jobs.tableArn] }),
    ]) {
      this.fn.addToRolePolicy(s);
    }
    this.allowPush(this.fn.role!);
  }

  /** Lets a role post to (and learn about gone) connections of this API. */
  allowPush(role: IRole): void {
    const resource = `${Stack.of(this).formatArn({ service: 'execute-api', resource: this.api.apiId })}/${this.stage.stageName}/POST/@connections/*`;
    role.addToPrincipalPolicy(new PolicyStatement({ actions: ['execute-api:ManageConnections'], resources: [resource] }));
    const policy = role.node.tryFindChild('DefaultPolicy');
    if (policy) {
      const apiRef = `<${Stack.of(this).resolve(Stack.of(this).getLogicalId(this.api.node.defaultChild as never))}>`;
      acknowledgeWildcardResources(
        policy,
        [`${nagArnPrefix(this, 'execute-api')}${apiRef}/${this.stage.stageName}/POST/@connections/*`],
        'Connection ids are made by API Gateway per client, so posting to them is granted for this API and stage only.',
      );
    }
  }
}
