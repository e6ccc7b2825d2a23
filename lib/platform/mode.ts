import { KestraJvmOptions, renderJavaOptions } from './jvm';
import { KestraScratchVolume, validateScratchVolume } from './scratch-volume';
import { KestraValidationError, ResourceRequirements, renderResources, validateDnsLabel, validatePositiveInteger, validateQuantity } from '../common';

/** Bounded scratch space of a Kestra pod (the root filesystem is read-only). */
export interface KestraScratchOptions {
  /**
   * `sizeLimit` of the emptyDir on `/tmp` (JVM and plugin temporary files).
   * @default '1Gi'
   */
  readonly tmpSizeLimit?: string;
  /**
   * `sizeLimit` of the emptyDir on the Kestra user's home (`HOME=/home/kestra`), where plugins and libraries keep caches.
   * @default '256Mi'
   */
  readonly homeSizeLimit?: string;
  /**
   * Where task working directories live (`/tmp/kestra-wd`, shared with the DinD daemon, which bind-mounts them by path).
   * Only for components that run tasks (standalone and workers).
   * @default KestraScratchVolume.emptyDir({ sizeLimit: '10Gi' })
   */
  readonly workingDirectory?: KestraScratchVolume;
}

/** Settings shared by every Kestra server component. */
export interface KestraComponentOptions {
  /**
   * Number of pods. Ignored when the component has `autoscaling`.
   * @default 1
   */
  readonly replicas?: number;
  /**
   * CPU and memory for the Kestra container, written as in Kubernetes.
   * @default - per component, sized from Kestra's documented minimum (a standalone server needs 2 vCPU and 4 GiB):
   * standalone and workers request 2 CPU / 4Gi, webserver and executor 1 CPU / 2Gi, scheduler and indexer 500m / 1Gi;
   * the memory limit equals the request and there is no CPU limit (it only throttles the JVM)
   */
  readonly resources?: ResourceRequirements;
  /**
   * JVM settings; the heap follows the container's memory limit.
   * @default - `-XX:MaxRAMPercentage=75`, plus `-XX:ActiveProcessorCount` from the CPU limit when there is one
   */
  readonly jvm?: KestraJvmOptions;
  /**
   * Seconds Kubernetes waits after SIGTERM before killing the pod. Kestra lets running tasks finish for up to
   * `kestra.server.terminationGracePeriod` (5 minutes by default) before it stops.
   * @default 360 for components that run tasks (standalone, workers); 30 (Kubernetes' default) for the others
   */
  readonly terminationGracePeriodSeconds?: number;
  /**
   * Sizes of the scratch volumes.
   * @default - see `KestraScratchOptions`
   */
  readonly scratch?: KestraScratchOptions;
}

/** Settings of a worker component (the pods that run tasks). */
export interface KestraWorkerOptions extends KestraComponentOptions {
  /**
   * Number of task threads (`--thread`).
   * @default - Kestra's default: twice the number of available processors
   */
  readonly threads?: number;
}

/** Settings of the standalone server (all components in one pod). */
export interface KestraStandaloneOptions extends KestraComponentOptions {
  /**
   * Number of task threads of the embedded worker (`--worker-thread`).
   * @default - Kestra's default: twice the number of available processors
   */
  readonly workerThreads?: number;
}

/** Settings of the distributed mode: one Deployment per Kestra component. */
export interface KestraDistributedOptions {
  /**
   * The webserver (UI and API); the only component the Service routes to.
   * @default - one replica
   */
  readonly webserver?: KestraComponentOptions;
  /**
   * The executor.
   * @default - one replica
   */
  readonly executor?: KestraComponentOptions;
  /**
   * The scheduler.
   * @default - one replica
   */
  readonly scheduler?: KestraComponentOptions;
  /**
   * The default worker.
   * @default - one replica
   */
  readonly worker?: KestraWorkerOptions;
  /**
   * The indexer.
   * @default - one replica
   */
  readonly indexer?: KestraComponentOptions;
  /**
   * Worker groups (Kestra Enterprise): extra worker Deployments started with `--worker-group=KEY`, keyed by group key.
   * Each becomes the component `worker-<key>`.
   * @default - none
   */
  readonly workerGroups?: Record<string, KestraWorkerOptions>;
}

