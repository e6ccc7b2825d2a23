import { restrictedContainerSecurityContext } from './security';
import {
  KestraValidationError, ResourceRequirements, optionKeys, rejectUnknownOptions, renderResources, validateQuantity,
} from '../common';

/** Kestra plugins installed at pod start, without building a custom image. */
export interface KestraPluginsOptions {
  /**
   * Maven coordinates `groupId:artifactId:version` of each plugin, version pinned (no `LATEST`, no range),
   * e.g. `io.kestra.plugin:plugin-dbt:1.3.0`. The default image already bundles Kestra's official plugins:
   * with an image tag ending in `-no-plugins` only the listed ones are loaded.
   */
  readonly install: string[];
  /**
   * Extra Maven repositories, as `https://` URLs without credentials.
   * @default - Maven Central only
   */
  readonly repositories?: string[];
  /**
   * CPU and memory of the init container that downloads the plugins.
   * @default - requests 250m CPU / 512Mi memory, limit 1Gi memory
   */
  readonly resources?: ResourceRequirements;
  /**
   * `sizeLimit` of the emptyDir holding the installed plugins.
   * @default '1Gi'
   */
  readonly volumeSizeLimit?: string;
}

const PLUGINS_KEYS = optionKeys<KestraPluginsOptions>()('install', 'repositories', 'resources', 'volumeSizeLimit');
// Maven coordinate parts as Kestra parses them (kestra-io/kestra core/.../plugins/PluginArtifact.java, ARTIFACT_PATTERN
// `groupId:artifactId[:extension[:classifier]]:version`), narrowed to the characters a file name keeps as they are.
const GROUP_ID = /^[A-Za-z0-9_]+(\.[A-Za-z0-9_-]+)*$/;
const ARTIFACT_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const VERSION = /^[0-9][A-Za-z0-9_.+-]*$/;

/** Where the init container installs the plugins (its `KESTRA_PLUGINS_PATH`). */
export const PLUGINS_INSTALL_DIR = '/plugins';
/**
 * Where Kestra loads external plugins from: `KESTRA_PLUGINS_PATH`, which the image's launcher defaults to the
 * `plugins` folder beside `/app/kestra` (kestra-io/kestra gradle/jar/selfrun.sh; the Dockerfile copies plugins there).
 */
export const KESTRA_PLUGINS_DIR = '/app/plugins';

/** One plugin to install: its coordinates and the jar file `kestra plugins install` writes. */
export interface PluginArtifact {
  /** `groupId:artifactId:version`. */
  readonly coordinates: string;
  /** File name in the plugins folder. */
  readonly fileName: string;
}

/** Validated plugin installation: the init container, its volume and the mounts of the Kestra container. */
export interface ResolvedPlugins {
  /** The plugins, in the order given. */
  readonly artifacts: readonly PluginArtifact[];
  /** The `install-plugins` init container (wire form). */
  readonly initContainer: Record<string, unknown>;
  /** The volumes it needs (wire form). */
  readonly volumes: ReadonlyArray<Record<string, unknown>>;
  /** Mounts of the Kestra container: each jar, read-only, into the image's plugins folder. */
  readonly mounts: ReadonlyArray<Record<string, unknown>>;
}

/**
 * The file name Kestra gives an installed plugin: group with `.` as `_`, artifact, version with `.` as `_`, joined by
 * `__` (kestra-io/kestra core/.../plugins/PluginArtifact.java `toFileName`; LocalPluginManager copies the resolved
 * jar to `<plugins path>/<toFileName()>`).
 */
export function pluginFileName(groupId: string, artifactId: string, version: string): string {
  return `${groupId.replace(/\./g, '_')}__${artifactId}__${version.replace(/\./g, '_')}.jar`;
}

/** Parses and checks one plugin coordinate; the version must be pinned. */
export function parsePluginCoordinates(field: string, coordinates: unknown): PluginArtifact {
  const reason = 'must be Maven coordinates "groupId:artifactId:version" with a pinned version, e.g. "io.kestra.plugin:plugin-dbt:1.3.0"';
  if (typeof coordinates !== 'string') throw new KestraValidationError(field, coordinates, reason);
  const parts = coordinates.split(':');
  if (parts.length !== 3) throw new KestraValidationError(field, coordinates, reason);
  const [groupId, artifactId, version] = parts;
  if (/^(LATEST|RELEASE)$/i.test(version) || /[[\](),]/.test(version) || version.endsWith('-SNAPSHOT')) {
    throw new KestraValidationError(field, coordinates,
      'must pin an exact version: LATEST, RELEASE, ranges and snapshots would install whatever is newest at each pod start, so pods of one Deployment could differ');
  }
  if (!GROUP_ID.test(groupId) || !ARTIFACT_ID.test(artifactId) || !VERSION.test(version)) throw new KestraValidationError(field, coordinates, reason);
  return { coordinates, fileName: pluginFileName(groupId, artifactId, version) };
}

