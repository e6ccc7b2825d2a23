import { KestraScratchVolume, validateScratchVolume } from './scratch-volume';
import { KestraValidationError, ResourceRequirements, renderResources, validateDnsLabel, validateNonEmpty } from '../common';

// Docker 28 is end of life; 29 is the maintained major (docker-library/docker versions.json lists 29.7.x).
const DIND_IMAGES: Record<KestraDindMode, string> = { rootless: 'docker:29.7-dind-rootless', insecure: 'docker:29.7-dind' };
const DEFAULT_DIND_DATA_SIZE = '20Gi';
/** The Enterprise Edition task runner class (kestra.io/plugins/plugin-ee-kubernetes/.../io.kestra.plugin.ee.kubernetes.runner.Kubernetes). */
export const EE_KUBERNETES_RUNNER_TYPE = 'io.kestra.plugin.ee.kubernetes.runner.Kubernetes';

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
   * @default 'docker:29.7-dind-rootless' (rootless) or 'docker:29.7-dind' (insecure)
   */
  readonly image?: string;
  /**
   * Where the daemon keeps images, layers and containers.
   * @default KestraScratchVolume.emptyDir({ sizeLimit: '20Gi' })
   */
  readonly dataVolume?: KestraScratchVolume;
}

/** Options of the Kubernetes task runner (Kestra Enterprise Edition). */
export interface KestraKubernetesRunnerOptions {
  /**
   * Namespace where task pods run; the Role, RoleBinding and the task pods' ServiceAccount are created there.
   * @default - the Chart's namespace
   */
  readonly namespace?: string;
  /**
   * Plugin types (or type prefixes, as Kestra matches plugin defaults) whose `taskRunner` is forced to the
   * Kubernetes runner.
   * @default ['io.kestra.plugin.scripts'] (every script task: Python, Shell, Node...)
   */
  readonly taskTypes?: string[];
}

/** Resolved Docker-in-Docker settings. */
export interface DindSpec {
  /** rootless or insecure. */
  readonly mode: KestraDindMode;
  /** Image of the daemon. */
  readonly image: string;
  /** Rendered resources of the sidecar. */
  readonly resources: Record<string, Record<string, string>>;
  /** Volume of the daemon's data. */
  readonly dataVolume: KestraScratchVolume;
}

/** How Kestra runs script tasks' containers. */
export abstract class KestraTaskRunner {
  /**
   * A Docker daemon sidecar next to each pod that runs tasks (standalone and workers),
   * reached through a socket on a shared emptyDir. The default, in rootless mode.
   */
  public static dind(options: KestraDindOptions = {}): KestraTaskRunner {
    if (options === null || typeof options !== 'object') throw new KestraValidationError('taskRunner', options, 'must be an object');
    const mode = options.mode ?? 'rootless';
    if (mode !== 'rootless' && mode !== 'insecure') {
      throw new KestraValidationError('taskRunner.mode', mode, 'must be "rootless" or "insecure"');
    }
    const image = options.image === undefined ? DIND_IMAGES[mode] : validateNonEmpty('taskRunner.image', options.image);
    const resources = renderResources('taskRunner.resources',
      options.resources ?? { requests: { cpu: '250m', memory: '512Mi' }, limits: { memory: '2Gi' } }) ?? {};
    const dataVolume = validateScratchVolume('taskRunner.dataVolume', options.dataVolume) ?? KestraScratchVolume.emptyDir({ sizeLimit: DEFAULT_DIND_DATA_SIZE });
    return new DindRunner({ mode, image, resources, dataVolume });
  }

  /**
   * Tasks run as pods through the Kubernetes API: no sidecar, no privileges. **Needs a Kestra Enterprise Edition
   * image**: the runner (`io.kestra.plugin.ee.kubernetes.runner.Kubernetes`) ships with EE only.
   *
   * The configuration gets forced plugin defaults so that script tasks run with this runner, in the task namespace,
   * as the ServiceAccount `<name>-tasks` (no API token, no permissions). The pods that run tasks mount the token of
   * the Kestra ServiceAccount, which a Role in the task namespace allows to manage pods there and nothing else.
   */
  public static kubernetes(options: KestraKubernetesRunnerOptions = {}): KestraTaskRunner {
    if (options === null || typeof options !== 'object') throw new KestraValidationError('taskRunner', options, 'must be an object');
    if (options.namespace !== undefined) validateDnsLabel('taskRunner.namespace', options.namespace);
    const taskTypes = options.taskTypes ?? ['io.kestra.plugin.scripts'];
    if (!Array.isArray(taskTypes) || taskTypes.length === 0) throw new KestraValidationError('taskRunner.taskTypes', taskTypes, 'must be a non-empty list of plugin types');
    taskTypes.forEach((type, i) => {
      if (typeof type !== 'string' || !/^[a-zA-Z_$][\w$]*(\.[a-zA-Z_$][\w$]*)*$/.test(type)) {
        throw new KestraValidationError(`taskRunner.taskTypes[${i}]`, type, 'must be a Java class name or package prefix such as "io.kestra.plugin.scripts"');
      }
    });
    return new KubernetesRunner(options.namespace, taskTypes);
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
  constructor(public readonly namespace: string | undefined, public readonly taskTypes: readonly string[]) {
    super();
  }
}

class NoRunner extends KestraTaskRunner {
  public readonly kind = 'none';
}