/** One Kestra server process as this construct deploys it. */
export interface KestraComponentSpec {
  /** Component name: standalone, webserver, executor, scheduler, worker, indexer or worker-<group>. */
  readonly name: string;
  /** Arguments after the image entrypoint, e.g. `server worker --thread=8`. */
  readonly args: string[];
  /** Requested pod count. */
  readonly replicas: number;
  /** Rendered Kubernetes resources of the Kestra container. */
  readonly resources: Record<string, Record<string, string>>;
  /** Whether the component serves the UI/API on port 8080 (standalone, webserver). */
  readonly servesHttp: boolean;
  /** Whether the component runs tasks, so it gets the task runner (standalone and workers). */
  readonly runsTasks: boolean;
  /** `JAVA_OPTS` of the Kestra container. */
  readonly javaOptions: string;
  /** Pod termination grace period, when the component sets one. */
  readonly terminationGracePeriodSeconds?: number;
  /** Resolved scratch volumes. */
  readonly scratch: ResolvedScratch;
}

/** Scratch volumes with every default applied. */
export interface ResolvedScratch {
  /** sizeLimit of /tmp. */
  readonly tmpSizeLimit: string;
  /** sizeLimit of HOME. */
  readonly homeSizeLimit: string;
  /** Task working directories (components that run tasks only). */
  readonly workingDirectory?: KestraScratchVolume;
}

/** Grace period of pods that run tasks: Kestra's default 5 minute drain plus time to stop the JVM. */
export const TASK_POD_GRACE_PERIOD_SECONDS = 360;
const DEFAULT_WORKING_DIRECTORY_SIZE = '10Gi';

function sized(cpu: string, memory: string): ResourceRequirements {
  return { requests: { cpu, memory }, limits: { memory } };
}
// Kestra's documented minimum for a standalone server is 2 vCPU and 4 GiB; a worker runs the same task load.
const DEFAULT_RESOURCES: Record<string, ResourceRequirements> = {
  standalone: sized('2', '4Gi'),
  worker: sized('2', '4Gi'),
  webserver: sized('1', '2Gi'),
  executor: sized('1', '2Gi'),
  scheduler: sized('500m', '1Gi'),
  indexer: sized('500m', '1Gi'),
};
const DISTRIBUTED_KEYS = ['webserver', 'executor', 'scheduler', 'worker', 'indexer', 'workerGroups'];
const SHARED_KEYS = ['replicas', 'resources', 'jvm', 'terminationGracePeriodSeconds', 'scratch'];
const STANDALONE_KEYS = [...SHARED_KEYS, 'workerThreads'];
const COMPONENT_KEYS = [...SHARED_KEYS, 'threads'];
const SCRATCH_KEYS = ['tmpSizeLimit', 'homeSizeLimit', 'workingDirectory'];

function rejectUnknownKeys(field: string, options: object | undefined, allowed: string[]): void {
  if (options === undefined) return;
  if (options === null || typeof options !== 'object') {
    throw new KestraValidationError(field, options, 'must be an object');
  }
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) {
      throw new KestraValidationError(`${field}.${key}`, (options as Record<string, unknown>)[key],
        `unknown component or option "${key}"; expected one of ${allowed.join(', ')}`);
    }
  }
}

function resolveScratch(field: string, options: KestraScratchOptions | undefined, runsTasks: boolean): ResolvedScratch {
  rejectUnknownKeys(field, options, SCRATCH_KEYS);
  if (options?.workingDirectory !== undefined && !runsTasks) {
    throw new KestraValidationError(`${field}.workingDirectory`, options.workingDirectory.kind, 'only components that run tasks (standalone, workers) have a working directory');
  }
  return {
    tmpSizeLimit: validateQuantity(`${field}.tmpSizeLimit`, options?.tmpSizeLimit ?? '1Gi'),
    homeSizeLimit: validateQuantity(`${field}.homeSizeLimit`, options?.homeSizeLimit ?? '256Mi'),
    workingDirectory: runsTasks
      ? validateScratchVolume(`${field}.workingDirectory`, options?.workingDirectory) ?? KestraScratchVolume.emptyDir({ sizeLimit: DEFAULT_WORKING_DIRECTORY_SIZE })
      : undefined,
  };
}

