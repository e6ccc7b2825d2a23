import { App, Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { Kestra, KestraDatabase, KestraMode, KestraStorage, KestraTaskRunner } from 'kestra-constructs';

/**
 * Production layout: one Deployment per component, an external PostgreSQL, S3 storage
 * through IRSA, task pods through the Kubernetes API (the EE Kubernetes task runner: this layout needs a Kestra
 * Enterprise Edition image), an Ingress and worker autoscaling. The Secrets named here are expected to exist in the
 * namespace.
 */
export class DistributedKestraChart extends Chart {
  public readonly kestra: Kestra;

  constructor(scope: Construct, id: string, props: ChartProps = { namespace: 'kestra' }) {
    super(scope, id, props);
    this.kestra = new Kestra(this, 'kestra', {
      createNamespace: true,
      mode: KestraMode.distributed({
        webserver: { replicas: 2, resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { memory: '2Gi' } } },
        worker: { threads: 16, resources: { requests: { cpu: '1', memory: '2Gi' }, limits: { memory: '4Gi' } } },
      }),
      database: KestraDatabase.postgres({
        url: 'jdbc:postgresql://kestra-db.databases.svc.cluster.local:5432/kestra',
        username: 'kestra',
        password: { secretName: 'kestra-db', key: 'password' },
      }),
      storage: KestraStorage.s3({ bucket: 'acme-kestra-storage', region: 'eu-west-1' }),
      taskRunner: KestraTaskRunner.kubernetes({ namespace: 'kestra-tasks' }),
      basicAuth: {
        username: { secretName: 'kestra-basic-auth', key: 'username' },
        password: { secretName: 'kestra-basic-auth', key: 'password' },
      },
      ingress: { host: 'kestra.example.com', className: 'nginx', tls: { secretName: 'kestra-tls' } },
      autoscaling: { worker: { minReplicas: 2, maxReplicas: 10, cpuUtilization: 70 } },
      topologySpread: { topologyKey: 'topology.kubernetes.io/zone' },
    });
  }
}

if (require.main === module) {
  const app = new App();
  new DistributedKestraChart(app, 'kestra-distributed');
  app.synth();
}