function repositoryUrl(field: string, value: unknown): string {
  let url: URL | undefined;
  try {
    url = typeof value === 'string' ? new URL(value) : undefined;
  } catch {
    url = undefined;
  }
  if (!url || url.protocol !== 'https:' || typeof value !== 'string' || /\s/.test(value)) {
    throw new KestraValidationError(field, value, 'must be an https:// URL of a Maven repository');
  }
  if (url.username || url.password) {
    throw new KestraValidationError(field, `https://***@${url.host}`, 'must not embed credentials: they would be readable in the pod spec');
  }
  return value;
}

// Installs every plugin with one JVM start, then checks each expected jar is there: a Kestra version that named
// its files differently would otherwise leave an empty mount and a silently missing plugin.
const INSTALL_SCRIPT = [
  'set -eu',
  '/app/kestra plugins install "$@"',
  'for file in $PLUGIN_FILES; do',
  '  if [ ! -s "$KESTRA_PLUGINS_PATH/$file" ]; then echo "plugin jar $file was not installed" >&2; exit 1; fi',
  'done',
].join('\n');

/** Validates the plugin options and renders what the pods need; undefined when there is nothing to install. */
export function resolvePlugins(options: KestraPluginsOptions | undefined, image: { image: string; pullPolicy: string }): ResolvedPlugins | undefined {
  if (options === undefined) return undefined;
  rejectUnknownOptions('plugins', options ?? null, PLUGINS_KEYS);
  if (!Array.isArray(options.install) || options.install.length === 0) {
    throw new KestraValidationError('plugins.install', options.install, 'must list at least one plugin as "groupId:artifactId:version"');
  }
  const artifacts = options.install.map((c, i) => parsePluginCoordinates(`plugins.install[${i}]`, c));
  const seen = new Map<string, number>();
  artifacts.forEach((artifact, i) => {
    const key = artifact.coordinates.split(':').slice(0, 2).join(':');
    if (seen.has(key)) throw new KestraValidationError(`plugins.install[${i}]`, artifact.coordinates, `installs the same plugin as plugins.install[${seen.get(key)}]`);
    seen.set(key, i);
  });
  if (options.repositories !== undefined && !Array.isArray(options.repositories)) {
    throw new KestraValidationError('plugins.repositories', options.repositories, 'must be a list of https:// URLs');
  }
  const repositories = (options.repositories ?? []).map((r, i) => repositoryUrl(`plugins.repositories[${i}]`, r));
  const resources = renderResources('plugins.resources', options.resources ?? { requests: { cpu: '250m', memory: '512Mi' }, limits: { memory: '1Gi' } });
  const sizeLimit = validateQuantity('plugins.volumeSizeLimit', options.volumeSizeLimit ?? '1Gi');

  const initContainer = {
    name: 'install-plugins',
    image: image.image,
    imagePullPolicy: image.pullPolicy,
    // The image's entrypoint only execs /app/kestra (kestra-io/kestra docker/usr/local/bin/docker-entrypoint.sh).
    command: ['/bin/sh', '-c', INSTALL_SCRIPT, 'install-plugins'],
    args: [...repositories.map((url) => `--repositories=${url}`), ...artifacts.map((a) => a.coordinates)],
    env: [
      // PluginInstallCommand installs into KESTRA_PLUGINS_PATH (kestra-io/kestra cli/.../plugins/PluginInstallCommand.java).
      { name: 'KESTRA_PLUGINS_PATH', value: PLUGINS_INSTALL_DIR },
      { name: 'PLUGIN_FILES', value: artifacts.map((a) => a.fileName).join(' ') },
      { name: 'HOME', value: '/tmp' },
    ],
    resources,
    securityContext: restrictedContainerSecurityContext(1000),
    // The Maven resolver downloads into a temporary directory (java.io.tmpdir) before copying the jar.
    volumeMounts: [{ name: 'plugins', mountPath: PLUGINS_INSTALL_DIR }, { name: 'plugins-tmp', mountPath: '/tmp' }],
  };
  return {
    artifacts,
    initContainer,
    volumes: [{ name: 'plugins', emptyDir: { sizeLimit } }, { name: 'plugins-tmp', emptyDir: { sizeLimit } }],
    // Each jar is its own entry of the plugins folder, so Kestra gives it its own class loader, as for the bundled ones
    // (kestra-io/kestra core/.../plugins/PluginResolver.java: a sub-folder would be one plugin of all its jars).
    mounts: artifacts.map((a) => ({ name: 'plugins', mountPath: `${KESTRA_PLUGINS_DIR}/${a.fileName}`, subPath: a.fileName, readOnly: true })),
  };
}

/** Adds the installer, its volumes and the jar mounts to a rendered Kestra pod template. */
export function applyPlugins(template: { spec: any }, plugins: ResolvedPlugins | undefined): void {
  if (!plugins) return;
  const spec = template.spec;
  // First among the init containers: user init containers may rely on the plugins; the DinD native sidecar is
  // independent of them.
  spec.initContainers = [plugins.initContainer, ...(spec.initContainers ?? [])];
  spec.volumes = [...(spec.volumes ?? []), ...plugins.volumes];
  const kestra = spec.containers.find((c: any) => c.name === 'kestra');
  kestra.volumeMounts = [...(kestra.volumeMounts ?? []), ...plugins.mounts];
}