function component(field: string, name: string, args: string[], options: KestraWorkerOptions | undefined,
  flags: { servesHttp: boolean; runsTasks: boolean }, sizing: string): KestraComponentSpec {
  const replicas = options?.replicas === undefined ? 1 : validatePositiveInteger(`${field}.replicas`, options.replicas);
  const resources = renderResources(`${field}.resources`, options?.resources ?? DEFAULT_RESOURCES[sizing]) ?? {};
  const grace = options?.terminationGracePeriodSeconds;
  return {
    name,
    args,
    replicas,
    resources,
    ...flags,
    javaOptions: renderJavaOptions(`${field}.jvm`, options?.jvm, resources),
    terminationGracePeriodSeconds: grace === undefined
      ? (flags.runsTasks ? TASK_POD_GRACE_PERIOD_SECONDS : undefined)
      : validatePositiveInteger(`${field}.terminationGracePeriodSeconds`, grace, 0),
    scratch: resolveScratch(`${field}.scratch`, options?.scratch, flags.runsTasks),
  };
}

function threadsArg(field: string, flag: string, threads: number | undefined): string[] {
  return threads === undefined ? [] : [`${flag}=${validatePositiveInteger(field, threads)}`];
}

/** How Kestra's server components are laid out: one standalone pod or one Deployment per component. */
export abstract class KestraMode {
  /** All components in one process (`server standalone`). The default. */
  public static standalone(options: KestraStandaloneOptions = {}): KestraMode {
    rejectUnknownKeys('mode.standalone', options, STANDALONE_KEYS);
    const args = ['server', 'standalone', ...threadsArg('mode.standalone.workerThreads', '--worker-thread', options.workerThreads)];
    return new ResolvedMode(false, [component('mode.standalone', 'standalone', args, options, { servesHttp: true, runsTasks: true }, 'standalone')]);
  }

  /** One Deployment per component: webserver, executor, scheduler, worker, indexer, plus optional worker groups. */
  public static distributed(options: KestraDistributedOptions = {}): KestraMode {
    rejectUnknownKeys('mode.distributed', options, DISTRIBUTED_KEYS);
    const specs: KestraComponentSpec[] = [];
    for (const name of ['webserver', 'executor', 'scheduler', 'indexer'] as const) {
      rejectUnknownKeys(`mode.distributed.${name}`, options[name], SHARED_KEYS);
      specs.push(component(`mode.distributed.${name}`, name, ['server', name], options[name],
        { servesHttp: name === 'webserver', runsTasks: false }, name));
    }
    specs.push(worker('mode.distributed.worker', 'worker', [], options.worker));
    for (const [key, groupOptions] of Object.entries(options.workerGroups ?? {})) {
      const field = `mode.distributed.workerGroups.${key}`;
      validateDnsLabel(`mode.distributed.workerGroups[${JSON.stringify(key)}]`, key);
      specs.push(worker(field, `worker-${key}`, [`--worker-group=${key}`], groupOptions));
    }
    return new ResolvedMode(true, specs);
  }

  /** Whether the components run in separate pods. */
  public abstract readonly distributed: boolean;
  /** The components to deploy. */
  public abstract readonly components: readonly KestraComponentSpec[];
}

function worker(field: string, name: string, extraArgs: string[], options: KestraWorkerOptions | undefined): KestraComponentSpec {
  rejectUnknownKeys(field, options, COMPONENT_KEYS);
  const args = ['server', 'worker', ...extraArgs, ...threadsArg(`${field}.threads`, '--thread', options?.threads)];
  return component(field, name, args, options, { servesHttp: false, runsTasks: true }, 'worker');
}

class ResolvedMode extends KestraMode {
  constructor(public readonly distributed: boolean, public readonly components: readonly KestraComponentSpec[]) {
    super();
  }
}
