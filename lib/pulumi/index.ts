// `kestra-constructs/pulumi`: everything that needs `@pulumi/*` lives behind this
// subpath, so the package root stays loadable without Pulumi installed.
import type * as Platform from './platform';

export * from './provider';

// The platform component synthesizes with cdk8s and cdk8s-plus-27; the provider resources above need
// neither. So that `import { Flow } from 'kestra-constructs/pulumi'` works where cdk8s is not installed,
// the platform's values load on first use. Its types are re-exported as they are; a value export added
// to ./platform must be listed here too (test/pulumi-provider/entry-without-cdk8s.test.ts checks it).
export type * from './platform';
export declare const KestraPlatform: typeof Platform.KestraPlatform;
export type KestraPlatform = Platform.KestraPlatform;
export declare const addPlatformResources: typeof Platform.addPlatformResources;
export declare const registerChart: typeof Platform.registerChart;
export declare const synthesizeChart: typeof Platform.synthesizeChart;
export declare const planRegistration: typeof Platform.planRegistration;
export declare const registerPlan: typeof Platform.registerPlan;

let platform: typeof Platform | undefined;
function loadPlatform(): typeof Platform {
  if (platform === undefined) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      platform = require('./platform') as typeof Platform;
    } catch (err) {
      const missing = /Cannot find module '([^']+)'/.exec((err as Error).message)?.[1];
      if (missing === undefined || missing.startsWith('.')) throw err;
      throw new Error(`KestraPlatform needs ${missing}: npm install cdk8s cdk8s-plus-27 constructs (the Flow, KeyValue and NamespaceFile resources do not)`);
    }
  }
  return platform;
}
for (const name of ['KestraPlatform', 'addPlatformResources', 'registerChart', 'synthesizeChart', 'planRegistration', 'registerPlan']) {
  Object.defineProperty(exports, name, { enumerable: true, get: () => loadPlatform()[name as keyof typeof Platform] });
}

export * from './flow-set';
