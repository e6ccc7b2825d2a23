import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { podSpec, rejects, synthKestra } from './helpers';
import { fakeKestraLauncher, kestraFileName, resolvedPlugins } from './models/kestra-plugins';
import { podSecurityViolations } from './models/pod-security-standards';
import { KestraMode, KestraStorage, KestraTaskRunner } from '../../lib/platform';
import { ofKind } from '../util/k8s-schema';

const DBT = 'io.kestra.plugin:plugin-dbt:1.3.0';
const CUSTOM = 'com.acme.kestra:plugin-acme:2.0.1';

function kestraPod(objects: any[], name = 'kestra-standalone'): any {
  return podSpec(ofKind(objects, 'Deployment', name)[0]);
}

/** Runs the rendered init container's command with a stand-in launcher, then lays out the Kestra container's mounts. */
function runInstaller(pod: any, naming: 'kestra' | 'legacy' = 'kestra') {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kestra-plugins-'));
  const volume = path.join(dir, 'volume');
  const appPlugins = path.join(dir, 'app-plugins');
  fs.mkdirSync(volume);
  fs.mkdirSync(appPlugins);
  fs.writeFileSync(path.join(appPlugins, 'io_kestra_plugin__plugin-core-bundled__1_3_15.jar'), 'bundled');
  const installer = pod.initContainers.find((c: any) => c.name === 'install-plugins');
  const [shell, flag, script, name] = installer.command;
  const env = Object.fromEntries(installer.env.map((e: any) => [e.name, e.value]));
  const mountPath = installer.volumeMounts.find((m: any) => m.name === 'plugins').mountPath;
  expect(env.KESTRA_PLUGINS_PATH).toBe(mountPath);
  const result = spawnSync(shell, [flag, script.replace('/app/kestra', fakeKestraLauncher(dir, naming)), name, ...installer.args], {
    env: { ...process.env, ...env, KESTRA_PLUGINS_PATH: volume }, encoding: 'utf8',
  });
  const kestra = pod.containers.find((c: any) => c.name === 'kestra');
  for (const mount of kestra.volumeMounts.filter((m: any) => m.name === 'plugins')) {
    // kubelet: a subPath mount of the volume at mountPath (a missing subPath would be an empty folder).
    const source = path.join(volume, mount.subPath);
    const target = path.join(appPlugins, path.posix.basename(mount.mountPath));
    if (fs.existsSync(source)) fs.copyFileSync(source, target); else fs.mkdirSync(target);
  }
  return { status: result.status, stderr: result.stderr, plugins: resolvedPlugins(appPlugins), volume };
}

