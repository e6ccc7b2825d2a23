/**
 * The loopback Kestra API test server in a process of its own, as a real Kestra would be: its
 * request handling (YAML parsing, OpenAPI validation) then does not compete with the providers
 * for one event loop. Driven over IPC by provider-efficiency.ts.
 *
 * Usage: fork('api-server-process.js', [latencyMs]); messages in: counts | reset | state | close.
 */
import { KestraApiServer } from '../test/util/kestra-api-server';

export type ServerRequest = 'counts' | 'reset' | 'state' | 'close';

export interface ServerState {
  readonly resources: number;
  readonly contractViolations: string[];
  /** Requests for paths no Kestra route serves. */
  readonly unrouted: string[];
}

async function main(): Promise<void> {
  const server = await KestraApiServer.start({ latencyMs: Number(process.argv[2] ?? 0) });
  const reply = (message: unknown) => process.send!(message);
  process.on('message', async (request: ServerRequest) => {
    if (request === 'counts') reply(server.requestCounts());
    if (request === 'reset') reply(server.resetCounts() ?? true);
    if (request === 'state') {
      const resources = server.flows().length + server.keyValues().size + server.files().size;
      reply({ resources, contractViolations: server.contractViolations, unrouted: server.unrouted } satisfies ServerState);
    }
    if (request === 'close') {
      await server.close();
      reply(true);
      process.exit(0);
    }
  });
  reply({ url: server.url });
}

main().catch((err) => {
  process.stderr.write(`${err?.stack ?? err}\n`);
  process.exit(1);
});
