import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { PodPlacement, placementFields } from './pod-overrides';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from './security';
import { KestraValidationError, SecretKeyRef } from '../common';

/** Props of {@link GeneratedPasswordSecret}. */
export interface GeneratedPasswordSecretProps {
  /** Name of the Secret the Job creates. */
  readonly secretName: string;
  /**
   * Key of the password in the Secret.
   * @default 'password'
   */
  readonly key?: string;
  /** Name of the Job, and of its ServiceAccount, Role and RoleBinding. */
  readonly jobName: string;
  /** Namespace of the Secret: the API path and the Role are scoped to it. */
  readonly namespace: string;
  /** Labels of the created Secret. */
  readonly secretLabels: Record<string, string>;
  /** Labels of the Job, its pod and its RBAC objects; must not match any workload or Service selector. */
  readonly jobLabels: Record<string, string>;
  /**
   * Image with `sh`, `head`, `base64`, `tr` and `curl`, running as uid 100.
   * @default GeneratedPasswordSecret.DEFAULT_IMAGE
   */
  readonly image?: string;
  /**
   * Scheduling and image pull secrets of the Job's pod.
   * @default - none
   */
  readonly placement?: PodPlacement;
}

const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
const CURL_UID = 100;

/** Escapes a string for a double-quoted value of a curl config file. */
function curlConfigString(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}

/** Wraps synth-time text in single quotes for sh; only values without quotes are ever interpolated. */
function shellQuote(field: string, text: string): string {
  if (text.includes('\'')) throw new KestraValidationError(field, text, 'must not contain a single quote');
  return `'${text}'`;
}

/**
 * A Secret holding a random password that is generated inside the cluster, once.
 *
 * The manifest carries no secret material: a Job draws 24 bytes from /dev/urandom
 * in its pod and POSTs the Secret to the Kubernetes API. An existing Secret answers
 * 409 AlreadyExists, which counts as success, so re-running the Job (a GitOps tool
 * recreating it, a `pulumi up`) never rotates the password. Synthesis stays
 * byte-identical for identical input, and the password is in neither git nor
 * Pulumi state.
 *
 * The Job's ServiceAccount may only `create` Secrets in this namespace (RBAC cannot
 * narrow `create` by name); it cannot read, update or delete any, and its token is
 * mounted in this Job's pod only.
 */
export class GeneratedPasswordSecret extends Construct {
  /** curl's official image: Alpine busybox + curl, runs as curl_user (uid 100). */
  public static readonly DEFAULT_IMAGE = 'curlimages/curl:8.16.0';

  /** Where consumers read the password (secretKeyRef). */
  public readonly secretKeyRef: SecretKeyRef;
  /** The Job that creates the Secret. */
  public readonly job: ApiObject;
  /** The Job's ServiceAccount. */
  public readonly serviceAccount: ApiObject;
  /** The Role allowing `create` on `secrets` in the namespace, nothing else. */
  public readonly role: ApiObject;
  /** Binds the Role to the ServiceAccount. */
  public readonly roleBinding: ApiObject;

