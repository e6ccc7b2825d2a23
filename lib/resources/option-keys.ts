import type { KestraFlowProps } from './kestra-flow';
import type { KestraFlowsProps } from './kestra-flows';
import type { KestraKeyValueProps } from './kestra-key-value';
import type { KestraNamespaceFileProps } from './kestra-namespace-file';
import type { KestraNamespaceFilesProps } from './kestra-namespace-files';
import { optionKeys } from '../common/known-keys';

// The keys of every props type of the typed resources, checked both ways by the compiler;
// the constructs refuse any other key (rejectUnknownOptions) before creating anything.

export const FLOW_PROPS_KEYS = optionKeys<KestraFlowProps>()('source', 'id', 'namespace', 'sourceName', 'tenant', 'readOnly', 'metadata', 'operator');
export const FLOWS_PROPS_KEYS = optionKeys<KestraFlowsProps>()('directory', 'allowEmpty', 'tenant', 'readOnly', 'metadata', 'operator');
export const KEY_VALUE_PROPS_KEYS = optionKeys<KestraKeyValueProps>()('namespace', 'key', 'value', 'type', 'ttl', 'tenant', 'metadata', 'operator');
export const NAMESPACE_FILE_PROPS_KEYS = optionKeys<KestraNamespaceFileProps>()('namespace', 'tenant', 'metadata', 'filename', 'content', 'operator');
export const NAMESPACE_FILES_PROPS_KEYS = optionKeys<KestraNamespaceFilesProps>()(
  'namespace', 'tenant', 'metadata', 'directory', 'prefix', 'allowEmpty', 'operator',
);
