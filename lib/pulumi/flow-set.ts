import * as path from 'path';
import * as pulumi from '@pulumi/pulumi';
import { KestraConnectionArgs } from './provider/connection-input';
import { Flow } from './provider/flow';
import { KestraValidationError } from '../common/errors';
import { optionKeys, rejectUnknownOptions } from '../common/known-keys';
import { callOrder } from '../model/call-order';
import { flowReferences, FlowReferences } from '../model/flow-references';
import { parseFlowSource } from '../model/flow-source';
import { wildcardPatterns } from '../model/wildcard';
import { decodeUtf8, listFiles, readFileBytes } from '../resources/files';

/** Arguments of a {@link KestraFlowSet}. */
export interface KestraFlowSetArgs {
  /** Folder to load: every `*.yml` and `*.yaml` file below it, recursively (hidden entries skipped). */
  readonly directory: string;
  /**
   * How to reach Kestra, for every flow of the set.
   * @default - the `KESTRA_*` environment variables, read when the provider runs
   */
  readonly connection?: pulumi.Input<KestraConnectionArgs>;
  /**
   * Flows managed elsewhere that the set's flows may call, as `namespace.flowId` patterns where
   * `*` matches any characters (`company.shared.*`).
   * @default - none: every called flow must be in the folder
   */
  readonly externalFlows?: string[];
  /**
   * Accept a folder without any flow file instead of failing.
   * @default false
   */
  readonly allowEmpty?: boolean;
  /**
   * Take over flows that already exist in Kestra with a different source (see `Flow`'s `overwriteExisting`).
   * @default false: creating a flow that exists with other content fails
   */
  readonly overwriteExisting?: pulumi.Input<boolean>;
}

const FLOW_SET_ARGS_KEYS = optionKeys<KestraFlowSetArgs>()('directory', 'connection', 'externalFlows', 'allowEmpty', 'overwriteExisting');

interface SetMember {
  readonly key: string;
  readonly file: string;
  readonly source: string;
  readonly references: FlowReferences;
  readonly callees: SetMember[];
}

/**
 * Every flow of a folder as a {@link Flow} resource, ordered by the call graph: a flow that calls
 * another (Subflow, ForEachItem) `dependsOn` it, so Pulumi creates the called flow first (Kestra
 * refuses a flow whose subflow does not exist) and deletes the caller first. At construction,
 * before anything reaches Kestra: a call to a flow that is neither in the folder nor declared in
 * `externalFlows`, a flow calling itself, and a cycle of calls are errors naming the files.
 */
export class KestraFlowSet extends pulumi.ComponentResource {
  /** The flows by `namespace.flowId`. */
  public readonly flows: Readonly<Record<string, Flow>>;
  /** The `namespace.flowId` of every flow, in creation order (called flows first). */
  public readonly creationOrder: readonly string[];

  constructor(name: string, args: KestraFlowSetArgs, opts?: pulumi.ComponentResourceOptions) {
    rejectUnknownOptions('', args ?? null, FLOW_SET_ARGS_KEYS);
    super('kestra:index:KestraFlowSet', name, {}, opts);
    const members = loadMembers(args);
    const { order, cycles } = callOrder(members, (m) => m.callees);
    if (cycles.length > 0) {
      throw new KestraValidationError('directory', args.directory,
        cycles.map((cycle) => `flows call each other in a cycle: ${cycle.map((m) => `${m.key} (${m.file})`).join(' → ')}`).join('; ') +
        '; Kestra cannot create any of them before the others');
    }
    const flows: Record<string, Flow> = {};
    for (const member of order) {
      flows[member.key] = new Flow(`${name}-${member.key}`, { connection: args.connection, source: member.source, overwriteExisting: args.overwriteExisting }, {
        parent: this,
        dependsOn: member.callees.map((callee) => flows[callee.key]),
      });
    }
    this.flows = flows;
    this.creationOrder = order.map((m) => m.key);
    this.registerOutputs({ flowIds: this.creationOrder });
  }
}

function loadMembers(args: KestraFlowSetArgs): SetMember[] {
  const files = listFiles('directory', args.directory, (relative) => /\.ya?ml$/i.test(relative));
  if (files.length === 0 && !args.allowEmpty) throw new KestraValidationError('directory', args.directory, 'contains no *.yml or *.yaml file');
  const byKey = new Map<string, SetMember>();
  for (const file of files) {
    const filePath = path.join(args.directory, file.relativePath);
    const source = decodeUtf8('directory', readFileBytes('directory', filePath), filePath);
    // one parse per flow: it validates the source and yields the references
    const parsed = parseFlowSource(source, file.relativePath);
    const key = `${parsed.namespace}.${parsed.id}`;
    const twin = byKey.get(key);
    if (twin) throw new KestraValidationError('directory', file.relativePath, `declares flow ${key}, as ${twin.file} does; each flow must be declared once`);
    byKey.set(key, { key, file: file.relativePath, source, references: flowReferences(parsed.document), callees: [] });
  }
  const external = wildcardPatterns(args.externalFlows);
  for (const member of byKey.values()) {
    for (const call of member.references.calls) {
      const key = `${call.namespace}.${call.flowId}`;
      const task = `task "${call.task}" at ${call.path}`;
      if (key === member.key) throw new KestraValidationError('directory', member.file, `${task} calls its own flow; Kestra rejects a recursive call to a flow`);
      const callee = byKey.get(key);
      if (callee) {
        member.callees.push(callee);
      } else if (!external.some((pattern) => pattern.test(key))) {
        throw new KestraValidationError('directory', member.file, `${task} calls flow ${key}, which is not in the folder: add it, or list it in externalFlows`);
      }
    }
  }
  return [...byKey.values()];
}
