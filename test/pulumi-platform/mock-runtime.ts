/**
 * Pulumi mocks that also record what the engine would be told about each
 * resource (parent, provider, dependencies, secret outputs, which inputs were
 * sent as secrets). `pulumi.runtime.setMocks` alone only exposes type, name and
 * unwrapped inputs, which cannot show ordering, parenting or secrecy.
 *
 * Install BEFORE requiring any module that creates resources.
 */
import * as pulumi from '@pulumi/pulumi';
import { MockMonitor } from '@pulumi/pulumi/runtime/mocks';
import { setMockOptions } from '@pulumi/pulumi/runtime/settings';
// `getStore` is internal to the SDK (no typings); setMocks itself uses it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { getStore } = require('@pulumi/pulumi/runtime/state') as { getStore(): Record<string, unknown> };

const SECRET_SIG = '1b47061264138c4ac30d75fd1eb44270';
const SIG_KEY = '4dabf18193072939515e22adb298388d';

export interface Registration {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  readonly custom: boolean;
  readonly parent: string;
  /** `urn::id` of the provider, as the engine receives it ('' for components). */
  readonly provider: string;
  readonly dependencies: string[];
  readonly additionalSecretOutputs: string[];
  /** Inputs with secrets unwrapped. */
  readonly inputs: Record<string, any>;
  /** Top-level input names whose value was sent as a Pulumi secret. */
  readonly secretInputs: string[];
}

function isSecretValue(value: unknown): value is { value: unknown } {
  return typeof value === 'object' && value !== null && (value as Record<string, unknown>)[SIG_KEY] === SECRET_SIG;
}

function unwrap(value: unknown): unknown {
  if (isSecretValue(value)) return unwrap(value.value);
  if (Array.isArray(value)) return value.map(unwrap);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrap(v)]));
  }
  return value;
}

class RecordingMonitor extends MockMonitor {
  readonly registrations: Registration[] = [];
  readonly outputs = new Map<string, Record<string, unknown>>();

  async registerResource(req: any, callback: (err: any, response: any) => void): Promise<void> {
    const raw = req.getObject().toJavaScript() as Record<string, unknown>;
    const type = req.getType() as string;
    const name = req.getName() as string;
    const parent = req.getParent() as string;
    await super.registerResource(req, (err, response) => {
      if (!err) {
        this.registrations.push({
          type,
          name,
          parent,
          urn: response.getUrn(),
          custom: req.getCustom(),
          provider: req.getProvider(),
          dependencies: req.getDependenciesList(),
          additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
          inputs: unwrap(raw) as Record<string, any>,
          secretInputs: Object.keys(raw).filter((key) => isSecretValue(raw[key])),
        });
      }
      callback(err, response);
    });
  }

  registerResourceOutputs(req: any, callback: (err: any, response: any) => void): void {
    this.outputs.set(req.getUrn(), req.getOutputs()?.toJavaScript() ?? {});
    super.registerResourceOutputs(req, callback);
  }
}

/**
 * Installs recording mocks; every resource's state echoes its inputs. With `preview`, the program runs as in
 * `pulumi preview`: outputs the state leaves out are unknown.
 */
export function installRecordingMocks(project = 'project', preview = false): RecordingMonitor {
  const mocks: pulumi.runtime.Mocks = {
    newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }),
    call: (args) => args.inputs,
  };
  const monitor = new RecordingMonitor(mocks);
  setMockOptions(monitor, project, 'stack', preview);
  // The features `pulumi.runtime.setMocks` switches on; without `supportsSecrets`
  // the SDK would send secrets as plain values and nothing could be checked.
  Object.assign(getStore(), {
    supportsSecrets: true,
    supportsResourceReferences: true,
    supportsOutputValues: false,
    supportsDeletedWith: true,
    supportsAliasSpecs: true,
    supportsTransforms: false,
  });
  return monitor;
}

/** Resolves an Output's value (mocks run with preview off, so everything is known). */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((value) => { resolve(value); return value; }));
}

/** Whether an Output is marked secret. */
export function isSecretOutput(output: pulumi.Output<unknown>): Promise<boolean> {
  return pulumi.isSecret(output);
}

/** Waits until resource registrations stop arriving. */
export async function settle(monitor: RecordingMonitor): Promise<void> {
  let previous = -1;
  while (previous !== monitor.registrations.length) {
    previous = monitor.registrations.length;
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
  }
}
