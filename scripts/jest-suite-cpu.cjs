// Jest setup file: the CPU time (user + sys, this worker and the child processes it waited for:
// pip, the action's steps, the daemon) each test file took, appended to the file the suite-times
// reporter names. CPU, unlike wall time, stays comparable on a machine that is busy otherwise.
const { appendFileSync, readFileSync } = require('node:fs');

// /proc/self/stat fields 14-17: utime, stime, cutime, cstime, in clock ticks (100 a second).
function cpuSeconds() {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields.slice(11, 15).reduce((sum, ticks) => sum + Number(ticks), 0) / 100;
  } catch {
    return Number.NaN; // no /proc: wall times only
  }
}

const file = process.env.JEST_SUITE_CPU_FILE;
if (file) {
  // Setup files run once per test file, before it is loaded: the count includes its imports.
  const started = cpuSeconds();
  afterAll(() => {
    const path = expect.getState().testPath;
    appendFileSync(file, `${JSON.stringify({ path, cpu: cpuSeconds() - started })}\n`);
  });
}
