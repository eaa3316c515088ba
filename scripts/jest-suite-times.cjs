// Jest reporter: the slowest test files, wall time and CPU time (jest-suite-cpu.cjs) side by
// side, and the run's total. `npm test -- --reporters=default --reporters=./scripts/jest-suite-times.cjs`
// prints them all; in the check it prints the ten slowest, to see a new suite that costs much.
const { readFileSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join, relative } = require('node:path');

class SuiteTimes {
  constructor(_config, options = {}) {
    this.limit = options.limit ?? Number.POSITIVE_INFINITY;
    this.file = join(tmpdir(), `jest-suite-cpu-${process.pid}.jsonl`);
    // Workers start after the reporters and inherit this.
    process.env.JEST_SUITE_CPU_FILE = this.file;
  }

  onRunComplete(_contexts, results) {
    const cpu = new Map();
    try {
      for (const line of readFileSync(this.file, 'utf8').trim().split('\n')) {
        const { path, cpu: seconds } = JSON.parse(line);
        cpu.set(path, seconds);
      }
    } catch {
      // no CPU figures (no /proc, or no suite ran)
    }
    rmSync(this.file, { force: true });
    const rows = results.testResults
      .map((r) => ({
        path: relative(process.cwd(), r.testFilePath),
        wall: (r.perfStats.end - r.perfStats.start) / 1000,
        cpu: cpu.get(r.testFilePath),
        tests: r.numPassingTests + r.numFailingTests + r.numPendingTests,
      }))
      .sort((a, b) => b.wall - a.wall);
    if (process.env.JEST_WRITE_DURATIONS) writeDurations(rows);
    const shown = rows.slice(0, this.limit);
    const fmt = (s) => (s === undefined || Number.isNaN(s) ? '    -' : s.toFixed(1).padStart(5));
    const lines = shown.map((r) => `${fmt(r.wall)} s wall ${fmt(r.cpu)} s CPU  ${r.path} (${r.tests} tests)`);
    const totalCpu = rows.reduce((sum, r) => sum + (r.cpu ?? 0), 0);
    const wall = (Date.now() - results.startTime) / 1000;
    process.stdout.write(
      `\nSlowest test files${shown.length < rows.length ? ` (${shown.length} of ${rows.length})` : ''}:\n${lines.join('\n')}\n` +
        `jest: ${wall.toFixed(1)} s wall, ${totalCpu.toFixed(1)} s CPU in test files\n`,
    );
  }
}
/** scripts/jest-durations.json, the order scripts/jest-sequencer.cjs runs a clean clone's files in. */
function writeDurations(rows) {
  const durations = Object.fromEntries(
    rows
      .map((r) => [r.path.split('\\').join('/'), Math.round(r.wall * 10) / 10])
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
  writeFileSync(join(__dirname, 'jest-durations.json'), `${JSON.stringify(durations, null, 2)}\n`);
}

module.exports = SuiteTimes;
