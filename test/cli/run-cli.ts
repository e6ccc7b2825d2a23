import { runCli } from '../../lib/cli/main';

/** Runs `kestra-constructs <argv>` in process, collecting what it prints (console warnings muted). */
export async function runCliCollecting(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  try {
    const code = await runCli(argv, { out: (t) => { out += t; }, err: (t) => { err += t; } });
    return { code, out, err };
  } finally {
    warn.mockRestore();
  }
}
