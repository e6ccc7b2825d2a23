import { execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import { podSpec, synthKestra } from './helpers';
import { ofKind } from '../util/k8s-schema';

/**
 * Runs the Job's script for real (sh + curl) against a stand-in for the Kubernetes
 * API. Only the service-account directory, the API address and the retry delay are
 * swapped; everything else is the synthesized text.
 */
function findCurl(): string | undefined {
  try {
    return execFileSync('sh', ['-c', 'command -v curl'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

const curl = findCurl();
const TOKEN = 'eyJhbGciOi.test-token.signature';
const { objects } = synthKestra();
const script: string = podSpec(ofKind(objects, 'Job', 'kestra-postgres-credentials')[0]).containers[0].command[2];

interface Request { method?: string; url?: string; auth?: string; type?: string; body: string }
interface Run { code: number | null; output: string; argv: string; requests: Request[] }

async function runScript(statuses: number[]): Promise<Run> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kestra-pw-'));
  fs.mkdirSync(path.join(dir, 'sa'));
  fs.writeFileSync(path.join(dir, 'sa', 'token'), TOKEN);
  fs.writeFileSync(path.join(dir, 'sa', 'ca.crt'), '');
  // A curl on PATH that records its command line, then runs the real one.
  fs.mkdirSync(path.join(dir, 'bin'));
  fs.writeFileSync(path.join(dir, 'bin', 'curl'), `#!/bin/sh\nprintf '%s\\n' "$@" >> '${dir}/argv'\nexec '${curl}' "$@"\n`, { mode: 0o755 });

  const requests: Run['requests'] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => {
      requests.push({ method: req.method, url: req.url, auth: req.headers.authorization, type: req.headers['content-type'], body });
      res.writeHead(statuses[Math.min(requests.length - 1, statuses.length - 1)], { 'Content-Type': 'application/json' });
      // An API server may echo the request; the script must not print responses.
      res.end(JSON.stringify({ kind: 'Status', message: body }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const local = script
    .replace('sa=/var/run/secrets/kubernetes.io/serviceaccount', `sa='${dir}/sa'`)
    .replace('https://kubernetes.default.svc', `http://127.0.0.1:${port}`)
    .replace('sleep 2', 'sleep 0');
  try {
    const child = spawn('sh', ['-c', local], { env: { PATH: `${dir}/bin:${process.env.PATH}` } });
    let output = '';
    child.stdout.on('data', (d) => { output += d; });
    child.stderr.on('data', (d) => { output += d; });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    return { code, output, argv: fs.existsSync(`${dir}/argv`) ? fs.readFileSync(`${dir}/argv`, 'utf8') : '', requests };
  } finally {
    server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function postedPassword(run: Run, index = 0): { encoded: string; password: string } {
  const secret = JSON.parse(run.requests[index].body);
  expect(secret).toMatchObject({ apiVersion: 'v1', kind: 'Secret', type: 'Opaque', metadata: { name: 'kestra-postgres' } });
  expect(Object.keys(secret.data)).toEqual(['password']);
  const encoded = secret.data.password;
  return { encoded, password: Buffer.from(encoded, 'base64').toString() };
}

function expectNothingLeaked(run: Run, secrets: string[]): void {
  for (const value of secrets) {
    expect(run.output).not.toContain(value);
    expect(run.argv).not.toContain(value);
  }
}

(curl ? describe : describe.skip)('the Job script against a stand-in API server', () => {
  test('creates the Secret once with a fresh random password, printing none of it', async () => {
    const run = await runScript([201]);
    expect(run.code).toBe(0);
    expect(run.requests).toHaveLength(1);
    expect(run.requests[0]).toMatchObject({ method: 'POST', url: '/api/v1/namespaces/kestra/secrets', auth: `Bearer ${TOKEN}`, type: 'application/json' });
    const { encoded, password } = postedPassword(run);
    expect(password).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(run.output.trim()).toBe('created Secret kestra/kestra-postgres');
    expectNothingLeaked(run, [password, encoded, TOKEN]);
    expect(JSON.stringify(objects)).not.toContain(password);

    const again = await runScript([201]);
    expect(postedPassword(again).password).not.toBe(password);
  });

  test('an existing Secret (409) is success and left as it is', async () => {
    const run = await runScript([409]);
    expect(run.code).toBe(0);
    expect(run.requests).toHaveLength(1);
    expect(run.output.trim()).toBe('Secret kestra/kestra-postgres already exists; left unchanged');
    expectNothingLeaked(run, [postedPassword(run).password, postedPassword(run).encoded, TOKEN]);
  });

  test('retries while RBAC propagates or the API is unavailable', async () => {
    const run = await runScript([403, 503, 201]);
    expect(run.code).toBe(0);
    expect(run.requests).toHaveLength(3);
    expect(run.output).toContain('HTTP 403, retrying');
    // One password per run: the retries post the same one.
    expect(new Set(run.requests.map((_, i) => postedPassword(run, i).password)).size).toBe(1);
  });

  test('a rejected request fails the pod without printing the response', async () => {
    const run = await runScript([422]);
    expect(run.code).toBe(1);
    expect(run.requests).toHaveLength(1);
    expect(run.output.trim()).toBe('could not create Secret kestra/kestra-postgres: HTTP 422');
  });
});
