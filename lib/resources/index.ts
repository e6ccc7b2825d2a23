export * from './kestra-flow';
export * from './kestra-flows';
export * from './kestra-key-value';
export * from './kestra-namespace-file';
export * from './kestra-namespace-files';
export { kubernetesObjectName, MAX_OBJECT_NAME_LENGTH } from './object-names';
export { MAX_OBJECT_BYTES } from './guards';
