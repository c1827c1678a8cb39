// Telling the operator: an SNS topic (a stack output; subscribe an address with
// -c alarmEmail=…) that every alarm notifies, and a dashboard of the same signals. Alarms: a
// message in any dead-letter queue (a job request, a transcription or an execution-ended event
// that could not be handled), executions that failed or timed out, errors and throttles of every
// function, and RunTask calls that failed (Fargate capacity, the account's vCPU quota).
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Dashboard, GraphWidget, type IMetric, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';

export interface OperationsProps {
  deadLetterQueues: Record<string, Queue>;
  stateMachine: StateMachine;
  functions: Record<string, IFunction>;
  /** Where alarm notifications are e-mailed (optional; the topic is an output either way). */
  email?: string | undefined;
}

/** Lambda errors in five minutes that raise the alarm: a retried transient fault is one or two. */
export const LAMBDA_ERRORS_ALARM = 3;
/** The Step Functions integration whose failures are RunTask's (capacity, quota, throttling). */
const RUN_TASK_INTEGRATION = 'arn:aws:states:::ecs:runTask.waitForTaskToken';

export class Operations extends Construct {
  readonly topic: Topic;
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: OperationsProps) {
    super(scope, id);
    this.topic = new Topic(this, 'Alarms', { enforceSSL: true, displayName: 'clipforge alarms' });
    Validations.of(this.topic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'Alarm notifications carry alarm names and metric values, no job data; CloudWatch cannot publish to a topic under the AWS-managed SNS key, and a customer key costs a month of this topic many times over.',
    });
    if (props.email) this.topic.addSubscription(new EmailSubscription(props.email));

    const period = Duration.minutes(5);
    const sum = (m: Metric) => m.with({ statistic: 'Sum', period });
    for (const [name, queue] of Object.entries(props.deadLetterQueues)) {
      this.alarm(
        `${name}Dlq`,
        queue.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' }),
        1,
        `a message is in the ${name} dead-letter queue`,
      );
    }
    const sm = props.stateMachine;
    this.alarm('ExecutionsFailed', sum(sm.metricFailed()), 1, 'a job failed');
    this.alarm('ExecutionsTimedOut', sum(sm.metricTimedOut()), 1, 'a job timed out');
    const runTaskFailed = new Metric({
      namespace: 'AWS/States',
      metricName: 'ServiceIntegrationsFailed',
      dimensionsMap: { ServiceIntegrationResourceArn: RUN_TASK_INTEGRATION },
      statistic: 'Sum',
      period,
    });
    this.alarm('RunTaskFailed', runTaskFailed, 1, 'Fargate refused to start a task (capacity, vCPU quota or throttling)');
    for (const [name, fn] of Object.entries(props.functions)) {
      this.alarm(`${name}Errors`, sum(fn.metricErrors()), LAMBDA_ERRORS_ALARM, `the ${name} function failed ${LAMBDA_ERRORS_ALARM} times in 5 minutes`);
      this.alarm(`${name}Throttles`, sum(fn.metricThrottles()), 1, `the ${name} function was throttled`);
    }

    const dashboard = new Dashboard(this, 'Dashboard', { dashboardName: `${Stack.of(this).stackName}-clipforge` });
    const graph = (title: string, metrics: IMetric[]) => new GraphWidget({ title, left: metrics, width: 12 });
    dashboard.addWidgets(
      graph('Jobs (executions)', [sum(sm.metricStarted()), sum(sm.metricSucceeded()), sum(sm.metricFailed()), sum(sm.metricTimedOut())]),
      graph(
        'Dead-letter queues',
        Object.values(props.deadLetterQueues).map((q) => q.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' })),
      ),
      graph(
        'Function errors',
        Object.values(props.functions).map((fn) => sum(fn.metricErrors())),
      ),
      graph('RunTask failures and function throttles', [runTaskFailed, ...Object.values(props.functions).map((fn) => sum(fn.metricThrottles()))]),
    );
  }

  private alarm(id: string, metric: IMetric, threshold: number, description: string): void {
    const alarm = new Alarm(this, id, {
      metric,
      threshold,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: `clipforge: ${description}`,
    });
    alarm.addAlarmAction(new SnsAction(this.topic));
    this.alarms.push(alarm);
  }
}
