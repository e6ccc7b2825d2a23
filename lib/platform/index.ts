export * from './kestra';
export * from './props';
export * from './mode';
export * from './database';
export * from './bundled-postgres';
export * from './storage';
export * from './task-runner';
export type { KestraConfiguration } from './configuration';
export * from './generated-password-secret';
