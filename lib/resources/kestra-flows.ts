import * as path from 'path';
import { Construct } from 'constructs';
import { listFiles } from './files';
import { KestraFlow, KestraFlowOptions } from './kestra-flow';
import { FLOWS_PROPS_KEYS } from './option-keys';
import { KestraValidationError, inConstructPath } from '../common/errors';
import { rejectUnknownOptions } from '../common/known-keys';

/** Properties of {@link KestraFlows}. */
export interface KestraFlowsProps extends KestraFlowOptions {
  /** Folder to load: every `*.yml` and `*.yaml` file below it, recursively (hidden entries skipped). */
  readonly directory: string;
  /**
   * Accept a folder without any flow file instead of failing (a typo in the path usually causes one).
   * @default false
   */
  readonly allowEmpty?: boolean;
}

/**
 * Every flow of a folder tree, one {@link KestraFlow} per `*.yml`/`*.yaml` file, in a deterministic
 * order (sorted by relative path). Each file is validated on its own and errors name it; two files
 * declaring the same tenant/namespace/id fail the synth.
 */
export class KestraFlows extends Construct {
  /** The flows, in the order of their relative paths. */
  public readonly flows: readonly KestraFlow[];

  constructor(scope: Construct, id: string, props: KestraFlowsProps) {
    super(scope, id);
    try {
      rejectUnknownOptions('', props ?? null, FLOWS_PROPS_KEYS);
      const { directory, allowEmpty, ...options } = props;
      const files = listFiles('directory', directory, (relative) => /\.ya?ml$/i.test(relative));
      if (files.length === 0 && !allowEmpty) {
        throw new KestraValidationError('directory', directory, 'contains no *.yml or *.yaml file');
      }
      this.flows = files.map((file) =>
        KestraFlow.fromFile(this, file.relativePath, path.join(directory, file.relativePath), options));
    } catch (error) {
      // A refused folder leaves nothing behind, and its error says which construct it is.
      scope.node.tryRemoveChild(id);
      throw error instanceof KestraValidationError ? inConstructPath(error, this.node.path) : error;
    }
  }

  /** The flow with this Kestra namespace and id, if the folder has it. */
  public find(namespace: string, flowId: string): KestraFlow | undefined {
    return this.flows.find((flow) => flow.namespace === namespace && flow.flowId === flowId);
  }
}
