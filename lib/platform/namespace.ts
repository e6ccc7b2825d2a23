import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { KestraValidationError, optionKeys, rejectUnknownOptions, validateAnnotations, validateLabels } from '../common';

/** The Namespace object the `Kestra` construct can emit. */
export interface KestraNamespaceOptions {
  /**
   * Extra labels of the Namespace; they win over the Pod Security labels the construct sets.
   * @default - none
   */
  readonly labels?: Record<string, string>;
  /**
   * Annotations of the Namespace.
   * @default - none
   */
  readonly annotations?: Record<string, string>;
}

/** The Pod Security Standard levels (kubernetes.io/docs/concepts/security/pod-security-standards). */
export type PodSecurityLevel = 'privileged' | 'baseline' | 'restricted';

const NAMESPACE_KEYS = optionKeys<KestraNamespaceOptions>()('labels', 'annotations');

/** Validates `createNamespace` (true, false or options) and returns the options, or undefined when off. */
export function resolveNamespaceOption(value: boolean | KestraNamespaceOptions | undefined): KestraNamespaceOptions | undefined {
  if (value === undefined || value === false) return undefined;
  if (value === true) return {};
  rejectUnknownOptions('createNamespace', value ?? null, NAMESPACE_KEYS);
  if (value.labels !== undefined) validateLabels('createNamespace.labels', value.labels);
  if (value.annotations !== undefined) validateAnnotations('createNamespace.annotations', value.annotations);
  return value;
}

/**
 * Emits a v1 Namespace into the chart, labelled for Pod Security admission: `enforce` at the most permissive level
 * the pods the construct puts there need, `warn` and `audit` at `restricted`
 * (kubernetes/pod-security-admission: labels `pod-security.kubernetes.io/<mode>`).
 *
 * The Namespace must exist before any object in it, for `kubectl apply -f` (which applies in file order) as for
 * Argo CD; so, at synth, every other object of the chart is made to depend on it, which puts it first.
 */
export function addNamespace(scope: Construct, id: string, name: string, enforce: PodSecurityLevel,
  options: KestraNamespaceOptions, extraLabels: Record<string, string>): ApiObject {
  const chart = Chart.of(scope);
  for (const other of chart.node.findAll()) {
    if (other instanceof ApiObject && other.kind === 'Namespace' && other.name === name) {
      throw new KestraValidationError('createNamespace', true,
        `the chart already has the Namespace "${name}" (${other.node.path}); turn one of them off (KestraPlatform creates it unless createNamespace is false)`);
    }
  }
  const namespace = new ApiObject(scope, id, {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name,
      labels: {
        ...extraLabels,
        'pod-security.kubernetes.io/enforce': enforce,
        'pod-security.kubernetes.io/warn': 'restricted',
        'pod-security.kubernetes.io/audit': 'restricted',
        ...options.labels,
      },
      annotations: options.annotations,
    },
  });
  // cdk8s stamps the chart's namespace on every object; a Namespace lives in none.
  namespace.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
  chart.node.addValidation({
    validate: () => {
      for (const other of chart.node.findAll()) {
        if (other instanceof ApiObject && other !== namespace && !isNamespace(other)) other.node.addDependency(namespace);
      }
      return [];
    },
  });
  return namespace;
}

function isNamespace(obj: ApiObject): boolean {
  return obj.kind === 'Namespace' && obj.apiVersion === 'v1';
}
