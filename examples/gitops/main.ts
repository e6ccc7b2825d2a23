import * as path from 'path';
import { App, Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import {
  Kestra,
  KestraFlows,
  KestraKeyValue,
  KestraNamespaceFiles,
  KestraOperator,
  OperatorCredentials,
} from 'kestra-constructs';

/**
 * GitOps in one chart: the platform, the operator that reconciles flows, K/V entries and
 * namespace files into it, and those resources loaded from this folder.
 */
export class GitOpsKestraChart extends Chart {
  public readonly kestra: Kestra;
  public readonly operator: KestraOperator;
  public readonly flows: KestraFlows;
  public readonly files: KestraNamespaceFiles;

  constructor(scope: Construct, id: string, props: ChartProps = { namespace: 'kestra' }) {
    super(scope, id, props);

    // The login lives in a Secret created outside git (sealed-secrets, external-secrets, ...).
    const login = 'kestra-login';
    this.kestra = new Kestra(this, 'kestra', {
      basicAuth: {
        username: { secretName: login, key: 'username' },
        password: { secretName: login, key: 'password' },
      },
    });

    this.operator = new KestraOperator(this, 'operator', {
      kestra: this.kestra,
      // `user:password` for the same login, in one key.
      credentials: OperatorCredentials.basicAuth({ secretName: login, key: 'basic-auth' }),
      watchNamespaces: [props.namespace ?? 'kestra'],
    });

    this.flows = new KestraFlows(this, 'flows', { directory: path.join(__dirname, 'flows') });
    this.files = new KestraNamespaceFiles(this, 'files', {
      namespace: 'company.data',
      directory: path.join(__dirname, 'files'),
    });

    new KestraKeyValue(this, 'orders-export-url', {
      namespace: 'company.data',
      key: 'orders_export_url',
      value: 'https://erp.example.com/exports/orders.csv',
    });
    new KestraKeyValue(this, 'orders-batch-size', { namespace: 'company.data', key: 'orders_batch_size', value: 500 });
    new KestraKeyValue(this, 'orders-mapping', {
      namespace: 'company.data',
      key: 'orders_mapping',
      value: { id: 'order_id', total: 'amount_eur' },
    });
    new KestraKeyValue(this, 'maintenance-window', {
      namespace: 'company.ops',
      key: 'maintenance_window',
      value: 'PT2H',
      type: 'DURATION',
      ttl: 'P7D',
    });
  }
}

if (require.main === module) {
  const app = new App();
  new GitOpsKestraChart(app, 'kestra-gitops');
  app.synth();
}
