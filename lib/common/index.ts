export * from './errors';
export * from './validation';
export * from './secret-key-ref';
export * from './resources';
export * from './kestra-endpoint';
export * from './known-keys';
export * from './labels';
