import * as pulumi from '@pulumi/pulumi';
import { KubernetesManifest } from './kubernetes-kinds';
import { PlannedObject, RegistrationPlan } from './register-chart';
import { KestraValidationError } from '../../common';

/**
 * Hands out a placeholder string for a value that is known only when the stack runs (an `Output` of another
 * resource: a database address, a bucket name, a DNS record). Put it anywhere the cdk8s props take a string,
 * alone or inside a larger one: `` url: `jdbc:postgresql://${input(db.address)}:5432/kestra` ``.
 */
export type PlatformInput = (value: pulumi.Input<string>) => string;

// Placeholders look like DNS labels so that they pass the constructs' own checks (names, hosts, buckets).
// Two sets with different spellings are synthesized: whatever differs between the two depends on an input.
const VARIANTS = ['pulumi-input-{n}-kq7x', 'pulumi-input-{n}-zr4w'] as const;
const PLACEHOLDER = /pulumi-input-(\d+)-(?:kq7x|zr4w)/g;

/** The placeholders of one synthesis and the inputs they stand for, in the order the props asked for them. */
export class InputPlaceholders {
  /** The values, in placeholder order. */
  public readonly values: pulumi.Input<string>[] = [];
  /** Readable names used in logical names instead of a placeholder (`namespace`, `input1`...). */
  public readonly names: string[] = [];

  constructor(private readonly variant: 0 | 1) {}

  /** A placeholder for `value`, named `name` in logical names. */
  public add(value: pulumi.Input<string>, name?: string): string {
    if (value === undefined || value === null) {
      throw new KestraValidationError(name ?? `input #${this.values.length}`, value, 'must be a string or a pulumi.Input<string>');
    }
    const index = this.values.length;
    this.values.push(value);
    this.names.push(name ?? `input${index}`);
    return VARIANTS[this.variant].replace('{n}', String(index));
  }

  /** The function handed to the props' builder. */
  public get input(): PlatformInput {
    return (value) => this.add(value);
  }
}

/** Replaces every placeholder in `text` with `replace(index)`. */
export function substitute(text: string, replace: (index: number) => string): string {
  return text.replace(PLACEHOLDER, (_match, index: string) => replace(Number(index)));
}

type Path = readonly (string | number)[];

/**
 * Compares the two placeholder syntheses of the same props. Objects, kinds, keys and logical names must match
 * (after placeholders are replaced by their names); the leaves that differ depend on an input (including values
 * derived from one, such as a configuration checksum) and are returned per object.
 */
export function inputDependentLeaves(a: RegistrationPlan, b: RegistrationPlan, names: readonly string[]): Path[][] {
  const readable = (text: string) => substitute(text, (index) => `{${names[index]}}`);
  if (a.objects.length !== b.objects.length) {
    throw new KestraValidationError('kestra', `${a.objects.length} vs ${b.objects.length} objects`,
      'a pulumi.Input changes which objects the platform has; pass a plain value instead');
  }
  return a.objects.map((objectA, i) => {
    const objectB = b.objects[i];
    if (readable(objectA.logicalName) !== readable(objectB.logicalName)) {
      throw new KestraValidationError('kestra', readable(objectA.logicalName),
        'this object\'s name depends on a pulumi.Input in a way Pulumi cannot follow (hashed or transformed); pass a plain value instead');
    }
    const leaves: Path[] = [];
    diff(objectA.manifest, objectB.manifest, [], leaves, readable(objectA.logicalName));
    return leaves;
  });
}

function diff(a: unknown, b: unknown, path: Path, out: Path[], where: string): void {
  if (typeof a === 'string' && typeof b === 'string') {
    if (a !== b) out.push(path);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    a.forEach((item, i) => diff(item, b[i], [...path, i], out, where));
    return;
  }
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a);
    if (keys.length === Object.keys(b).length && keys.every((key, i) => Object.keys(b)[i] === key)) {
      for (const key of keys) diff(a[key], b[key], [...path, key], out, where);
      return;
    }
  }
  if (a === b) return;
  throw new KestraValidationError('kestra', `${where} at ${path.join('.')}`,
    'a pulumi.Input changes the shape of this object (a key, a count or a type); pass a plain value instead');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function leafAt(value: unknown, path: Path): unknown {
  return path.reduce<unknown>((node, key) => (node as Record<string | number, unknown> | undefined)?.[key], value);
}

function withLeaf(value: unknown, path: Path, leaf: unknown): unknown {
  if (path.length === 0) return leaf;
  const [key, ...rest] = path;
  const copy: any = Array.isArray(value) ? [...value] : { ...(value as object) };
  copy[key] = withLeaf(copy[key], rest, leaf);
  return copy;
}

/** The inputs a placeholder string uses, by index; empty when it holds none. */
function placeholdersIn(text: unknown): number[] {
  if (typeof text !== 'string') return [];
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => Number(m[1])))];
}

/**
 * The plan to register: the first placeholder synthesis, with logical names made readable and every
 * input-dependent leaf an Output taken from the synthesis with the real values (`resolved`), which is checked
 * against this plan first: a value the constructs refuse fails every field that uses an input. Everything else
 * stays a plain value, so a preview with unknown inputs still shows every object and every other field.
 */
export function planWithInputs(
  placeholders: RegistrationPlan, leaves: readonly Path[][], names: readonly string[], resolved: pulumi.Output<RegistrationPlan>,
): RegistrationPlan {
  const replaced = new Map<KubernetesManifest, KubernetesManifest>();
  const objects = placeholders.objects.map((object, i): PlannedObject => {
    let manifest: unknown = object.manifest;
    for (const path of leaves[i]) {
      manifest = withLeaf(manifest, path, resolved.apply((plan) => leafAt(plan.objects[i].manifest, path)));
    }
    replaced.set(object.manifest, manifest as KubernetesManifest);
    return { ...object, manifest: manifest as KubernetesManifest, logicalName: substitute(object.logicalName, (index) => `{${names[index]}}`) };
  });
  return {
    objects: objects.map((object) => ({ ...object, prerequisites: object.prerequisites.map((p) => replaced.get(p) ?? p) })),
  };
}

/**
 * Checks that the synthesis with the real values matches the placeholder synthesis: same objects in the same
 * order, same fields; a field that holds placeholders must be exactly that text with the values filled in (no
 * construct transformed the value), and only fields derived from inputs otherwise may differ.
 */
export function checkResolvedPlan(
  placeholders: RegistrationPlan, leaves: readonly Path[][], resolved: RegistrationPlan, values: readonly string[],
): void {
  if (resolved.objects.length !== placeholders.objects.length) {
    throw new KestraValidationError('kestra', `${resolved.objects.length} objects`,
      `the real input values give another set of objects than the preview (${placeholders.objects.length}); pass plain values instead`);
  }
  resolved.objects.forEach((object, i) => {
    let expected: unknown = placeholders.objects[i].manifest;
    let actual: unknown = object.manifest;
    for (const path of leaves[i]) {
      const text = leafAt(expected, path);
      if (placeholdersIn(text).length > 0) {
        expected = withLeaf(expected, path, substitute(text as string, (index) => values[index]));
      } else {
        expected = withLeaf(expected, path, null);
        actual = withLeaf(actual, path, null);
      }
    }
    if (JSON.stringify(expected) !== JSON.stringify(actual)) {
      throw new KestraValidationError('kestra', object.logicalName,
        'with the real input values this object differs from the one planned with placeholders (a construct transforms an input); '
        + 'pass plain values instead');
    }
  });
}