describe('plugins installed by an init container', () => {
  const { objects } = synthKestra({ plugins: { install: [DBT, CUSTOM], repositories: ['https://repo.acme.com/maven'] } });
  const pod = kestraPod(objects);

  test('the installer runs the Kestra image\'s own CLI, as a restricted container, before the DinD sidecar', () => {
    expect(pod.initContainers.map((c: any) => c.name)).toEqual(['install-plugins', 'dind']);
    const installer = pod.initContainers[0];
    const kestra = pod.containers.find((c: any) => c.name === 'kestra');
    expect(installer.image).toBe(kestra.image);
    expect(installer.command.slice(0, 2)).toEqual(['/bin/sh', '-c']);
    expect(installer.command[2]).toContain('/app/kestra plugins install "$@"');
    expect(installer.args).toEqual(['--repositories=https://repo.acme.com/maven', DBT, CUSTOM]);
    expect(installer.securityContext).toMatchObject({ runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
    expect(installer.restartPolicy).toBeUndefined();
    expect(pod.volumes.filter((v: any) => v.name.startsWith('plugins'))).toEqual([
      { name: 'plugins', emptyDir: { sizeLimit: '1Gi' } }, { name: 'plugins-tmp', emptyDir: { sizeLimit: '1Gi' } },
    ]);
  });

  test('each pinned jar lands in /app/plugins as its own entry, beside the bundled plugins, read-only', () => {
    const kestra = pod.containers.find((c: any) => c.name === 'kestra');
    expect(kestra.volumeMounts.filter((m: any) => m.name === 'plugins')).toEqual([DBT, CUSTOM].map((c) => ({
      name: 'plugins', mountPath: `/app/plugins/${kestraFileName(c)}`, subPath: kestraFileName(c), readOnly: true,
    })));
    const run = runInstaller(pod);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(fs.readFileSync(path.join(run.volume, '.repositories'), 'utf8')).toBe('--repositories=https://repo.acme.com/maven\n');
    // Kestra's resolver sees three plugins, each with its own class loader.
    expect(run.plugins).toEqual([
      'com_acme_kestra__plugin-acme__2_0_1.jar', 'io_kestra_plugin__plugin-core-bundled__1_3_15.jar', 'io_kestra_plugin__plugin-dbt__1_3_0.jar',
    ]);
  });

  test('a Kestra that named the jars otherwise fails the pod start instead of silently missing a plugin', () => {
    const run = runInstaller(pod, 'legacy');
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('plugin jar io_kestra_plugin__plugin-dbt__1_3_0.jar was not installed');
  });

  test('the installer keeps a pod without DinD within the restricted Pod Security Standard (model of pod-security-admission)', () => {
    const { objects: restricted } = synthKestra({ taskRunner: KestraTaskRunner.none(), plugins: { install: [DBT] } });
    expect(podSecurityViolations(kestraPod(restricted), 'restricted')).toEqual([]);
  });

  test('every component of a distributed deployment gets the plugins', () => {
    const { objects: distributed } = synthKestra({ mode: KestraMode.distributed(), storage: KestraStorage.s3({ bucket: 'b', region: 'r' }), plugins: { install: [DBT] } });
    for (const deployment of ofKind(distributed, 'Deployment')) {
      expect(podSpec(deployment).initContainers[0].name).toBe('install-plugins');
    }
  });

  test.each<[string, unknown, string, string]>([
    ['LATEST', ['io.kestra.plugin:plugin-dbt:LATEST'], 'plugins.install[0]', 'pin an exact version'],
    ['a version range', ['io.kestra.plugin:plugin-dbt:[1.0,2.0)'], 'plugins.install[0]', 'pin an exact version'],
    ['a snapshot', ['io.kestra.plugin:plugin-dbt:1.4.0-SNAPSHOT'], 'plugins.install[0]', 'pin an exact version'],
    ['no version', ['io.kestra.plugin:plugin-dbt'], 'plugins.install[0]', 'groupId:artifactId:version'],
    ['a shell metacharacter', ['io.kestra.plugin:plugin-dbt:1.0;rm'], 'plugins.install[0]', 'groupId:artifactId:version'],
    ['the same plugin twice', [DBT, 'io.kestra.plugin:plugin-dbt:1.2.0'], 'plugins.install[1]', 'same plugin as plugins.install[0]'],
    ['an empty list', [], 'plugins.install', 'at least one plugin'],
  ])('refuses %s', (_name, install, field, reason) => rejects(() => synthKestra({ plugins: { install: install as string[] } }), field, reason));

  test('repositories must be https and carry no credentials (the URL is in the pod spec)', () => {
    rejects(() => synthKestra({ plugins: { install: [DBT], repositories: ['http://repo.acme.com'] } }), 'plugins.repositories[0]', 'https://');
    rejects(() => synthKestra({ plugins: { install: [DBT], repositories: ['https://user:secret@repo.acme.com'] } }), 'plugins.repositories[0]', 'must not embed credentials');
    let message = '';
    try {
      synthKestra({ plugins: { install: [DBT], repositories: ['https://user:secret@repo.acme.com'] } });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).not.toContain('secret');
  });
});
