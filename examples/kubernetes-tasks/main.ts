import * as path from 'path';
import { App, Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import {
  Kestra,
  KestraFlows,
  KestraKubernetesAccess,
  KestraMode,
  KestraRemoteKubernetesAccess,
  KestraStorage,
} from 'kestra-constructs';

/**
 * Kestra with flows that drive Kubernetes: the secret-rotation flow acts on Kestra's own cluster
 * (Patch + Restart + Get, granted by `KestraKubernetesAccess`), the training flow runs a GPU pod in
 * another cluster (granted by `KestraRemoteKubernetesAccess` in the chart of that cluster).
 */
export class KubernetesTasksChart extends Chart {
  public readonly kestra: Kestra;
  public readonly flows: KestraFlows;
  public readonly access: KestraKubernetesAccess;

  constructor(scope: Construct, id: string, props: ChartProps = { namespace: 'kestra' }) {
    super(scope, id, props);
    this.kestra = new Kestra(this, 'kestra', {
      mode: KestraMode.distributed(),
      storage: KestraStorage.s3({ bucket: 'kestra-storage', region: 'eu-west-1' }),
      // Kestra reads `secret('GPU_K8S_TOKEN')` from SECRET_GPU_K8S_TOKEN (base64); the Secret
      // `gpu-cluster` is made by the two commands of `GpuClusterChart.access.secretCommands`.
      extraEnv: {
        SECRET_GPU_K8S_TOKEN: { secretName: 'gpu-cluster', key: 'token' },
        SECRET_GPU_K8S_CA: { secretName: 'gpu-cluster', key: 'ca' },
      },
    });
    this.flows = new KestraFlows(this, 'flows', { directory: path.join(__dirname, 'flows') });
    this.access = new KestraKubernetesAccess(this, 'flow-access', { kestra: this.kestra, flows: [this.flows] });
  }
}

/** The chart deployed to the GPU cluster: what the training flow may do there. */
export class GpuClusterChart extends Chart {
  public readonly access: KestraRemoteKubernetesAccess;

  constructor(scope: Construct, id: string, flows: KestraFlows, props: ChartProps = { namespace: 'kestra-remote' }) {
    super(scope, id, props);
    this.access = new KestraRemoteKubernetesAccess(this, 'flow-access', {
      flows: [flows],
      cluster: { name: 'gpu', secrets: ['GPU_K8S_TOKEN'] },
    });
  }
}

if (require.main === module) {
  const app = new App();
  const kestra = new KubernetesTasksChart(app, 'kestra');
  const gpu = new GpuClusterChart(app, 'gpu-cluster', kestra.flows);
  app.synth();
  // The audit trail of both clusters, for the pull request that changes the flows.
  process.stdout.write(kestra.access.report() + gpu.access.report());
}
