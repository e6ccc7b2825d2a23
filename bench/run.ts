/**
 * `npm run bench`: runs every suite, prints the results and writes them to bench/RESULTS.md
 * with the machine, Node version and date. Absolute times on shared machines are noisy, so
 * each figure is also given as a ratio against a floor measured in the same run.
 *
 * BENCH_QUICK=1 runs fewer repetitions and smaller sizes (a smoke run, not for RESULTS.md).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { measureProvider, providerTable } from './provider-efficiency';
import { measureStartup, startupTable } from './startup';
import { measureSynth, synthTable, SynthPoint } from './synth-scale';

const QUICK = process.env.BENCH_QUICK === '1';
const RESULTS = path.resolve(__dirname, '..', '..', '..', 'bench', 'RESULTS.md');

function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

async function main(): Promise<void> {
  const loadBefore = os.loadavg()[0].toFixed(1);
  const sizes = QUICK ? [10, 100] : [10, 100, 1000, 5000];
  const synthPoints: SynthPoint[] = [];
  for (const n of sizes) {
    const runs = QUICK ? 2 : n >= 5000 ? 3 : 5;
    log(`synth N=${n} (${runs} runs)`);
    synthPoints.push(measureSynth(n, runs));
  }
  const synth = synthTable(synthPoints);

  log('start-up');
  const startup = startupTable(measureStartup(QUICK ? 5 : 21));

  const perKind = QUICK ? 50 : 500;
  log(`provider efficiency (${perKind} of each kind)`);
  const provider = providerTable(await measureProvider({ perKind, latencyMs: 20, concurrency: 10 }));

  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const report = [
    '# Benchmark results',
    '',
    `Measured ${new Date().toISOString().slice(0, 10)} on ${cpu}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ` +
      `${os.type()} ${os.release()}, Node ${process.version}. Regenerate with \`npm run bench\`.`,
    '',
    '## 1. Synth at scale',
    '',
    'Default platform + operator + N flows + N K/V entries + N namespace files, synthesized to YAML in one process',
    '(`app.synthYaml()`), each run in a fresh process. Floor: the same number of plain `cdk8s.ApiObject`s with the same',
    'bodies, synthesized by the same process. Times are medians; the ratio is the median of per-run ratios.',
    'The synth includes the cross-reference checks: flow i > 0 calls flow ⌊i/2⌋ (a Subflow task) and every flow reads',
    'its K/V entry and its namespace file, all resolved at synth (`cross-references`); `reference checks` is their',
    'share of the library time, measured again on their own in the same process. `control` is the same synth with',
    'the references neutralised (Subflow type and function names altered by one character): nothing resolves, nothing',
    'is ordered; its ratio is what the package costs without the cross-references, on the machine as it was.',
    `Load average (1 min) of the machine, shared with other jobs: ${loadBefore} at the start, ${os.loadavg()[0].toFixed(1)} at the end ` +
      '(2 cores: above 2, absolute times stretch, and the ratios less so since both sides share the load).',
    '',
    synth.markdown,
    '',
    ...synth.verdicts.map((v) => `- ${v}`),
    '',
    '## 2. Start-up',
    '',
    'A fresh `node -e` process, resolved as a user program resolves the package (its `exports`, compiled `dist/`).',
    '',
    startup.markdown,
    '',
    ...startup.verdicts.map((v) => `- ${v}`),
    '',
    '## 3. Provider efficiency',
    '',
    provider.preamble,
    '',
    provider.markdown,
    '',
    ...provider.verdicts.map((v) => `- ${v}`),
    '',
  ].join('\n');

  process.stdout.write(report);
  if (QUICK) {
    log('quick run: bench/RESULTS.md left as it is');
  } else {
    fs.writeFileSync(RESULTS, report);
    log(`wrote ${RESULTS}`);
  }
}

main().catch((err) => {
  process.stderr.write(`${err?.stack ?? err}\n`);
  process.exit(1);
});
