import * as fs from 'fs';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import {
  Kestra, KestraFlow, KestraKeyValue, KestraNamespaceFile, KestraOperator, OperatorCredentials,
} from 'kestra-constructs';

/** What differs between environments. */
export interface KestraEnvironmentProps {
  /** Short name: `prod`, `staging`. Kestra runs in `kestra-<name>`, its resources live in `flows-<name>`. */
  readonly environment: string;
}

/**
 * One environment of a platform team: its own Kestra, its own operator watching only its own
 * namespace of custom resources, and the flow, K/V entry and namespace file every environment gets.
 * Declaring the same Kestra objects in two environments is fine: each is reconciled by its own operator
 * into its own Kestra.
 */
export class KestraEnvironmentChart extends Chart {
  public readonly kestra: Kestra;
  public readonly operator: KestraOperator;
  public readonly flow: KestraFlow;

  constructor(scope: Construct, id: string, props: KestraEnvironmentProps) {
    super(scope, id, { namespace: `kestra-${props.environment}` });
    const resourceNamespace = `flows-${props.environment}`;

    this.kestra = new Kestra(this, 'kestra');
    this.operator = new KestraOperator(this, 'operator', {
      kestra: this.kestra,
      credentials: OperatorCredentials.apiToken({ secretName: 'kestra-operator', key: 'api-token' }),
      watchNamespaces: [resourceNamespace],
    });

    // The custom resources go to the namespace this environment's operator watches.
    const metadata = { namespace: resourceNamespace };
    this.flow = KestraFlow.fromFile(this, 'hello', path.join(__dirname, 'flows', 'hello.yaml'), { metadata });
    new KestraKeyValue(this, 'environment', { namespace: 'company.team', key: 'environment', value: props.environment, metadata });
    new KestraNamespaceFile(this, 'report', {
      namespace: 'company.team',
      filename: 'scripts/report.py',
      content: fs.readFileSync(path.join(__dirname, 'files', 'report.py')),
      metadata,
    });
  }
}

/** Both environments in one app: one manifest per environment; the CRDs are in the first one only. */
export function environmentsApp(app: App): KestraEnvironmentChart[] {
  return ['prod', 'staging'].map((environment) => new KestraEnvironmentChart(app, `kestra-${environment}`, { environment }));
}

if (require.main === module) {
  const app = new App();
  environmentsApp(app);
  app.synth();
}
