// Preload of both roles when bench:cps runs with BENCH_ALLOC_PROFILE_DIR (node --import): V8's
// sampling heap profiler with the objects GC already collected kept in the profile. Node's own
// --heap-prof leaves them out, so it shows what is retained, not what a call allocates. One profile
// per SIGUSR2 (bench:cps sends one after the warm-up calls, the warm-up step and each rate step) and
// one at exit, named <pid>-<segment>.heapprofile; segments.txt lists them with the MB allocated.
// Rank one with `pnpm run bench:alloc-top <file> <calls>`.
import fs from 'node:fs';
import inspector from 'node:inspector';
import path from 'node:path';

const dir = process.env.BENCH_ALLOC_PROFILE_DIR;
if (dir) {
  const intervalBytes = Number(process.env.BENCH_ALLOC_PROFILE_INTERVAL ?? 16384);
  fs.mkdirSync(dir, { recursive: true });
  const session = new inspector.Session();
  session.connect();
  session.post('HeapProfiler.enable');
  // Not in @types/node's generated protocol types yet; V8 has had both since 2021.
  const sampling: inspector.HeapProfiler.StartSamplingParameterType = Object.assign(
    { samplingInterval: intervalBytes },
    { includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true },
  );
  const start = (): void => session.post('HeapProfiler.startSampling', sampling);
  let segment = 0;
  let startedAt = Date.now();
  const cut = (): void => {
    session.post('HeapProfiler.stopSampling', (err, result) => {
      if (err) return;
      let bytes = 0;
      const walk = (node: inspector.HeapProfiler.SamplingHeapProfileNode): void => {
        bytes += node.selfSize;
        for (const child of node.children) walk(child);
      };
      walk(result.profile.head);
      const name = `${process.pid}-${String(segment).padStart(2, '0')}.heapprofile`;
      fs.writeFileSync(path.join(dir, name), JSON.stringify(result.profile));
      const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
      const role = process.argv.slice(2).join(' ');
      fs.appendFileSync(
        path.join(dir, 'segments.txt'),
        `${name} ${role}: ${seconds} s, ${(bytes / 1e6).toFixed(1)} MB allocated\n`,
      );
      segment += 1;
      startedAt = Date.now();
    });
  };
  start();
  process.on('SIGUSR2', () => {
    cut();
    start();
  });
  process.on('exit', cut);
}
