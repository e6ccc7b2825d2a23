import type * as JsYaml from 'js-yaml';
import type * as Yaml from 'yaml';

// Both YAML libraries are loaded on first use, not when the package is required: together they
// are most of the package's own start-up cost, and many programs (the `yaml` library: every
// program whose flows are valid) never need them. `require` inside the function also keeps
// Pulumi's closure serializer emitting a plain `require()` instead of capturing module objects.

/** The `yaml` library (comment-preserving Document API, node positions for error messages). */
export function yamlLibrary(): typeof Yaml {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('yaml');
}

/** The `js-yaml` library (fast loading and dumping). */
export function jsYamlLibrary(): typeof JsYaml {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('js-yaml');
}
