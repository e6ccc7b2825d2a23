import { App, Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { Kestra } from 'kestra-constructs';

/**
 * Kestra with every default (standalone server, bundled PostgreSQL, local storage, rootless DinD), plus its Namespace,
 * so that `kubectl apply -f` of the synthesized file works on a fresh cluster.
 */
export class StandaloneKestraChart extends Chart {
  public readonly kestra: Kestra;

  constructor(scope: Construct, id: string, props: ChartProps = { namespace: 'kestra' }) {
    super(scope, id, props);
    this.kestra = new Kestra(this, 'kestra', { createNamespace: true });
  }
}

if (require.main === module) {
  const app = new App();
  new StandaloneKestraChart(app, 'kestra-standalone');
  app.synth();
}
