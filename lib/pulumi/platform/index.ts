export * from './kestra-platform';
export * from './platform-resources';
export { KubernetesManifest } from './kubernetes-kinds';
export * from './register-chart';
export { PlatformInput } from './platform-inputs';
