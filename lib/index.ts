// The root entry exports the cdk8s side only; it must never load `@pulumi/*`
// (that lives behind `kestra-constructs/pulumi`).
export * from './common';
export * from './model';
export * from './resources';
export * from './platform';
export * from './operator';
export * from './kubernetes-access';
