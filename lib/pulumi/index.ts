// `kestra-constructs/pulumi`: everything that needs `@pulumi/*` lives behind this
// subpath, so the package root stays loadable without Pulumi installed.
export * from './platform';
export * from './provider';
export * from './flow-set';
