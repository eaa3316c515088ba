// Jest test sequencer. With timings from an earlier run, jest's own order (longest first) is
// kept. Without any (a clean clone, as CI runs it), jest orders files by size, and the emulated
// jobs (e2e/, local-action/: 10-30 s each, mostly waiting on child processes) come out in the
// middle; one started late runs alone at the end. They go first, biggest first.
const Sequencer = require('@jest/test-sequencer').default;

const EMULATED_JOBS = /[\\/]__tests__[\\/](e2e|local-action)[\\/]/;

class EmulatedJobsFirst extends Sequencer {
  sort(tests) {
    const sorted = super.sort(tests);
    if (sorted.some((test) => test.duration != null)) return sorted;
    const jobs = sorted.filter((test) => EMULATED_JOBS.test(test.path));
    return [...jobs, ...sorted.filter((test) => !jobs.includes(test))];
  }
}

module.exports = EmulatedJobsFirst;
