import * as k8s from 'cdk8s-plus-27/lib/imports/k8s';
import { KestraConfiguration } from './configuration';
import { KestraDatabase } from './database';
import { KestraMode } from './mode';
import { KestraNamespaceOptions } from './namespace';
import { KestraPluginsOptions } from './plugins';
import { KestraPodsOptions } from './pod-overrides';
import { KestraFlowSecrets } from './secrets';
import { KestraServiceOptions } from './service';
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

/**
 * The basic-authentication account of the UI and API. Kestra ≥ 0.24 always requires basic authentication
 * (`kestra.server.basic-auth.enabled` is ignored); without this, the first visitor creates the account.
 */
export interface KestraBasicAuthOptions {
  /** The user name, which Kestra requires to be an email address: a literal (checked) or read from a Secret. */
  readonly username: string | SecretKeyRef;
  /** The password, from a Secret. */
  readonly password: SecretKeyRef;
}

/** The ServiceAccount every Kestra pod runs as. */
export interface KestraServiceAccountOptions {
  /**
   * Name of the ServiceAccount.
   * @default - the construct's `name`
   */
  readonly name?: string;
  /**
   * Whether the construct creates it; `false` uses an existing one of that name (then `name` is required).
   * @default true
   */
  readonly create?: boolean;
  /**
   * Annotations, e.g. `eks.amazonaws.com/role-arn` (IRSA) or `iam.gke.io/gcp-service-account` (Workload Identity).
   * Only for an account the construct creates.
   * @default - none
   */
  readonly annotations?: Record<string, string>;
}

/** An Ingress in front of the Service. */
export interface KestraIngressOptions {
  /** Public host name, e.g. `kestra.example.com`. */
  readonly host: string;
  /**
   * Suffix of the Ingress name (`<name>-<suffix>`), needed by every Ingress but the first of a list.
   * @default - the first Ingress is named like the Service
   */
  readonly name?: string;
  /**
   * Paths routed to the Service, e.g. only Kestra's webhook trigger path on a public Ingress.
   * @default - [{ path: '/', pathType: 'Prefix' }]
   */
  readonly paths?: KestraIngressPath[];
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

/** One path of an Ingress rule. */
export interface KestraIngressPath {
  /** The path, starting with `/`. */
  readonly path: string;
  /**
   * How the path matches.
   * @default 'Prefix'
   */
  readonly pathType?: 'Prefix' | 'Exact' | 'ImplementationSpecific';
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
  /**
   * Further metrics (Pods, Object or External metrics from a metrics adapter), added after the CPU and memory ones.
   * When given without `cpuUtilization`, no CPU metric is added.
   * @default - none
   */
  readonly metrics?: k8s.MetricSpecV2[];
  /**
   * Scale-up and scale-down behaviour (stabilization windows, policies).
   * @default - Kubernetes' defaults
   */
  readonly behavior?: k8s.HorizontalPodAutoscalerBehaviorV2;
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
  readonly ingress?: KestraIngressOptions | KestraIngressOptions[];
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
  /**
   * The identity of every Kestra pod, workers that run tasks included, so a cloud identity bound to it
   * (IRSA, Workload Identity) holds for the whole platform.
   * @default - a ServiceAccount named `name`, created, without annotations
   */
  readonly serviceAccount?: KestraServiceAccountOptions;
  /**
   * Whether a NetworkPolicy admits traffic to the Kestra pods only on 8080 (http) and 8081 (management).
   * @default true
   */
  readonly networkPolicy?: boolean;
  /**
   * Emit the Chart's Namespace (first in the manifest, labelled for Pod Security admission), plus the task
   * namespace of the Kubernetes task runner when it is another one.
   * @default false
   */
  readonly createNamespace?: boolean | KestraNamespaceOptions;
  /**
   * Plugins installed into every Kestra pod at start, by an init container running `kestra plugins install`.
   * @default - only the plugins of the image
   */
  readonly plugins?: KestraPluginsOptions;
  /**
   * Pod settings (priority class, annotations, labels, extra args, probes, security context, volumes, init and
   * sidecar containers, envFrom, grace period) for every component, with per-component overrides and scheduling.
   * @default - none
   */
  readonly pods?: KestraPodsOptions;
  /**
   * Type, annotations and labels of the Service.
   * @default - a ClusterIP Service
   */
  readonly service?: KestraServiceOptions;
  /**
   * Additional configuration files kept in ConfigMaps, applied after the generated file and before `secretConfiguration`.
   * @default - none
   */
  readonly configMapConfiguration?: KestraConfigMapKeyRef[];
}

/** One key of a ConfigMap. */
export interface KestraConfigMapKeyRef {
  /** Name of the ConfigMap. */
  readonly configMapName: string;
  /** Key holding a Kestra configuration file (YAML). */
  readonly key: string;
}
