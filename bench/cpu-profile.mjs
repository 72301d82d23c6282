// Preloaded into a backend by the benchmarks when BENCH_PROFILE_DIR is set (node --cpu-prof cannot be
// passed through NODE_OPTIONS): samples the process with the inspector and writes a .cpuprofile when it
// exits, e.g. after the SIGTERM of a graceful stop. Open it in Chrome DevTools or speedscope.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import path from 'node:path';

const dir = process.env.CPU_PROFILE_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 200 });
  session.post('Profiler.start');
  process.on('exit', () => {
    // A same-thread inspector session answers synchronously, so this works inside 'exit'.
    session.post('Profiler.stop', (err, result) => {
      if (!err) writeFileSync(path.join(dir, `backend-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
