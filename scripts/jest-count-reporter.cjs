// Closes a jest run with one plain line, `N passed, N failed, N skipped`, that any CI can read
// (.ci/run prints it through `npm run check`). Jest's exit code is left as it is.
class CountReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    process.stdout.write(
      `${results.numPassedTests} passed, ${results.numFailedTests} failed, ${skipped} skipped\n`,
    );
  }
}
module.exports = CountReporter;
