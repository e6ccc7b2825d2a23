/**
 * A model of how the `docker:dind` and `docker:dind-rootless` images start dockerd, written from
 * docker-library/docker 29/dind/dockerd-entrypoint.sh (and the image facts it relies on: 29/cli/Dockerfile sets
 * `DOCKER_TLS_CERTDIR=/certs`; 29/dind/Dockerfile has `ENTRYPOINT ["dockerd-entrypoint.sh"]`, `CMD []`;
 * 29/dind-rootless/Dockerfile runs as `USER rootless`, uid 1000).
 *
 * Given a pod's container it computes the dockerd command line the entrypoint ends up running and the ports
 * rootlesskit publishes, so a test can tell where the daemon listens.
 */
export interface DockerdLaunch {
  /** The argv after the entrypoint's rewriting, or undefined when the container does not run dockerd. */
  readonly dockerd?: string[];
  /** Every `--host`/`-H` value dockerd receives. */
  readonly hosts: string[];
  /** Ports rootlesskit publishes on the pod's network (`-p` in DOCKERD_ROOTLESS_ROOTLESSKIT_FLAGS). */
  readonly publishedPorts: string[];
}

const IMAGE_ENV: Record<string, string> = { DOCKER_TLS_CERTDIR: '/certs' };

function imageUid(image: string): number {
  return /dind-rootless/.test(image) ? 1000 : 0;
}

function hostsOf(argv: string[]): string[] {
  const hosts: string[] = [];
  argv.forEach((arg, i) => {
    const inline = /^(?:--host|-H)=(.*)$/.exec(arg);
    if (inline) hosts.push(inline[1]);
    else if ((arg === '--host' || arg === '-H') && i + 1 < argv.length) hosts.push(argv[i + 1]);
  });
  return hosts;
}

export function dockerdLaunch(container: any): DockerdLaunch {
  if (container.command !== undefined) {
    throw new Error('the container replaces the image entrypoint; this model only covers dockerd-entrypoint.sh');
  }
  const env: Record<string, string> = { ...IMAGE_ENV };
  for (const entry of container.env ?? []) {
    if (entry.valueFrom) throw new Error(`env ${entry.name} comes from a reference; the model needs literals`);
    env[entry.name] = entry.value ?? '';
  }
  const uid: number = container.securityContext?.runAsUser ?? imageUid(container.image);
  let args: string[] = [...(container.args ?? [])];
  let rootlesskitFlags = env.DOCKERD_ROOTLESS_ROOTLESSKIT_FLAGS ?? '';

  // "no arguments passed, or first arg is `-f` or `--some-option`": the entrypoint adds its own --host list.
  if (args.length === 0 || args[0].startsWith('-')) {
    let socket = uid === 0 ? 'unix:///var/run/docker.sock' : `unix://${env.XDG_RUNTIME_DIR ?? `/run/user/${uid}`}/docker.sock`;
    if ((env.DOCKER_HOST ?? '').startsWith('unix://')) socket = env.DOCKER_HOST;
    if (env.DOCKER_TLS_CERTDIR) {
      args = ['dockerd', `--host=${socket}`, '--host=tcp://0.0.0.0:2376', '--tlsverify', ...args];
      rootlesskitFlags += ' -p 0.0.0.0:2376:2376/tcp';
    } else {
      args = ['dockerd', `--host=${socket}`, '--host=tcp://0.0.0.0:2375', ...args];
      rootlesskitFlags += ' -p 0.0.0.0:2375:2375/tcp';
    }
  }
  if (args[0] !== 'dockerd') return { hosts: [], publishedPorts: [] };
  // Non-root: `exec rootlesskit ... ${DOCKERD_ROOTLESS_ROOTLESSKIT_FLAGS} docker-init -- dockerd ...`.
  const flags = rootlesskitFlags.trim().split(/\s+/).filter(Boolean);
  const publishedPorts = uid === 0 ? [] : flags.flatMap((flag, i) => (flag === '-p' ? [flags[i + 1]] : []));
  return { dockerd: args, hosts: hostsOf(args), publishedPorts };
}
