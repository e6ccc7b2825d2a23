import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { GeneratedPasswordSecret } from './generated-password-secret';
import { BUNDLED_POSTGRES_KEYS } from './option-keys';
import { PodPlacement, placementFields } from './pod-overrides';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from './security';
import {
  KestraValidationError, ResourceRequirements, SecretKeyRef, rejectUnknownOptions, renderResources, validateDnsLabel, validateDnsSubdomain,
  validateNonEmpty, validateQuantity, validateSecretKeyRef,
} from '../common';

/** Options of the PostgreSQL database the construct deploys next to Kestra. */
export interface BundledPostgresOptions {
  /**
   * Size of the data volume.
   * @default '10Gi'
   */
  readonly storageSize?: string;
  /**
   * StorageClass of the data volume.
   * @default - the cluster's default StorageClass
   */
  readonly storageClassName?: string;
  /**
   * The postgres image (Debian-based official image: it runs as uid 999).
   * @default 'postgres:17.6-bookworm'
   */
  readonly image?: string;
  /**
   * The database password, read from a Secret you manage (External Secrets, Sealed
   * Secrets, Vault...). Nothing is generated then, and no Job or RBAC object is created.
   * @default - the Secret `<name>-postgres` (key `password`), created once inside the
   * cluster by the Job `<name>-postgres-credentials` with a random password; needs the
   * Chart to have a namespace (see the README)
   */
  readonly passwordSecret?: SecretKeyRef;
  /**
   * Image of the Job that creates the generated password Secret: it needs `sh`, `head`,
   * `base64`, `tr` and `curl` and must run as a non-root uid 100 (mirror the default for
   * air-gapped clusters). Ignored when `passwordSecret` is given.
   * @default 'curlimages/curl:8.16.0'
   */
  readonly credentialsJobImage?: string;
  /**
   * CPU and memory of the database container.
   * @default - requests 250m CPU / 256Mi memory, limit 1Gi memory
   */
  readonly resources?: ResourceRequirements;
}

/** Internal props: the options plus where the database sits. */
export interface BundledPostgresProps extends BundledPostgresOptions {
  /** Base name of the database objects. */
  readonly name: string;
  /** Labels of the only pods allowed to connect. */
  readonly clientPodLabels: Record<string, string>;
  /** Namespace of the Chart; required to generate the password in the cluster. */
  readonly namespace?: string;
  /** Scheduling and image pull secrets of the database and credentials Job pods. */
  readonly placement?: PodPlacement;
}

const DATA_DIR = '/var/lib/postgresql/data';
const POSTGRES_UID = 999;

// The official image applies POSTGRES_PASSWORD only when it initialises an empty
// volume. Re-applying it on every start (over the local socket, which the image
// trusts) means a rotated Secret (deleted and re-created by the Job, or changed by
// its owner) can never lock Kestra out of its own database after a restart.
const RESYNC_PASSWORD = [
  'for attempt in $(seq 1 60); do',
  '  if pg_isready -q -h /var/run/postgresql -d postgres && psql -q -v ON_ERROR_STOP=1 -h /var/run/postgresql -U "$POSTGRES_USER" -d postgres <<\'SQL\'',
  '\\getenv pw POSTGRES_PASSWORD',
  'ALTER ROLE CURRENT_USER WITH PASSWORD :\'pw\';',
  'SQL',
  '  then exit 0; fi',
  '  sleep 2',
  'done',
  'echo "could not re-apply the database password" >&2',
].join('\n');

/**
 * PostgreSQL as a single-replica StatefulSet with its own volume, a headless
 * Service and a NetworkPolicy that admits only the Kestra pods on 5432.
 */
export class BundledPostgres extends Construct {
  public static readonly PORT = 5432;

  /** Validates the options at the call site, so errors name `database.*`. */
  public static validateOptions(field: string, options: BundledPostgresOptions): void {
    rejectUnknownOptions(field, options ?? null, BUNDLED_POSTGRES_KEYS);
    if (options.storageSize !== undefined) validateQuantity(`${field}.storageSize`, options.storageSize);
    if (options.storageClassName !== undefined) validateDnsSubdomain(`${field}.storageClassName`, options.storageClassName);
    if (options.image !== undefined) validateNonEmpty(`${field}.image`, options.image);
    if (options.credentialsJobImage !== undefined) validateNonEmpty(`${field}.credentialsJobImage`, options.credentialsJobImage);
    if (options.passwordSecret !== undefined) validateSecretKeyRef(`${field}.passwordSecret`, options.passwordSecret);
    renderResources(`${field}.resources`, options.resources);
  }

  /** Name of the Service Kestra connects to. */
  public readonly serviceName: string;
  /** Database name. */
  public readonly databaseName = 'kestra';
  /** Database user. */
  public readonly username = 'kestra';
  /** Where the password lives (the generated Secret or the one supplied). */
  public readonly passwordSecret: SecretKeyRef;
  /** The Job (and its RBAC) that creates the password Secret, unless `passwordSecret` was given. */
  public readonly generatedPassword?: GeneratedPasswordSecret;
  /** The StatefulSet. */
  public readonly statefulSet: ApiObject;

