import { KestraConfiguration } from './configuration';
import { KestraDatabase } from './database';
import { KestraMode } from './mode';
import { KestraFlowSecrets } from './secrets';
import { KestraStorage } from './storage';
import { KestraTaskRunner } from './task-runner';
import { SecretKeyRef } from '../common';

/** The Kestra container image. */
export interface KestraImageOptions {
  /**
   * Image repository.
   * @default 'kestra/kestra'
   */
  readonly repository?: string;
  /**
   * Image tag. Pin it: Kestra migrates its database on upgrade.
   * @default 'v1.3.15'
   */
  readonly tag?: string;
  /**
   * Pull policy.
   * @default 'IfNotPresent'
   */
  readonly pullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
  /**
   * Names of `kubernetes.io/dockerconfigjson` Secrets used to pull the image.
   * @default - none
   */
  readonly pullSecrets?: string[];
}

/** Basic authentication of the UI and API; both values come from a Secret. */
export interface KestraBasicAuthOptions {
  /** The user name (an email address in Kestra 1.x). */
  readonly username: SecretKeyRef;
  /** The password. */
  readonly password: SecretKeyRef;
}

/** An Ingress in front of the Service. */
export interface KestraIngressOptions {
  /** Public host name, e.g. `kestra.example.com`. */
  readonly host: string;
  /**
   * TLS: the Secret holding the certificate for `host`.
   * @default - no TLS
   */
  readonly tls?: { readonly secretName: string };
  /**
   * IngressClass name.
   * @default - the cluster's default IngressClass
   */
  readonly className?: string;
  /**
   * Annotations, e.g. for cert-manager.
   * @default - none
   */
  readonly annotations?: Record<string, string>;
}

/** Horizontal pod autoscaling of one component (autoscaling/v2). */
export interface KestraAutoscalingOptions {
  /**
   * Fewest pods.
   * @default 1
   */
  readonly minReplicas?: number;
  /** Most pods. */
  readonly maxReplicas: number;
  /**
   * Target average CPU utilization, in percent of the request.
   * @default 80
   */
  readonly cpuUtilization?: number;
  /**
   * Target average memory utilization, in percent of the request.
   * @default - not used
   */
  readonly memoryUtilization?: number;
}

/** A toleration, as in a Kubernetes pod spec. */
export interface KestraToleration {
  /**
   * Taint key.
   * @default - matches all keys (with operator Exists)
   */
  readonly key?: string;
  /**
   * `Equal` or `Exists`.
   * @default 'Equal'
   */
  readonly operator?: 'Equal' | 'Exists';
  /**
   * Taint value.
   * @default - none
   */
  readonly value?: string;
  /**
   * Taint effect.
   * @default - all effects
   */
  readonly effect?: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
  /**
   * How long a NoExecute taint is tolerated.
   * @default - forever
   */
  readonly tolerationSeconds?: number;
}

/** Spreading of each component's pods across a topology. */
export interface KestraTopologySpreadOptions {
  /**
   * Node label defining the topology domains.
   * @default 'topology.kubernetes.io/zone'
   */
  readonly topologyKey?: string;
  /**
   * Largest allowed difference in pod count between domains.
   * @default 1
   */
  readonly maxSkew?: number;
  /**
   * What to do when the spread cannot be met.
   * @default 'ScheduleAnyway'
   */
  readonly whenUnsatisfiable?: 'DoNotSchedule' | 'ScheduleAnyway';
}

/** Properties of the `Kestra` construct. Every property is optional. */
export interface KestraProps {
  /**
   * Base name of every object (the Service is named exactly this).
   * @default - the construct id, lower-cased
   */
  readonly name?: string;
  /**
   * Standalone or distributed components.
   * @default KestraMode.standalone()
   */
  readonly mode?: KestraMode;
  /**
   * Repository and queue backend.
   * @default KestraDatabase.bundledPostgres()
   */
  readonly database?: KestraDatabase;
  /**
   * Internal storage.
   * @default KestraStorage.local()
   */
  readonly storage?: KestraStorage;
  /**
   * How script tasks run their containers.
   * @default KestraTaskRunner.dind() (rootless)
   */
  readonly taskRunner?: KestraTaskRunner;
  /**
   * The Kestra image.
   * @default - kestra/kestra:v1.3.15, IfNotPresent
   */
  readonly image?: KestraImageOptions;
  /**
   * Basic authentication, from a Secret.
   * @default - not configured by the construct (Kestra 1.x asks for an account on first visit)
   */
  readonly basicAuth?: KestraBasicAuthOptions;
  /**
   * Configuration merged over the generated one (objects merge, other values replace). Never put secrets
   * here: it lands in a ConfigMap. Use `${ENV}` placeholders with `extraEnv`, or `secretConfiguration`.
   * @default - none
   */
  readonly configuration?: KestraConfiguration;
  /**
   * Additional configuration files kept in Secrets, applied after the generated file.
   * @default - none
   */
  readonly secretConfiguration?: SecretKeyRef[];
  /**
   * Kubernetes Secrets for flows' `secret('NAME')` (Kestra OSS): every key of each Secret reaches
   * the Kestra container as `SECRET_<key>` (`envFrom` with that prefix). Kestra base64-decodes
   * these values, so store them base64-encoded. Declare `keys` to have `secret()` references checked at synth.
   * @default - none
   */
  readonly secrets?: KestraFlowSecrets | KestraFlowSecrets[];
  /**
   * Extra environment variables of the Kestra container: a string is a literal, a SecretKeyRef reads a Secret.
   * @default - none
   */
  readonly extraEnv?: Record<string, string | SecretKeyRef>;
  /**
   * An Ingress routing `host` to the Service.
   * @default - no Ingress
   */
  readonly ingress?: KestraIngressOptions;
  /**
   * Autoscaling keyed by component name (standalone, webserver, executor, scheduler, worker, indexer, worker-<group>).
   * @default - none
   */
  readonly autoscaling?: Record<string, KestraAutoscalingOptions>;
  /**
   * Whether components with more than one pod get a PodDisruptionBudget (maxUnavailable 1).
   * @default true
   */
  readonly podDisruptionBudget?: boolean;
  /**
   * Node labels the pods must match.
   * @default - none
   */
  readonly nodeSelector?: Record<string, string>;
  /**
   * Tolerations of the pods.
   * @default - none
   */
  readonly tolerations?: KestraToleration[];
  /**
   * A Kubernetes `Affinity` object, copied into every Kestra pod.
   * @default - none
   */
  readonly affinity?: Record<string, unknown>;
  /**
   * Spread each component's pods across a topology.
   * @default - no constraint
   */
  readonly topologySpread?: KestraTopologySpreadOptions;
  /**
   * Whether the Kestra container's root filesystem is read-only (/tmp is an emptyDir).
   * @default true
   */
  readonly readOnlyRootFilesystem?: boolean;
}
