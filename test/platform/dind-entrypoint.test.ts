import { podSpec, synthKestra } from './helpers';
import { dockerdLaunch } from './models/dockerd-entrypoint';
import { KestraMode, KestraStorage, KestraTaskRunner } from '../../lib/platform';
import { ofKind } from '../util/k8s-schema';

function dindOf(objects: any[], name = 'kestra-standalone'): { pod: any; dind: any; kestra: any } {
  const pod = podSpec(ofKind(objects, 'Deployment', name)[0]);
  return { pod, dind: pod.initContainers.find((c: any) => c.name === 'dind'), kestra: pod.containers.find((c: any) => c.name === 'kestra') };
}

describe('the DinD daemon, run through the image entrypoint (model of docker-library/docker dockerd-entrypoint.sh)', () => {
  test('the model reproduces the hole: option-only args with TLS off add an unauthenticated tcp://0.0.0.0:2375', () => {
    // The sidecar as it was rendered before: args starting with "-", DOCKER_TLS_CERTDIR="".
    const before = {
      image: 'docker:28.5-dind-rootless',
      args: ['--log-level=fatal', '--group=1000'],
      env: [{ name: 'DOCKER_HOST', value: 'unix:///dind/docker.sock' }, { name: 'DOCKER_TLS_CERTDIR', value: '' }],
      securityContext: { runAsUser: 1000 },
    };
    const launch = dockerdLaunch(before);
    expect(launch.hosts).toEqual(['unix:///dind/docker.sock', 'tcp://0.0.0.0:2375']);
    expect(launch.publishedPorts).toEqual(['0.0.0.0:2375:2375/tcp']);
    expect(dockerdLaunch({ ...before, securityContext: { runAsUser: 0 } }).publishedPorts).toEqual([]);
  });

  test.each(['rootless', 'insecure'] as const)('%s: dockerd listens on the shared unix socket only, nothing is published', (mode) => {
    const { objects } = synthKestra({ taskRunner: KestraTaskRunner.dind({ mode }) });
    const { pod, dind, kestra } = dindOf(objects);
    const launch = dockerdLaunch(dind);
    expect(launch.dockerd?.[0]).toBe('dockerd');
    expect(launch.hosts).toEqual(['unix:///dind/docker.sock']);
    expect(launch.hosts.filter((h) => !h.startsWith('unix://'))).toEqual([]);
    expect(launch.publishedPorts).toEqual([]);
    // The socket's group is the Kestra container's group, and Kestra reaches the daemon through that very socket.
    expect(launch.dockerd).toContain(`--group=${pod.securityContext.runAsGroup}`);
    expect(kestra.env).toContainEqual({ name: 'DOCKER_HOST', value: launch.hosts[0] });
    const socketDir = (c: any) => c.volumeMounts.find((m: any) => m.name === 'dind-socket').mountPath;
    expect(launch.hosts[0]).toBe(`unix://${socketDir(dind)}/docker.sock`);
    expect(socketDir(kestra)).toBe(socketDir(dind));
    expect(dind.ports).toBeUndefined();
  });

  test('workers in distributed mode get the same daemon', () => {
    const { objects } = synthKestra({ mode: KestraMode.distributed({ workerGroups: { gpu: {} } }), storage: KestraStorage.s3({ bucket: 'b', region: 'r' }) });
    for (const name of ['kestra-worker', 'kestra-worker-gpu']) {
      expect(dockerdLaunch(dindOf(objects, name).dind).hosts).toEqual(['unix:///dind/docker.sock']);
    }
  });
});

describe('the DinD sidecar lifecycle', () => {
  const { objects } = synthKestra();
  const { pod, dind } = dindOf(objects);

  test('is a native sidecar: an init container with restartPolicy Always (Kubernetes >= 1.29), probed before Kestra starts', () => {
    expect(pod.containers.map((c: any) => c.name)).toEqual(['kestra']);
    expect(pod.initContainers.map((c: any) => c.name)).toEqual(['dind']);
    expect(dind.restartPolicy).toBe('Always');
    expect(dind.startupProbe.exec.command).toEqual(['docker', '--host=unix:///dind/docker.sock', 'version']);
  });

  test('pods that run tasks wait 360 s for Kestra to drain its workers (kestra.server.terminationGracePeriod: 5m)', () => {
    expect(pod.terminationGracePeriodSeconds).toBe(360);
  });

  test('the image is on Docker 29, not the end-of-life 28', () => {
    expect(dind.image).toMatch(/^docker:29\./);
    const insecure = dindOf(synthKestra({ taskRunner: KestraTaskRunner.dind({ mode: 'insecure' }) }).objects).dind;
    expect(insecure.image).toMatch(/^docker:29\.[0-9.]+-dind$/);
  });
});