  constructor(scope: Construct, id: string, props: GeneratedPasswordSecretProps) {
    super(scope, id);
    const key = props.key ?? 'password';
    this.secretKeyRef = { secretName: props.secretName, key };
    const metadata = { name: props.jobName, namespace: props.namespace, labels: props.jobLabels };

    // Created before the Job so that `kubectl apply -f` and Argo CD's kind ordering grant the
    // permission before the pod asks; the script also retries 401/403 for RBAC propagation.
    this.serviceAccount = new ApiObject(this, 'ServiceAccount', {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata,
      // The Job's pod opts in explicitly; any other pod using this account gets no token.
      automountServiceAccountToken: false,
    } as any);
    this.role = new ApiObject(this, 'Role', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata,
      rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['create'] }],
    } as any);
    this.roleBinding = new ApiObject(this, 'RoleBinding', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata,
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: props.jobName },
      subjects: [{ kind: 'ServiceAccount', name: props.jobName, namespace: props.namespace }],
    } as any);

    this.job = new ApiObject(this, 'Job', {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata,
      spec: {
        // Covers a slow API server or DNS at first install; each pod already retries for about a minute
        // (connection errors, 401/403 while the RoleBinding propagates, 429, 5xx).
        backoffLimit: 6,
        // No ttlSecondsAfterFinished on purpose: GitOps tools (Argo CD, Flux) and `kubectl apply`
        // would recreate a Job the cluster deleted, and Pulumi would see drift. The completed Job
        // stays as a record; re-running it is harmless (409 AlreadyExists).
        template: {
          metadata: { labels: props.jobLabels },
          spec: {
            serviceAccountName: props.jobName,
            ...placementFields(props.placement),
            automountServiceAccountToken: true,
            enableServiceLinks: false,
            restartPolicy: 'Never',
            securityContext: restrictedPodSecurityContext(CURL_UID),
            containers: [{
              name: 'create-secret',
              image: props.image ?? GeneratedPasswordSecret.DEFAULT_IMAGE,
              imagePullPolicy: 'IfNotPresent',
              command: ['sh', '-c', this.script(props, key)],
              resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '64Mi' } },
              securityContext: restrictedContainerSecurityContext(CURL_UID),
            }],
          },
        },
      },
    } as any);
  }

  /**
   * The Job's shell script. The password and the API token only ever travel through
   * shell variables and pipes (printf is a builtin), never through a command line, and
   * curl's config — header and body — is read from stdin. Nothing of the body or of the
   * response is printed: only the HTTP status.
   */
  private script(props: GeneratedPasswordSecretProps, key: string): string {
    const url = `https://kubernetes.default.svc/api/v1/namespaces/${props.namespace}/secrets`;
    const body = JSON.stringify({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: props.secretName,
        labels: props.secretLabels,
        annotations: { 'kestra.io/created-by': `job/${props.jobName}` },
      },
      type: 'Opaque',
      data: { [key]: '@PASSWORD@' },
    });
    const [bodyStart, bodyEnd] = body.split('@PASSWORD@');
    const secret = `Secret ${props.namespace}/${props.secretName}`;
    return [
      'set -eu',
      `sa=${SERVICE_ACCOUNT_DIR}`,
      // 24 random bytes are 32 URL-safe characters: no quoting issue in JDBC, psql or JSON.
      'password=$(head -c 24 /dev/urandom | base64 | tr \'+/\' \'-_\' | tr -d \'=\\n\')',
      'if [ "${#password}" -ne 32 ]; then echo "could not draw a password from /dev/urandom" >&2; exit 1; fi',
      'data=$(printf \'%s\' "$password" | base64 | tr -d \'\\n\')',
      'password=',
      'token=$(cat "$sa/token")',
      'attempt=1',
      'while :; do',
      '  status=$({',
      '    printf \'header = "Authorization: Bearer %s"\\n\' "$token"',
      `    printf 'data-binary = "%s%s%s"\\n' ${shellQuote('name', curlConfigString(bodyStart))} "$data" ${shellQuote('name', curlConfigString(bodyEnd))}`,
      `  } | curl -q -sS -K - -o /dev/null -w '%{http_code}' --max-time 30 --cacert "$sa/ca.crt" -H 'Content-Type: application/json' ${shellQuote('namespace', url)}) || status=000`,
      '  case "$status" in',
      `    201) echo ${shellQuote('name', `created ${secret}`)}; exit 0 ;;`,
      `    409) echo ${shellQuote('name', `${secret} already exists; left unchanged`)}; exit 0 ;;`,
      '    000|401|403|429|5??) ;;',
      '    *) break ;;',
      '  esac',
      '  [ "$attempt" -lt 30 ] || break',
      '  echo "HTTP $status, retrying" >&2',
      '  attempt=$((attempt + 1))',
      '  sleep 2',
      'done',
      `echo "could not create ${secret}: HTTP $status" >&2`,
      'exit 1',
    ].join('\n');
  }
}
