import * as fs from 'fs';
import * as path from 'path';

/**
 * A model of how Kestra installs and finds external plugins, written from kestra-io/kestra:
 * - cli/.../commands/plugins/PluginInstallCommand.java: `kestra plugins install <coordinates...>` installs into
 *   KESTRA_PLUGINS_PATH (or --plugins), extra repositories come as `--repositories=<url>`;
 * - core/.../plugins/LocalPluginManager.java: the jar is copied to `<plugins path>/<artifact.toFileName()>`;
 * - core/.../plugins/PluginArtifact.java `toFileName`: group (`.` → `_`), artifact, version (`.` → `_`) joined by `__`;
 * - core/.../plugins/PluginResolver.java: each top-level entry of the plugins path (a jar, or a folder of jars) is one
 *   plugin with its own class loader.
 */
export function kestraFileName(coordinates: string): string {
  const [groupId, artifactId, version] = coordinates.split(':');
  return `${groupId.replace(/\./g, '_')}__${artifactId}__${version.replace(/\./g, '_')}.jar`;
}

/**
 * A stand-in `/app/kestra` (a shell script) that performs `plugins install` the way the model says, or, with
 * `naming: 'legacy'`, the way Kestra 0.x did (PluginDownloader kept Maven's `<artifactId>-<version>.jar`).
 */
export function fakeKestraLauncher(dir: string, naming: 'kestra' | 'legacy' = 'kestra'): string {
  const launcher = path.join(dir, 'kestra');
  const fileName = naming === 'kestra' ? '"$(echo "$group" | tr . _)__${artifact}__$(echo "$version" | tr . _).jar"' : '"${artifact}-${version}.jar"';
  fs.writeFileSync(launcher, [
    '#!/bin/sh',
    'set -eu',
    '[ "$1" = plugins ] && [ "$2" = install ] || { echo "unexpected command $*" >&2; exit 2; }',
    'shift 2',
    'mkdir -p "$KESTRA_PLUGINS_PATH"',
    'for arg in "$@"; do',
    '  case "$arg" in',
    '    --repositories=*) echo "$arg" >> "$KESTRA_PLUGINS_PATH/.repositories" ;;',
    '    *) group=$(echo "$arg" | cut -d: -f1); artifact=$(echo "$arg" | cut -d: -f2); version=$(echo "$arg" | cut -d: -f3)',
    `       echo "jar of $arg" > "$KESTRA_PLUGINS_PATH/"${fileName} ;;`,
    '  esac',
    'done',
  ].join('\n'), { mode: 0o755 });
  return launcher;
}

/** The plugins Kestra's resolver would load from a plugins folder: one per top-level jar or folder. */
export function resolvedPlugins(pluginsPath: string): string[] {
  return fs.readdirSync(pluginsPath, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() || /\.(jar|zip)$/i.test(entry.name))
    .map((entry) => entry.name)
    .sort();
}
