export * from './flow-inputs';
export * from './rbac-objects';
export * from './kestra-kubernetes-access';
export * from './kestra-remote-kubernetes-access';
