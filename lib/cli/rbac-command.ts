import * as fs from 'fs';
import { parse as parseYaml } from 'yaml';
import { loadAppModule, loadFlowsFolder, mainGuardHint, resolveTarget } from './app-loader';
import type { CliCommand, CliIo } from './main';
import { capturedKubernetesAccessPlans } from '../kubernetes-access/captured-plans';
import {
  KubernetesPolicyReportSources, KubernetesTaskDerivationError, KubernetesTaskGrant, kubernetesPolicyReport, kubernetesPolicyReportForSources,
} from '../model';

const USAGE = 'rbac [--json] <app module (main.ts, main.js) | folder of flows> '
  + '[--service-account <namespace>/<name>] [--cluster <name>[@<namespace>/<account>]=<SECRET|masterUrl>,...] [--grants <file>]';
const FOLDER_OPTIONS = ['--service-account', '--cluster', '--grants'];
// The account of `new Kestra(chart, 'kestra')` in a chart of namespace `kestra`: the construct's name.
const DEFAULT_SERVICE_ACCOUNT = { namespace: 'kestra', name: 'kestra' };
const ACCOUNT = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\/([a-z0-9]([-a-z0-9.]*[a-z0-9])?)$/;

/**
 * `rbac [--json] <app module | flows folder>`: the least-privilege RBAC the flows' Kubernetes tasks
 * get, per ServiceAccount and namespace, with the flow and task that needs each rule. For a module,
 * the plans of every `KestraKubernetesAccess` and `KestraRemoteKubernetesAccess` the app builds; for
 * a folder, the plans derived from its flows for Kestra's ServiceAccount and each `--cluster`.
 * Exit code 1 when a task's access cannot be derived (the error names flow and task).
 */
export const rbacCommand: CliCommand = {
  usage: USAGE,
  run(args: readonly string[], io: CliIo): number {
    const options = parseArgs(args);
    const target = resolveTarget(options.target);
    const format = options.json ? 'json' : 'text';
    if (target.kind === 'folder') {
      const { flows } = loadFlowsFolder(target.path);
      try {
        io.out(kubernetesPolicyReportForSources({
          flows: flows.flows.map((flow) => ({ source: flow.source, origin: flow.node.id })),
          serviceAccount: options.serviceAccount ?? DEFAULT_SERVICE_ACCOUNT,
          clusters: options.clusters,
          grants: options.grants,
        }, format));
      } catch (err) {
        if (err instanceof KubernetesTaskDerivationError) throw new Error(`${err.message} (here: --grants <file>)`);
        throw err;
      }
      return 0;
    }
    const given = FOLDER_OPTIONS.filter((name) => args.some((a) => a === name || a.startsWith(`${name}=`)));
    if (given.length > 0) {
      throw new Error(`${given.join(', ')} ${given.length > 1 ? 'apply' : 'applies'} only to a folder of flows: for an app module, the access constructs it builds say which accounts and clusters`);
    }
    let failure: Error | undefined;
    const plans = capturedKubernetesAccessPlans(() => {
      failure = loadAppModule(target.path, io);
    });
    if (plans.length === 0 && !failure) {
      throw new Error(`${target.path} builds no KestraKubernetesAccess or KestraRemoteKubernetesAccess${mainGuardHint(target.path) || '; for its flows alone, run: kestra-constructs rbac <folder of flows>'}`);
    }
    // What the app built before a failure is still printed: the error names what is missing.
    if (plans.length > 0) io.out(kubernetesPolicyReport(plans, format));
    return failure ? 1 : 0;
  },
};

interface RbacOptions {
  readonly target: string;
  readonly json: boolean;
  readonly serviceAccount?: { name: string; namespace: string };
  readonly clusters?: NonNullable<KubernetesPolicyReportSources['clusters']>[number][];
  readonly grants?: KubernetesTaskGrant[];
}

function parseArgs(args: readonly string[]): RbacOptions {
  const targets: string[] = [];
  let json = false;
  let serviceAccount: RbacOptions['serviceAccount'];
  let grants: KubernetesTaskGrant[] | undefined;
  const clusters: NonNullable<RbacOptions['clusters']> = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith('--')) {
      targets.push(arg);
      continue;
    }
    if (arg === '--json') {
      json = true;
      continue;
    }
    const [name, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (!FOLDER_OPTIONS.includes(name)) throw new Error(`unknown option ${name}\nusage: kestra-constructs ${USAGE}`);
    const value = inline ?? args[++i];
    if (value === undefined || value === '') throw new Error(`${name} needs a value\nusage: kestra-constructs ${USAGE}`);
    if (name === '--service-account') serviceAccount = parseAccount(name, value);
    else if (name === '--cluster') clusters.push(parseCluster(value));
    else grants = readGrants(value);
  }
  if (targets.length !== 1) throw new Error(`usage: kestra-constructs ${USAGE}`);
  return { target: targets[0], json, serviceAccount, clusters: clusters.length > 0 ? clusters : undefined, grants };
}

function parseAccount(option: string, value: string): { name: string; namespace: string } {
  const match = ACCOUNT.exec(value);
  if (!match) throw new Error(`${option} ${JSON.stringify(value)}: must be <namespace>/<service account name>`);
  return { namespace: match[1], name: match[3] };
}

// `gpu=GPU_K8S_TOKEN,https://gpu.example.com:6443` or `gpu@kestra-remote/kestra-flow-tasks=GPU_K8S_TOKEN`:
// entries with a scheme are API server URLs (a task's `connection.masterUrl`), the others Kestra secrets.
function parseCluster(value: string): NonNullable<RbacOptions['clusters']>[number] {
  const equals = value.indexOf('=');
  const head = equals < 0 ? value : value.slice(0, equals);
  const entries = equals < 0 ? [] : value.slice(equals + 1).split(',').map((e) => e.trim()).filter((e) => e !== '');
  const [name, account] = head.includes('@') ? [head.slice(0, head.indexOf('@')), head.slice(head.indexOf('@') + 1)] : [head, undefined];
  if (name === '' || entries.length === 0) {
    throw new Error(`--cluster ${JSON.stringify(value)}: must be <name>[@<namespace>/<account>]=<SECRET|masterUrl>,... (the secrets or API server URLs of the tasks' connection)`);
  }
  const masterUrls = entries.filter((e) => /^[a-z][a-z0-9+.-]*:\/\//i.test(e));
  const secrets = entries.filter((e) => !masterUrls.includes(e));
  return {
    name,
    ...(secrets.length > 0 ? { secrets } : {}),
    ...(masterUrls.length > 0 ? { masterUrls } : {}),
    ...(account !== undefined ? { serviceAccount: parseAccount(`--cluster ${name}@`, account) } : {}),
  };
}

// The grants as the constructs take them (`grants` option), in a YAML or JSON file.
function readGrants(file: string): KubernetesTaskGrant[] {
  if (!fs.existsSync(file)) throw new Error(`--grants ${file} does not exist`);
  let grants: unknown;
  try {
    grants = parseYaml(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`--grants ${file} is not YAML or JSON: ${(err as Error).message.split('\n')[0]}`);
  }
  if (!Array.isArray(grants)) throw new Error(`--grants ${file} must hold a list of grants ({ flow, taskId, rules })`);
  return grants as KubernetesTaskGrant[];
}
