import * as path from 'path';
import { Construct } from 'constructs';
import { KestraValidationError, inConstructPath } from '../common/errors';
import { rejectUnknownOptions } from '../common/known-keys';
import { normalizeNamespaceFilePath } from '../model';
import { listFiles } from './files';
import { KestraNamespaceFile, KestraNamespaceFileOptions } from './kestra-namespace-file';
import { NAMESPACE_FILES_PROPS_KEYS } from './option-keys';

/** Properties of {@link KestraNamespaceFiles}. */
export interface KestraNamespaceFilesProps extends KestraNamespaceFileOptions {
  /** Folder to upload: every file below it, recursively, keeping relative paths (hidden entries skipped). */
  readonly directory: string;
  /**
   * Folder of the namespace the files go to (`scripts` puts `etl.py` at `/scripts/etl.py`).
   * @default - the namespace root
   */
  readonly prefix?: string;
  /**
   * Accept a folder without any file instead of failing.
   * @default false
   */
  readonly allowEmpty?: boolean;
}

/**
 * Every file of a folder tree as {@link KestraNamespaceFile}s of one Kestra namespace, in a
 * deterministic order (sorted by relative path); errors name the file.
 */
export class KestraNamespaceFiles extends Construct {
  /** The files, in the order of their relative paths. */
  public readonly files: readonly KestraNamespaceFile[];

  constructor(scope: Construct, id: string, props: KestraNamespaceFilesProps) {
    super(scope, id);
    try {
      rejectUnknownOptions('', props ?? null, NAMESPACE_FILES_PROPS_KEYS);
      const { directory, prefix, allowEmpty, metadata, ...options } = props;
      if (metadata?.name !== undefined) {
        throw new KestraValidationError('metadata.name', metadata.name, 'cannot be shared by several files; names are derived per file');
      }
      const base = prefix === undefined ? '' : normalizeNamespaceFilePath('prefix', prefix);
      const files = listFiles('directory', directory);
      if (files.length === 0 && !allowEmpty) {
        throw new KestraValidationError('directory', directory, 'contains no file');
      }
      this.files = files.map((file) => KestraNamespaceFile.fromFile(this, file.relativePath, path.join(directory, file.relativePath),
        { ...options, metadata, filename: `${base}/${file.relativePath}` }));
    } catch (error) {
      // A refused folder leaves nothing behind, and its error says which construct it is.
      scope.node.tryRemoveChild(id);
      throw error instanceof KestraValidationError ? inConstructPath(error, this.node.path) : error;
    }
  }
}
