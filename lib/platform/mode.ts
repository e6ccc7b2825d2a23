import { ResourceRequirements, rejectUnknownOptions, renderResources, validateDnsLabel, validatePositiveInteger } from '../common';

/** Settings shared by every Kestra server component. */
export interface KestraComponentOptions {
  /**
   * Number of pods. Ignored when the component has `autoscaling`.
   * @default 1
   */
  readonly replicas?: number;
  /**
   * CPU and memory for the Kestra container, written as in Kubernetes.
   * @default - requests 500m CPU / 1Gi memory, limit 2Gi memory (no CPU limit, which only throttles the JVM)
   */
  readonly resources?: ResourceRequirements;
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
}

const DEFAULT_RESOURCES: ResourceRequirements = { requests: { cpu: '500m', memory: '1Gi' }, limits: { memory: '2Gi' } };
const DISTRIBUTED_KEYS = ['webserver', 'executor', 'scheduler', 'worker', 'indexer', 'workerGroups'];
const STANDALONE_KEYS = ['replicas', 'resources', 'workerThreads'];
const COMPONENT_KEYS = ['replicas', 'resources', 'threads'];

function rejectUnknownKeys(field: string, options: object | undefined, allowed: string[]): void {
  rejectUnknownOptions(field, options, allowed);
}

function component(field: string, name: string, args: string[], options: KestraWorkerOptions | undefined,
  flags: { servesHttp: boolean; runsTasks: boolean }): KestraComponentSpec {
  const replicas = options?.replicas === undefined ? 1 : validatePositiveInteger(`${field}.replicas`, options.replicas);
  return {
    name,
    args,
    replicas,
    resources: renderResources(`${field}.resources`, options?.resources ?? DEFAULT_RESOURCES) ?? {},
    ...flags,
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
    return new ResolvedMode(false, [component('mode.standalone', 'standalone', args, options, { servesHttp: true, runsTasks: true })]);
  }

  /** One Deployment per component: webserver, executor, scheduler, worker, indexer, plus optional worker groups. */
  public static distributed(options: KestraDistributedOptions = {}): KestraMode {
    rejectUnknownKeys('mode.distributed', options, DISTRIBUTED_KEYS);
    const specs: KestraComponentSpec[] = [];
    for (const name of ['webserver', 'executor', 'scheduler', 'indexer'] as const) {
      rejectUnknownKeys(`mode.distributed.${name}`, options[name], ['replicas', 'resources']);
      specs.push(component(`mode.distributed.${name}`, name, ['server', name], options[name],
        { servesHttp: name === 'webserver', runsTasks: false }));
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
  return component(field, name, args, options, { servesHttp: false, runsTasks: true });
}

class ResolvedMode extends KestraMode {
  constructor(public readonly distributed: boolean, public readonly components: readonly KestraComponentSpec[]) {
    super();
  }
}
