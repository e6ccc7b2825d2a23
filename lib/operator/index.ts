export * from './kestra-crds';
export * from './kestra-operator';
export * from './operator-credentials';
export * from './operator-rbac';
