// Where the track and render tasks run: a VPC with public subnets only (no NAT gateway to pay
// for; tasks get public IPs and reach S3 through a free gateway endpoint), a Fargate cluster,
// and one task definition per image built from containers/ at deploy time.
import { Stack, Validations } from 'aws-cdk-lib';
import { FlowLogDestination, GatewayVpcEndpointAwsService, SecurityGroup, SubnetType, Vpc } from 'aws-cdk-lib/aws-ec2';
import { Cluster, ContainerImage, ContainerInsights, CpuArchitecture, FargateTaskDefinition, LogDrivers, OperatingSystemFamily } from 'aws-cdk-lib/aws-ecs';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import { Construct } from 'constructs';
import { join } from 'node:path';
import { TASK_CONTAINER } from '../pipelineDefinition.ts';
import { acknowledgeWildcardResources } from '../nag.ts';
import { type StageResources, allowTaskTokenAnswers, grantStageAccess, stageEnvironment } from './stageAccess.ts';
import { logGroup } from './logGroup.ts';

const ROOT = join(import.meta.dirname, '..', '..');

/** The tasks' CPU architecture and the platform their images are built for: one decision. */
const TASK_ARCHITECTURE = CpuArchitecture.X86_64;
const TASK_PLATFORM = Platform.LINUX_AMD64;

export interface TaskSize {
  cpu: number;
  memoryMiB: number;
}

export class FargateTasks extends Construct {
  readonly vpc: Vpc;
  readonly cluster: Cluster;
  readonly securityGroup: SecurityGroup;
  readonly track: FargateTaskDefinition;
  readonly render: FargateTaskDefinition;
  /** URL sources: downloads and page links (yt-dlp), with room on disk for an 8 GB video and its merge. */
  readonly ingest: FargateTaskDefinition;
  /** Speech without an OpenAI key: faster-whisper with Whisper base, one task per job. */
  readonly transcribe: FargateTaskDefinition;

  constructor(scope: Construct, id: string, props: StageResources & { track?: TaskSize; render?: TaskSize; ingest?: TaskSize; transcribe?: TaskSize }) {
    super(scope, id);
    this.vpc = new Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [{ name: 'tasks', subnetType: SubnetType.PUBLIC }],
      gatewayEndpoints: { S3: { service: GatewayVpcEndpointAwsService.S3 } },
    });
    this.vpc.addFlowLog('FlowLog', {
      destination: FlowLogDestination.toCloudWatchLogs(logGroup(this, 'FlowLogs')),
    });
    // Tasks only call out (S3, DynamoDB, Step Functions, API Gateway); nothing calls in.
    this.securityGroup = new SecurityGroup(this, 'TaskSg', { vpc: this.vpc, allowAllOutbound: true, description: 'clipforge tasks: outbound only' });
    this.cluster = new Cluster(this, 'Cluster', { vpc: this.vpc, containerInsightsV2: ContainerInsights.ENABLED });
    this.track = this.taskDefinition('Track', 'track', props, props.track ?? { cpu: 2048, memoryMiB: 4096 });
    this.render = this.taskDefinition('Render', 'render', props, props.render ?? { cpu: 2048, memoryMiB: 4096 });
    // Fetching is network-bound; merging and the speech audio need one core. 40 GiB of disk: the
    // download cap (8 GB) twice over (yt-dlp merges video and audio into a new file) and the audio.
    this.ingest = this.taskDefinition('Ingest', 'ingest', props, props.ingest ?? { cpu: 1024, memoryMiB: 2048 }, 40);
    // Whisper base int8 on 2 vCPUs: about 0.07x real time and under 1 GB (bench:wer); 4 GB leaves room for a larger model.
    this.transcribe = this.taskDefinition('Transcribe', 'transcribe', props, props.transcribe ?? { cpu: 2048, memoryMiB: 4096 });
  }

  /** `stage` is both the image's target in containers/Dockerfile and the task's command. */
  private taskDefinition(
    id: string,
    stage: 'track' | 'render' | 'ingest' | 'transcribe',
    r: StageResources,
    size: TaskSize,
    diskGiB?: number,
  ): FargateTaskDefinition {
    const def = new FargateTaskDefinition(this, id, {
      cpu: size.cpu,
      memoryLimitMiB: size.memoryMiB,
      ...(diskGiB ? { ephemeralStorageGiB: diskGiB } : {}),
      runtimePlatform: { cpuArchitecture: TASK_ARCHITECTURE, operatingSystemFamily: OperatingSystemFamily.LINUX },
    });
    def.addContainer(TASK_CONTAINER, {
      // Built by `cdk deploy` (Docker needed then, not at synth); the context is the repository root, trimmed by .dockerignore.
      // For the task's architecture whatever the host (an Apple Silicon Mac builds arm64 otherwise).
      image: ContainerImage.fromAsset(ROOT, { file: 'containers/Dockerfile', target: stage, platform: TASK_PLATFORM }),
      command: [stage],
      environment: { ...stageEnvironment(r), AWS_REGION: Stack.of(this).region },
      logging: LogDrivers.awsLogs({ streamPrefix: stage, logGroup: logGroup(this, `${id}Logs`) }),
    });
    Validations.of(def).acknowledge({
      id: 'AwsSolutions-ECS2',
      reason: 'The environment holds resource names (buckets, tables, the WebSocket endpoint), no secrets; the OpenAI key is not used by these tasks.',
    });
    const pull = def.obtainExecutionRole().node.tryFindChild('DefaultPolicy');
    if (pull) acknowledgeWildcardResources(pull, ['*'], 'ecr:GetAuthorizationToken, which pulling the task image needs, has no resource-level permissions.');
    grantStageAccess(def.taskRole, r);
    allowTaskTokenAnswers(def.taskRole);
    return def;
  }
}
