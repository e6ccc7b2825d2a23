import * as pulumi from '@pulumi/pulumi';
import { ApiObject, App, Chart, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { PlatformResources, addPlatformResources } from './platform-resources';
import { RegisteredObject, planRegistration, registerPlan, synthesizeChart } from './register-chart';
import { validateDnsLabel } from '../../common';
import { KestraOperator, KestraOperatorProps } from '../../operator';
import { Kestra, KestraProps } from '../../platform';

/** The operator settings a `KestraPlatform` takes; its connection is always the platform itself. */
export type KestraPlatformOperatorArgs = Omit<KestraOperatorProps, 'kestra' | 'apiUrl'>;

/** Inputs of {@link KestraPlatform}. Plain values: they are synthesized by cdk8s before any resource exists. */
export interface KestraPlatformArgs {
  /**
   * Namespace of every namespaced object of the platform.
   * @default "kestra"
   */
  readonly namespace?: string;
  /**
   * Whether the component creates the namespace. Turn off when the namespace is
   * managed elsewhere (another stack, a cluster bootstrap).
   * @default true
   */
  readonly createNamespace?: boolean;
  /**
   * Props of the cdk8s `Kestra` construct, exactly as cdk8s users write them.
   * @default - the construct's defaults: standalone server, bundled PostgreSQL, local storage
   */
  readonly kestra?: KestraProps;
  /**
   * Deploys the Kestra operator wired to this platform's API.
   * @default - no operator
   */
  readonly operator?: KestraPlatformOperatorArgs;
  /**
   * Flows, K/V entries and namespace files deployed as the operator's custom resources.
   * @default - none
   */
  readonly resources?: PlatformResources;
  /**
   * Adds further cdk8s constructs to the platform's chart before it is synthesized
   * (a NetworkPolicy, a ServiceMonitor...); they are registered like everything else.
   * @default - nothing added
   */
  readonly extend?: (chart: Chart, kestra: Kestra) => void;
}

/**
 * The Kestra platform as one Pulumi component.
 *
 * The cdk8s constructs are the only description of the manifests: they are
 * synthesized in memory and each object is registered as a `@pulumi/kubernetes`
 * resource parented to this component, so the caller's `provider`/`providers`
 * option decides the cluster (several platforms in one program can target
 * several clusters).
 */
export class KestraPlatform extends pulumi.ComponentResource {
  /** In-cluster URL of the Kestra API; depends on every object, so consumers wait for the platform. */
  public readonly apiUrl: pulumi.Output<string>;
  /** Namespace of the platform's namespaced objects. */
  public readonly namespace: pulumi.Output<string>;
  /** Name of the Service that serves the API and UI. */
  public readonly serviceName: pulumi.Output<string>;
  /** URNs of every registered Kubernetes object. */
  public readonly objectUrns: pulumi.Output<string[]>;
  /** Every synthesized object with the resource that manages it, in registration order. */
  public readonly objects: readonly RegisteredObject[];
  /** The synthesized cdk8s chart (for inspection; changing it after construction has no effect). */
  public readonly chart: Chart;
  /** The cdk8s `Kestra` construct the manifests come from. */
  public readonly kestra: Kestra;
  /** The cdk8s operator construct, when `operator` was given. */
  public readonly operator?: KestraOperator;

  constructor(name: string, args: KestraPlatformArgs = {}, opts?: pulumi.ComponentResourceOptions) {
    // Everything that can reject the input runs before anything is registered.
    const built = buildChart(args);
    const plan = planRegistration(synthesizeChart(built.chart), name);
    super('kestra-constructs:index:KestraPlatform', name, {}, opts);
    this.chart = built.chart;
    this.kestra = built.kestra;
    this.operator = built.operator;

    this.objects = registerPlan(plan, this);
    this.objectUrns = pulumi.all(this.objects.map((o) => o.resource.urn));
    this.apiUrl = this.objectUrns.apply(() => this.kestra.apiUrl);
    this.namespace = pulumi.output(built.namespace);
    this.serviceName = pulumi.output(this.kestra.service.name);
    this.registerOutputs({
      apiUrl: this.apiUrl,
      namespace: this.namespace,
      serviceName: this.serviceName,
      objectUrns: this.objectUrns,
    });
  }
}

/** Builds the platform's chart with the cdk8s constructs; nothing is synthesized yet. */
function buildChart(args: KestraPlatformArgs): { chart: Chart; namespace: string; kestra: Kestra; operator?: KestraOperator } {
  const namespace = validateDnsLabel('namespace', args.namespace ?? 'kestra');
  const chart = new Chart(new App(), 'kestra', { namespace });
  if (args.createNamespace ?? true) {
    // cdk8s stamps the chart's namespace on every object; a Namespace lives in none.
    ApiObject.of(new kplus.Namespace(chart, 'namespace', { metadata: { name: namespace } }))
      .addJsonPatch(JsonPatch.remove('/metadata/namespace'));
  }
  const kestra = new Kestra(chart, 'kestra', args.kestra);
  const operator = args.operator ? new KestraOperator(chart, 'operator', { ...args.operator, kestra }) : undefined;
  if (args.resources) addPlatformResources(chart, args.resources);
  args.extend?.(chart, kestra);
  return { chart, namespace, kestra, operator };
}
