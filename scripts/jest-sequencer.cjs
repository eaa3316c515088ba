// Jest test sequencer. With timings from an earlier run, jest's own order (longest first) is
// kept. Without any (a clean clone, as CI runs it), jest orders files by size: the emulated jobs
// (e2e/, local-action/: 10-30 s each, mostly waiting on child processes) came out in the middle,
// and small files that run pip or move hundreds of MB came last, one worker busy while the others
// had nothing left. Files go longest first by scripts/jest-durations.json, the wall times of an
// earlier run (`JEST_WRITE_DURATIONS=1 npm test` rewrites it); a file it does not know yet goes
// with the emulated jobs when it is one, else among the files of about a second.
const { readFileSync } = require('node:fs');
const { join, relative } = require('node:path');
const Sequencer = require('@jest/test-sequencer').default;

const EMULATED_JOBS = /[\\/]__tests__[\\/](e2e|local-action)[\\/]/;
const DURATIONS_FILE = join(__dirname, 'jest-durations.json');
const UNKNOWN_JOB_SECONDS = 20;
const UNKNOWN_FILE_SECONDS = 1;

function knownDurations() {
  try {
    return JSON.parse(readFileSync(DURATIONS_FILE, 'utf8'));
  } catch {
    return {};
  }
}

class LongestFirst extends Sequencer {
  sort(tests) {
    const sorted = super.sort(tests);
    if (sorted.some((test) => test.duration != null)) return sorted;
    const durations = knownDurations();
    const root = join(__dirname, '..');
    const seconds = (test) =>
      durations[relative(root, test.path).split('\\').join('/')] ??
      (EMULATED_JOBS.test(test.path) ? UNKNOWN_JOB_SECONDS : UNKNOWN_FILE_SECONDS);
    // A stable sort: files of equal weight keep jest's order.
    return sorted
      .map((test, index) => ({ test, index, seconds: seconds(test) }))
      .sort((a, b) => b.seconds - a.seconds || a.index - b.index)
      .map(({ test }) => test);
  }
}

module.exports = LongestFirst;
