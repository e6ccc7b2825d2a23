// Pure functions over strings and plain data, shared by the cdk8s resources and the Pulumi
// dynamic provider (which serializes them): no cdk8s, constructs or Pulumi imports here.
export * from './identifiers';
export * from './duration';
export * from './key-value';
export * from './namespace-file-path';
export * from './flow-rules';
export * from './flow-source';
export * from './flow-tasks';
export * from './flow-canonical';
export * from './read-only-label';
export * from './key-value-round-trip';
export * from './kubernetes-kinds';
export * from './kubernetes-task-rules';
export * from './kubernetes-access-plan';
export * from './kubernetes-policy-report';
export * from './expression-functions';
export * from './flow-references';
export * from './namespace-file-glob';
export * from './call-order';
export * from './wildcard';
