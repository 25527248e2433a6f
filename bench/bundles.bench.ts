/**
 * The runnable bundles (deploy/bundles/, `pnpm build`): how long building them takes, how large they are,
 * and how fast and how large each component starts from its bundle compared with its TypeScript sources.
 * Run: node bench/bundles.bench.ts [runs] (default 5; medians are printed).
 *
 * Start-up is ms from spawn until the component answers (agent and proxy `/healthz`, server `/readyz`: its
 * storage open on a fresh data directory, migrations included); RSS is read from /proc right then.
 * The server starts against an empty data directory each run. Nothing here asserts.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildBundle, repoRoot, type BuiltBundle } from '../deploy/bundles/build-bundle.ts';
import { appNames, type AppName } from '../deploy/bundles/bundled-apps.ts';
import { freePort, spawnNode, waitForAnswer } from '../packages/otlp-transport/src/testing/index.ts';

const runs = Number(process.argv[2] ?? 5);
const out = await mkdtemp(join(tmpdir(), 'apo-bundles-bench-'));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const mib = (dir: string, ...extra: string[]) =>
  Number(
    execFileSync('du', ['-s', '--count-links', '--block-size=1K', ...extra, dir], { encoding: 'utf8' }).split(
      '\t',
    )[0],
  ) / 1024;

async function rssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0) / 1024;
}

/** One start: ms until it answers, and its RSS then. */
async function startOnce(app: AppName, args: string[], cwd: string): Promise<{ ms: number; rss: number }> {
  const dataDir = await mkdtemp(join(tmpdir(), `apo-bundles-bench-${app}-`));
  const [a, b, c] = [await freePort(), await freePort(), await freePort()];
  const env: Record<AppName, Record<string, string>> = {
    agent: {
      APO_AGENT_DATA_DIR: dataDir,
      APO_AGENT_OTLP_HTTP_PORT: String(a),
      APO_AGENT_OTLP_GRPC_PORT: String(b),
      APO_AGENT_STATUS_PORT: String(c),
    },
    proxy: {
      APO_PROXY_DATA_DIR: dataDir,
      APO_PROXY_OTLP_HTTP_PORT: String(a),
      APO_PROXY_OTLP_GRPC_PORT: String(b),
      APO_PROXY_STATUS_PORT: String(c),
      APO_PROXY_KUBERNETES: 'off',
    },
    server: { APO_DATA_DIR: dataDir, APO_HTTP_PORT: String(a), APO_GRPC_PORT: String(b) },
  };
  const url = app === 'server' ? `http://127.0.0.1:${a}/readyz` : `http://127.0.0.1:${c}/healthz`;
  const started = performance.now();
  const proc = spawnNode(args, env[app], cwd);
  try {
    await waitForAnswer(url, proc, app, { accept: (r) => r.ok, timeoutMs: 120_000 });
    const ms = performance.now() - started;
    return { ms, rss: await rssMiB(proc.child.pid!) };
  } finally {
    await proc.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

const built: Partial<Record<AppName, BuiltBundle>> = {};
console.log(`bundles in ${out}`);
console.log('component | build ms | total MiB | JS MiB (without maps) | source maps MiB | node_modules MiB');
for (const app of appNames) {
  const started = performance.now();
  const bundle = await buildBundle(app, out);
  built[app] = bundle;
  const total = mib(bundle.dir);
  const lib = mib(join(bundle.dir, 'lib'));
  const maps = lib - mib(join(bundle.dir, 'lib'), '--exclude=*.map');
  console.log(
    `${bundle.app} | ${Math.round(performance.now() - started)} | ${total.toFixed(1)} | ${(lib - maps).toFixed(1)} | ${maps.toFixed(1)} | ${(total - lib).toFixed(1)}`,
  );
}

console.log(`\nstart-up, medians of ${runs} (ms until it answers; RSS then)`);
console.log('component | bundle ms | bundle RSS MiB | sources ms | sources RSS MiB');
for (const app of appNames) {
  const bundle: { ms: number; rss: number }[] = [];
  const sources: { ms: number; rss: number }[] = [];
  for (let i = 0; i < runs; i++) {
    // Interleaved, so that a busy moment of the machine touches both.
    bundle.push(await startOnce(app, [built[app]!.bin], out));
    sources.push(await startOnce(app, [join(repoRoot, 'apps', app, 'src', 'main.ts')], repoRoot));
  }
  console.log(
    `${app} | ${Math.round(median(bundle.map((r) => r.ms)))} | ${Math.round(median(bundle.map((r) => r.rss)))} | ${Math.round(median(sources.map((r) => r.ms)))} | ${Math.round(median(sources.map((r) => r.rss)))}`,
  );
}
await rm(out, { recursive: true, force: true });