  constructor(scope: Construct, id: string, props: BundledPostgresProps) {
    super(scope, id);
    this.serviceName = props.name;
    const labels = { 'app.kubernetes.io/name': 'postgresql', 'app.kubernetes.io/instance': props.name, 'app.kubernetes.io/component': 'database', 'app.kubernetes.io/part-of': 'kestra' };

    if (props.passwordSecret) {
      this.passwordSecret = props.passwordSecret;
    } else {
      // A password drawn at synth would differ at every synth (a diff, a rotation and a restart
      // on every CI run or `pulumi up`) and would sit in git or Pulumi state; one derived from
      // the input would be guessable. So the cluster draws it, once.
      if (!props.namespace) {
        throw new KestraValidationError('namespace', props.namespace,
          'the bundled PostgreSQL password is generated in the cluster by a Job that creates its Secret through the Kubernetes API of the Chart\'s namespace; '
          + 'set `namespace` on the Chart, or pass database: KestraDatabase.bundledPostgres({ passwordSecret: { secretName, key } })');
      }
      this.generatedPassword = new GeneratedPasswordSecret(this, 'Password', {
        secretName: props.name,
        jobName: `${props.name}-credentials`,
        namespace: validateDnsLabel('namespace', props.namespace),
        secretLabels: labels,
        // Not the database's labels: the Job's pod must never match the StatefulSet or Service selector.
        jobLabels: { ...labels, 'app.kubernetes.io/component': 'database-credentials' },
        image: props.credentialsJobImage,
        placement: props.placement,
      });
      this.passwordSecret = this.generatedPassword.secretKeyRef;
    }

    new ApiObject(this, 'Service', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: this.serviceName, labels },
      spec: { clusterIP: 'None', selector: labels, ports: [{ name: 'postgres', port: BundledPostgres.PORT, targetPort: 'postgres' }] },
    });

    this.statefulSet = new ApiObject(this, 'StatefulSet', {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: props.name, labels },
      spec: {
        serviceName: this.serviceName,
        replicas: 1,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: this.podSpec(props),
        },
        volumeClaimTemplates: [{
          metadata: { name: 'data' },
          spec: {
            accessModes: ['ReadWriteOnce'],
            storageClassName: props.storageClassName,
            resources: { requests: { storage: props.storageSize ?? '10Gi' } },
          },
        }],
      },
    });

    new ApiObject(this, 'NetworkPolicy', {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: props.name, labels },
      spec: {
        podSelector: { matchLabels: labels },
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ podSelector: { matchLabels: props.clientPodLabels } }], ports: [{ protocol: 'TCP', port: BundledPostgres.PORT }] }],
      },
    });
  }

  private podSpec(props: BundledPostgresProps): Record<string, unknown> {
    const isReady = ['pg_isready', '-q', '-h', '127.0.0.1', '-U', this.username, '-d', this.databaseName];
    return {
      ...placementFields(props.placement),
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      securityContext: restrictedPodSecurityContext(POSTGRES_UID),
      containers: [{
        name: 'postgres',
        image: props.image ?? 'postgres:17.6-bookworm',
        imagePullPolicy: 'IfNotPresent',
        ports: [{ name: 'postgres', containerPort: BundledPostgres.PORT, protocol: 'TCP' }],
        env: [
          { name: 'POSTGRES_DB', value: this.databaseName },
          { name: 'POSTGRES_USER', value: this.username },
          { name: 'POSTGRES_PASSWORD', valueFrom: { secretKeyRef: { name: this.passwordSecret.secretName, key: this.passwordSecret.key } } },
          // A subdirectory, because the volume root may hold lost+found and initdb wants an empty directory.
          { name: 'PGDATA', value: `${DATA_DIR}/pgdata` },
        ],
        lifecycle: { postStart: { exec: { command: ['sh', '-c', RESYNC_PASSWORD] } } },
        startupProbe: { exec: { command: isReady }, periodSeconds: 2, failureThreshold: 150 },
        readinessProbe: { exec: { command: isReady }, periodSeconds: 5, timeoutSeconds: 3 },
        livenessProbe: { exec: { command: isReady }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 6 },
        resources: renderResources('database.resources', props.resources ?? { requests: { cpu: '250m', memory: '256Mi' }, limits: { memory: '1Gi' } }),
        securityContext: restrictedContainerSecurityContext(POSTGRES_UID),
        volumeMounts: [
          { name: 'data', mountPath: DATA_DIR },
          { name: 'run', mountPath: '/var/run/postgresql' },
          { name: 'tmp', mountPath: '/tmp' },
        ],
      }],
      volumes: [{ name: 'run', emptyDir: {} }, { name: 'tmp', emptyDir: {} }],
    };
  }
}
