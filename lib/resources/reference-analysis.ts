import type { DeclaredSecret, FlowNode } from './reference-graph';
import { callOrder } from '../model/call-order';
import {
  DynamicReference, FlowCall, FlowTriggerSource, KeyValueRead, NamespaceFileUse, SecretRead,
} from '../model/flow-references';
import { namespaceFileMatcher } from '../model/namespace-file-glob';

/** Objects declared elsewhere, as `*`-wildcard patterns compiled to regular expressions. */
export interface ExternalMatchers {
  /** Against `<namespace>.<flowId>`. */
  readonly flows: readonly RegExp[];
  /** Against `<namespace>/<key>`. */
  readonly keyValues: readonly RegExp[];
  /** Against `<namespace><canonical path>`, e.g. `company.team/scripts/etl.py`. */
  readonly namespaceFiles: readonly RegExp[];
  /** Against the secret name, upper-cased as Kestra looks it up. */
  readonly secrets: readonly RegExp[];
}

/** What one Kestra instance will hold. */
export interface TargetObjects {
  readonly flows: Map<string, FlowNode>;
  readonly keyValues: Set<string>;
  readonly files: Map<string, Set<string>>;
  readonly secrets: DeclaredSecret[];
}

/**
 * Where a reference resolves: `app` (an object of this app), `written` (a `kv.Set` task of this
 * app writes the key), `external` (declared managed elsewhere), `optional` (a `kv()` with
 * `errorOnMissing=false`), `unchecked` (no Secret keys declared to check a `secret()` against),
 * or `missing`.
 */
export type Resolution = 'app' | 'written' | 'external' | 'optional' | 'unchecked' | 'missing';

/** One flow of the report: what it calls, is triggered by and reads, each resolved. */
export interface FlowReferenceReport {
  /** The Kestra instance holding the flow (see `targetOf`). */
  readonly target: string;
  /** The tenant, when one was set. */
  readonly tenant?: string;
  readonly namespace: string;
  readonly flowId: string;
  /** Where the flow comes from (its file) and its construct path. */
  readonly origin: string;
  readonly constructPath: string;
  readonly calls: ReadonlyArray<FlowCall & { readonly resolved: Resolution }>;
  readonly triggeredBy: ReadonlyArray<FlowTriggerSource & { readonly resolved: Resolution }>;
  readonly keyValues: ReadonlyArray<KeyValueRead & { readonly resolved: Resolution; readonly foundIn?: string }>;
  readonly namespaceFiles: ReadonlyArray<NamespaceFileUse & { readonly resolved: Resolution }>;
  readonly secrets: ReadonlyArray<SecretRead & { readonly resolved: Resolution }>;
  /** References whose target is an expression: listed, not checked. */
  readonly dynamic: readonly DynamicReference[];
}

/** The references of every flow of an app, and what the synth check found. */
export interface ReferenceReport {
  /** Whether unresolved reads and triggers are errors. */
  readonly strict: boolean;
  readonly flows: readonly FlowReferenceReport[];
  /** Each cycle of calls, as the flows' `namespace.id` in call order (the first repeated at the end). */
  readonly cycles: ReadonlyArray<readonly string[]>;
  /** Calls to flows nobody holds, recursive calls and cycles: they fail the synth. */
  readonly errors: readonly string[];
  /** K/V keys, namespace files, secrets and triggering flows that resolve to nothing (errors when strict). */
  readonly warnings: readonly string[];
}

