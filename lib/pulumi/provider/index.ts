// Pulumi dynamic resources that reconcile flows, K/V entries and namespace files straight
// against the Kestra API. The providers are plain objects so Pulumi can serialize them.
export { KestraConnection, DEFAULT_TENANT } from './auth';
export { KestraConnectionArgs, RetryPolicyArgs } from './connection-input';
export { RetryPolicy, DEFAULT_RETRY_POLICY } from './retry';
export { KestraApiError, isKestraApiError } from './client';
export { Flow, FlowArgs, FlowInputs, FlowOutputs, flowProvider } from './flow';
export { KeyValue, KeyValueArgs, KeyValueInputs, KeyValueOutputs, KeyValueValue, keyValueProvider } from './key-value';
export { NamespaceFile, NamespaceFileArgs, NamespaceFileInputs, NamespaceFileOutputs, namespaceFileProvider } from './namespace-file';
