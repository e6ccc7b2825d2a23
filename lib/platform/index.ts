export * from './kestra';
export * from './props';
export * from './mode';
export * from './database';
export * from './bundled-postgres';
export * from './storage';
export * from './task-runner';
export * from './scratch-volume';
export * from './jvm';
export type { KestraConfiguration } from './configuration';
export * from './generated-password-secret';
export type { KestraPluginsOptions } from './plugins';
export type {
  KestraPodOptions, KestraComponentPodOptions, KestraPodsOptions, KestraProbeOverrides, KestraProbesOptions, KestraEnvFromSource,
} from './pod-overrides';
export type { KestraServiceOptions } from './service';
export type { KestraNamespaceOptions, PodSecurityLevel } from './namespace';
export { KestraFlowSecrets, FLOW_SECRET_ENV_PREFIX } from './secrets';