/** Resolves every reference of the flows of one Kestra instance. */
export function analyseTarget(target: string, objects: TargetObjects, external: ExternalMatchers) {
  const errors: string[] = [];
  const warnings: string[] = [];
  const flows = [...objects.flows.values()];
  const written = new Set<string>();
  const flowNamespaces = new Set<string>();
  for (const flow of flows) {
    flowNamespaces.add(`${flow.tenant}\u0000${flow.namespace}`);
    for (const write of flow.references.keyValueWrites) written.add(`${flow.tenant}\u0000${write.namespace}\u0000${write.key}`);
  }
  const secretKeys = declaredSecretKeys(objects.secrets);
  const matches = (patterns: readonly RegExp[], text: string) => patterns.some((p) => p.test(text));

  const reports = flows.map((flow): FlowReferenceReport => {
    const name = `flow ${qualified(flow.tenant, flow.namespace, flow.flowId)} (${flow.origin})`;
    const { references: refs, tenant } = flow;
    const calls = refs.calls.map((call) => {
      const resolved: Resolution = objects.flows.has(`${tenant}\u0000${call.namespace}\u0000${call.flowId}`) ? 'app'
        : matches(external.flows, `${call.namespace}.${call.flowId}`) ? 'external' : 'missing';
      const where = `${name}, task "${call.task}" at ${call.path} (${call.type})`;
      if (call.namespace === flow.namespace && call.flowId === flow.flowId) {
        // kestra-io/kestra core/.../validations/validator/FlowValidator.java refuses a flow calling itself
        errors.push(`${where} calls its own flow; Kestra rejects a recursive call to a flow`);
      } else if (resolved === 'missing') {
        errors.push(`${where} calls flow ${call.namespace}.${call.flowId}, which no flow of this app declares: ` +
          'add that flow, or declare it managed elsewhere with KestraReferenceChecks `external.flows`');
      }
      return { ...call, resolved };
    });
    const triggeredBy = refs.triggeredBy.map((source) => {
      const found = source.flowId === undefined
        ? flowNamespaces.has(`${tenant}\u0000${source.namespace}`)
        : objects.flows.has(`${tenant}\u0000${source.namespace}\u0000${source.flowId}`);
      const resolved: Resolution = found ? 'app'
        : matches(external.flows, `${source.namespace}.${source.flowId ?? ''}`) ? 'external' : 'missing';
      if (resolved === 'missing') {
        const upstream = source.flowId === undefined ? `any flow of namespace ${source.namespace}` : `flow ${source.namespace}.${source.flowId}`;
        warnings.push(`${name}, trigger "${source.trigger}" at ${source.path}, waits for ${upstream}, which this app does not hold; it will never fire unless that flow exists`);
      }
      return { ...source, resolved };
    });
    const keyValues = refs.keyValues.map((read) => {
      // kestra-io/kestra core/.../pebble/functions/KvFunction.java: without a namespace argument the
      // lookup starts at the flow's namespace and walks up its parents; with one, only that namespace.
      const candidates = read.namespace !== undefined ? [read.namespace] : namespaceAndParents(flow.namespace);
      let resolved: Resolution = 'missing';
      let foundIn: string | undefined;
      for (const ns of candidates) {
        const key = `${tenant}\u0000${ns}\u0000${read.key}`;
        resolved = objects.keyValues.has(key) ? 'app' : written.has(key) ? 'written'
          : matches(external.keyValues, `${ns}/${read.key}`) ? 'external' : 'missing';
        if (resolved !== 'missing') {
          foundIn = ns;
          break;
        }
      }
      if (resolved === 'missing' && read.optional) resolved = 'optional';
      if (resolved === 'missing') {
        warnings.push(`${name}: kv('${read.key}') at ${read.path} resolves to nothing: no K/V entry "${read.key}" in ` +
          `${candidates.join(', ')}${read.namespace === undefined ? ' (the namespace and its parents)' : ''}, and no kv.Set task of this app writes it`);
      }
      return { ...read, resolved, ...(foundIn !== undefined ? { foundIn } : {}) };
    });
    const namespaceFiles = refs.namespaceFiles.map((use) => {
      const held = (ns: string): boolean => {
        const paths = objects.files.get(`${tenant}\u0000${ns}`);
        if (!paths) return false;
        if (use.via === 'read') return paths.has(use.path);
        const matcher = namespaceFileMatcher(use.path);
        for (const path of paths) if (matcher(path)) return true;
        return false;
      };
      const resolved: Resolution = use.namespaces.some(held) ? 'app'
        : use.namespaces.some((ns) => matches(external.namespaceFiles, `${ns}${use.via === 'read' ? use.path : ''}`)) ? 'external' : 'missing';
      if (resolved === 'missing') {
        const what = use.via === 'read' ? `read('${use.path}')` : `namespaceFiles include "${use.path}"`;
        warnings.push(`${name}: ${what} at ${use.location} resolves to nothing: no namespace file of ${use.namespaces.join(', ')} matches`);
      }
      return { ...use, resolved };
    });
    const secrets = refs.secrets.map((read) => {
      const upper = read.name.toUpperCase();
      const resolved: Resolution = matches(external.secrets, upper) ? 'external'
        : secretKeys === undefined ? 'unchecked' : secretKeys.has(upper) ? 'app' : 'missing';
      if (resolved === 'missing') {
        warnings.push(`${name}: secret('${read.name}') at ${read.path} resolves to nothing: none of the Secrets given to Kestra ` +
          `(${objects.secrets.map((s) => s.secretName).join(', ')}) declares a key ${upper}`);
      }
      return { ...read, resolved };
    });
    return {
      target,
      ...(tenant ? { tenant } : {}),
      namespace: flow.namespace,
      flowId: flow.flowId,
      origin: flow.origin,
      constructPath: flow.construct.node.path,
      calls,
      triggeredBy,
      keyValues,
      namespaceFiles,
      secrets,
      dynamic: refs.dynamic,
    };
  });
  const cycles = callOrder(flows, (f) => f.callees).cycles.map((cycle) => cycle.map((f) => qualified(f.tenant, f.namespace, f.flowId)));
  for (const cycle of cycles) {
    errors.push(`flows call each other in a cycle: ${cycle.join(' → ')}; Kestra cannot create any of them before the others`);
  }
  return { flows: reports, cycles, errors, warnings };
}

function qualified(tenant: string, namespace: string, flowId: string): string {
  return `${tenant ? `${tenant}/` : ''}${namespace}.${flowId}`;
}

function namespaceAndParents(namespace: string): string[] {
  const parts = namespace.split('.');
  return parts.map((_, i) => parts.slice(0, parts.length - i).join('.'));
}

// Kestra OSS upper-cases both the env var's name and the looked-up key
// (kestra-io/kestra core/src/main/java/io/kestra/core/secret/SecretService.java).
function declaredSecretKeys(secrets: readonly DeclaredSecret[]): Set<string> | undefined {
  if (secrets.length === 0 || secrets.some((s) => s.keys === undefined)) return undefined;
  return new Set(secrets.flatMap((s) => s.keys!.map((k) => k.toUpperCase())));
}
