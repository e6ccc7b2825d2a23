import * as pulumi from '@pulumi/pulumi';
import { ApiObject, App, Chart, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { clusterOf, crdOwnerOf, installsCrds, recordCrdOwner } from './crd-ownership';
import { InputPlaceholders, PlatformInput, checkResolvedPlan, inputDependentLeaves, planWithInputs, substitute } from './platform-inputs';
import { PlatformResources, addPlatformResources } from './platform-resources';
import { RegisteredObject, RegistrationPlan, planRegistration, registerPlan, synthesizeChart } from './register-chart';
import { KestraValidationError, optionKeys, rejectUnknownOptions, validateDnsLabel } from '../../common';
import { KestraOperator, KestraOperatorProps } from '../../operator';
import { Kestra, KestraProps } from '../../platform';

/** The operator settings a `KestraPlatform` takes; its connection is always the platform itself. */
export type KestraPlatformOperatorArgs = Omit<KestraOperatorProps, 'kestra' | 'apiUrl'>;

/**
 * Inputs of {@link KestraPlatform}. They are synthesized by cdk8s before any resource exists; values that come
 * from other resources (`namespace`, and whatever the `kestra` builder passes through `input`) may be
 * `pulumi.Input`s: every object is still registered at once, with only the fields that depend on them unknown.
 */
export interface KestraPlatformArgs {
  /**
   * Namespace of every namespaced object of the platform; may come from another resource
   * (`namespace.metadata.name`).
   * @default "kestra"
   */
  readonly namespace?: pulumi.Input<string>;
  /**
   * Whether the component creates the namespace. Turn off when the namespace is
   * managed elsewhere (another stack, a cluster bootstrap).
   * @default true
   */
  readonly createNamespace?: boolean;
  /**
   * Props of the cdk8s `Kestra` construct, exactly as cdk8s users write them; or a function that builds them and
   * passes values of other resources through `input` (a database address, a bucket, an endpoint, a host):
   * `(input) => ({ database: KestraDatabase.postgres({ url: `jdbc:postgresql://${input(db.address)}:5432/kestra`, ... }) })`.
   * The function is called several times (with placeholders, then with the real values): keep it free of side effects.
   * @default - the construct's defaults: standalone server, bundled PostgreSQL, local storage
   */
  readonly kestra?: KestraProps | ((input: PlatformInput) => KestraProps);
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

// JavaScript callers and `as any` skip TypeScript's excess-property check: a misspelt arg is refused, not dropped.
const PLATFORM_ARGS_KEYS = optionKeys<KestraPlatformArgs>()('namespace', 'createNamespace', 'kestra', 'operator', 'resources', 'extend');

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
    rejectUnknownOptions('', args ?? null, PLATFORM_ARGS_KEYS);
    const cluster = clusterOf(opts);
    const installCrds = args.operator ? installsCrds(cluster, args.operator.installCrds) : false;
    const { built, plan, values } = planPlatform(name, args, installCrds);
    super('kestra-constructs:index:KestraPlatform', name, {}, opts);
    this.chart = built.chart;
    this.kestra = built.kestra;
    this.operator = built.operator;

    // A second platform on a cluster uses the CRDs the first one registered: its custom resources wait for them.
    const owner = installCrds ? undefined : crdOwnerOf(cluster);
    this.objects = registerPlan(plan, this, (manifest) => (owner && manifest.apiVersion.startsWith('model.kestra.io/') ? [...owner.crds] : []));
    if (installCrds) {
      recordCrdOwner(cluster, name, this.objects.filter((o) => o.manifest.kind === 'CustomResourceDefinition').map((o) => o.resource));
    }
    this.objectUrns = pulumi.all(this.objects.map((o) => o.resource.urn));
    const known = (text: string): pulumi.Output<string> => (values
      ? values.apply((real) => substitute(text, (index) => real[index])) : pulumi.output(text));
    this.apiUrl = pulumi.all([this.objectUrns, known(this.kestra.apiUrl)]).apply(([, url]) => url);
    this.namespace = known(built.namespace);
    this.serviceName = known(this.kestra.service.name);
    this.registerOutputs({
      apiUrl: this.apiUrl,
      namespace: this.namespace,
      serviceName: this.serviceName,
      objectUrns: this.objectUrns,
    });
  }
}

/**
 * Builds, synthesizes and plans the platform. When the args use inputs, a second synthesis with other placeholders
 * shows which fields depend on them, and those fields are taken from a synthesis with the real values once known.
 */
function planPlatform(name: string, args: KestraPlatformArgs, installCrds: boolean):
{ built: ReturnType<typeof buildChart>; plan: RegistrationPlan; values?: pulumi.Output<string[]> } {
  const first = new InputPlaceholders(0);
  const built = buildChart(args, first, installCrds);
  const placeholders = planRegistration(synthesizeChart(built.chart), name);
  if (first.values.length === 0) return { built, plan: placeholders };
  const second = new InputPlaceholders(1);
  const again = planRegistration(synthesizeChart(buildChart(args, second, installCrds).chart), name);
  if (second.values.length !== first.values.length) {
    throw new KestraValidationError('kestra', `${first.values.length} then ${second.values.length} inputs`,
      'the props builder must ask for the same inputs every time it is called');
  }
  const leaves = inputDependentLeaves(placeholders, again, first.names);
  // With the real values, the same props are built (and validated) once more; the objects take the input
  // fields from there. While an input is unknown (a preview before its resource exists) only those fields are.
  const resolved = pulumi.all(first.values).apply((real): RegistrationPlan => {
    const realPlan = planRegistration(synthesizeChart(buildChart(args, new InputPlaceholders(0), installCrds, real).chart), name);
    checkResolvedPlan(placeholders, leaves, realPlan, real);
    return realPlan;
  });
  // The outputs wait for that check, so a value the constructs refuse fails them too.
  const values = pulumi.all([resolved.apply(() => true), pulumi.all(first.values)]).apply(([, real]) => real);
  return { built, plan: planWithInputs(placeholders, leaves, first.names, resolved), values };
}

/**
 * Builds the platform's chart with the cdk8s constructs; nothing is synthesized yet. Inputs become placeholders
 * from `inputs`, or, given `values`, the real values in the same order.
 */
function buildChart(args: KestraPlatformArgs, inputs: InputPlaceholders, installCrds: boolean, values?: readonly string[]):
{ chart: Chart; namespace: string; kestra: Kestra; operator?: KestraOperator } {
  const take = (value: pulumi.Input<string>, field?: string): string => {
    const placeholder = inputs.add(value, field);
    return values ? values[inputs.values.length - 1] : placeholder;
  };
  const namespace = validateDnsLabel('namespace', typeof args.namespace === 'string' || args.namespace === undefined
    ? args.namespace ?? 'kestra' : take(args.namespace, 'namespace'));
  const chart = new Chart(new App(), 'kestra', { namespace });
  if (args.createNamespace ?? true) {
    // cdk8s stamps the chart's namespace on every object; a Namespace lives in none.
    ApiObject.of(new kplus.Namespace(chart, 'namespace', { metadata: { name: namespace } }))
      .addJsonPatch(JsonPatch.remove('/metadata/namespace'));
  }
  const props = typeof args.kestra === 'function' ? args.kestra((value) => take(value)) : args.kestra;
  const kestra = new Kestra(chart, 'kestra', props);
  const operator = args.operator ? new KestraOperator(chart, 'operator', { ...args.operator, installCrds, kestra }) : undefined;
  if (args.resources) addPlatformResources(chart, args.resources);
  args.extend?.(chart, kestra);
  return { chart, namespace, kestra, operator };
}
