import { DIND_KEYS, KUBERNETES_RUNNER_KEYS } from './option-keys';
import { KestraValidationError, ResourceRequirements, rejectUnknownOptions, renderResources, validateDnsLabel, validateNonEmpty } from '../common';

/** How the Docker-in-Docker daemon runs. */
export type KestraDindMode = 'rootless' | 'insecure';

/** Options of the Docker-in-Docker sidecar. */
export interface KestraDindOptions {
  /**
   * `rootless` runs dockerd as uid 1000 inside a user namespace; `insecure` runs it as root.
   * Both need a privileged sidecar (see the README); the Kestra container never is.
   * @default 'rootless'
   */
  readonly mode?: KestraDindMode;
  /**
   * CPU and memory of the sidecar (the task containers run inside it).
   * @default - requests 250m CPU / 512Mi memory, limit 2Gi memory
   */
  readonly resources?: ResourceRequirements;
  /**
   * Docker image of the daemon.
   * @default 'docker:28.5-dind-rootless' (rootless) or 'docker:28.5-dind' (insecure)
   */
  readonly image?: string;
}

/** Options of the Kubernetes task runner. */
export interface KestraKubernetesRunnerOptions {
  /**
   * Namespace where task pods run; the Role and RoleBinding are created there.
   * @default - the Chart's namespace
   */
  readonly namespace?: string;
}

/** Resolved Docker-in-Docker settings. */
export interface DindSpec {
  /** rootless or insecure. */
  readonly mode: KestraDindMode;
  /** Image of the daemon. */
  readonly image: string;
  /** Rendered resources of the sidecar. */
  readonly resources: Record<string, Record<string, string>>;
}

/** How Kestra runs script tasks' containers. */
export abstract class KestraTaskRunner {
  /**
   * A Docker daemon sidecar next to each pod that runs tasks (standalone and workers),
   * reached through a socket on a shared emptyDir. The default, in rootless mode.
   */
  public static dind(options: KestraDindOptions = {}): KestraTaskRunner {
    rejectUnknownOptions('taskRunner', options ?? null, DIND_KEYS);
    const mode = options.mode ?? 'rootless';
    if (mode !== 'rootless' && mode !== 'insecure') {
      throw new KestraValidationError('taskRunner.mode', mode, 'must be "rootless" or "insecure"');
    }
    const image = options.image === undefined
      ? (mode === 'rootless' ? 'docker:28.5-dind-rootless' : 'docker:28.5-dind')
      : validateNonEmpty('taskRunner.image', options.image);
    const resources = renderResources('taskRunner.resources',
      options.resources ?? { requests: { cpu: '250m', memory: '512Mi' }, limits: { memory: '2Gi' } }) ?? {};
    return new DindRunner({ mode, image, resources });
  }

  /**
   * Tasks run as pods through the Kubernetes API: no sidecar, no privileges. The workers
   * get their own ServiceAccount bound to a Role limited to managing pods in the task namespace.
   */
  public static kubernetes(options: KestraKubernetesRunnerOptions = {}): KestraTaskRunner {
    rejectUnknownOptions('taskRunner', options ?? null, KUBERNETES_RUNNER_KEYS);
    if (options.namespace !== undefined) validateDnsLabel('taskRunner.namespace', options.namespace);
    return new KubernetesRunner(options.namespace);
  }

  /** No task runner: only tasks that run inside the Kestra process work. */
  public static none(): KestraTaskRunner {
    return new NoRunner();
  }

  /** dind, kubernetes or none. */
  public abstract readonly kind: 'dind' | 'kubernetes' | 'none';
}

/** @internal */
export class DindRunner extends KestraTaskRunner {
  public readonly kind = 'dind';
  constructor(public readonly spec: DindSpec) {
    super();
  }
}

/** @internal */
export class KubernetesRunner extends KestraTaskRunner {
  public readonly kind = 'kubernetes';
  constructor(public readonly namespace: string | undefined) {
    super();
  }
}

class NoRunner extends KestraTaskRunner {
  public readonly kind = 'none';
}
