import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readActionInputDefaults } from './action-defaults.js';
import { parseAnnotations, parseFileCommand } from './runner-commands.js';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface StepResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** Parsed from GITHUB_OUTPUT written during this step. */
  outputs: Record<string, string>;
  /** Parsed from GITHUB_ENV written during this step. */
  exportedEnv: Record<string, string>;
  /** Parsed from GITHUB_STATE written during this step. */
  state: Record<string, string>;
  /** GITHUB_STEP_SUMMARY written during this step. */
  summary: string;
  warnings: string[];
  errors: string[];
  notices: string[];
  durationMs: number;
  /**
   * The process exited but something it started still held stdout/stderr after the grace period
   * (the runner then moves on, as here); a daemon must not inherit the step's pipes.
   */
  outputHeldOpen: boolean;
}

export interface JobOptions {
  /** GITHUB_WORKSPACE and the steps' cwd. */
  workspace: string;
  /** Become INPUT_<NAME> (upper-cased, spaces to _, dashes kept), over action.yml defaults. */
  inputs?: Record<string, string>;
  /** The workflow/job `env:`; undefined removes a variable. */
  env?: Record<string, string | undefined>;
  /**
   * The runner machine's own environment (a self-hosted runner's `.env` file or service
   * environment: where a corporate HTTPS_PROXY usually lives). Under GITHUB_ENV, unlike `env`.
   */
  machineEnv?: Record<string, string>;
  ref?: string;
  eventName?: string;
  eventPayload?: object;
  /** Scripts to run instead of dist/main.js and dist/post.js. */
  entryPoints?: { main: string; post: string };
  /** action.yml for input defaults; default the repo's, false for none. */
  actionYml?: string | false;
  /** A step that runs longer is killed and the call rejects; default 5 minutes. */
  stepTimeoutMs?: number;
  /**
   * RUNNER_TEMP: by default a new folder per job. Jobs on one runner image see the same path
   * (/home/runner/work/_temp on hosted runners), emptied for each job: pass one path to them all.
   */
  runnerTemp?: string;
  /** How long to wait for stdout/stderr to close after the process exits; the runner waits 5 s. */
  outputGraceMs?: number;
}

// Inherited from the test process, these would leak one job's context into the emulated one.
const DROPPED_PREFIXES = ['INPUT_', 'STATE_', 'GITHUB_', 'ACTIONS_', 'RUNNER_'];
// Jest's own variables; a runner does not set them.
const DROPPED_NAMES = ['JEST_WORKER_ID', 'NODE_ENV'];
// The runner refuses these from GITHUB_ENV.
const PROTECTED_EXPORT = /^(GITHUB_|RUNNER_|NODE_OPTIONS$)/;

/** Emulates one job of a GitHub Actions runner for this action: main step, `run:` steps, post step. */
export class RunnerJob {
  readonly runnerTemp: string;
  private readonly trackingId = `github_${randomUUID()}`;
  private readonly eventPath: string;
  private readonly entryPoints: { main: string; post: string };
  private readonly inputEnv: Record<string, string>;
  private exported: Record<string, string> = {};
  private addedPaths: string[] = [];
  private mainState: Record<string, string> = {};

  constructor(private readonly options: JobOptions) {
    if (options.runnerTemp) {
      rmSync(options.runnerTemp, { recursive: true, force: true });
      mkdirSync(options.runnerTemp, { recursive: true });
    }
    this.runnerTemp = options.runnerTemp ?? mkdtempSync(join(tmpdir(), 'runner-temp-'));
    mkdirSync(join(this.runnerTemp, '_runner_file_commands'));
    mkdirSync(join(this.runnerTemp, '_github_workflow'));
    this.eventPath = join(this.runnerTemp, '_github_workflow', 'event.json');
    writeFileSync(
      this.eventPath,
      JSON.stringify(options.eventPayload ?? { repository: { default_branch: 'main' } }),
    );
    this.entryPoints = options.entryPoints ?? {
      main: join(REPO_ROOT, 'dist', 'main.js'),
      post: join(REPO_ROOT, 'dist', 'post.js'),
    };
    const actionYml = options.actionYml ?? join(REPO_ROOT, 'action.yml');
    const inputs = {
      ...(actionYml ? readActionInputDefaults(actionYml, 'fake-github-token') : {}),
      ...options.inputs,
    };
    this.inputEnv = Object.fromEntries(
      Object.entries(inputs).map(([name, value]) => [
        `INPUT_${name.replace(/ /g, '_').toUpperCase()}`,
        value,
      ]),
    );
  }

  async runMain(): Promise<StepResult> {
    const result = await this.runStep(this.entryPoints.main, {});
    this.mainState = result.state;
    return result;
  }

  /** Post sees main's GITHUB_STATE as STATE_<name>, and what earlier steps exported. */
  runPost(): Promise<StepResult> {
    const state = Object.fromEntries(
      Object.entries(this.mainState).map(([name, value]) => [`STATE_${name}`, value]),
    );
    return this.runStep(this.entryPoints.post, state);
  }

  /** What a `run:` step at this point of the job sees. */
  stepEnv(): Record<string, string> {
    const env: Record<string, string | undefined> = {
      ...baseEnv(),
      ...this.options.machineEnv,
      ...this.runnerEnv(),
      ...this.exported,
      ...this.options.env,
    };
    // GITHUB_PATH entries go in front, newest first.
    env.PATH = [...this.addedPaths, env.PATH].filter(Boolean).join(delimiter);
    return definedOnly(env);
  }

  /** Removes RUNNER_TEMP and, like the runner at job end, kills processes the steps left behind. */
  async cleanup(): Promise<void> {
    await this.killOrphans();
    await rm(this.runnerTemp, { recursive: true, force: true });
  }

  private async runStep(script: string, stateEnv: Record<string, string>): Promise<StepResult> {
    const files = this.createFileCommands();
    const env = { ...this.stepEnv(), ...this.inputEnv, ...stateEnv, ...files.env };
    const started = Date.now();
    const run = await this.spawnNode(script, env);
    const annotations = parseAnnotations(run.stdout);
    const exportedEnv = parseFileCommand(readFileSync(files.paths.env, 'utf8'));
    for (const [name, value] of Object.entries(exportedEnv)) {
      if (!PROTECTED_EXPORT.test(name)) this.exported[name] = value;
    }
    const added = readFileSync(files.paths.path, 'utf8').split(/\r?\n/).filter(Boolean);
    this.addedPaths = [...added.reverse(), ...this.addedPaths];
    return {
      ...run,
      ...annotations,
      outputs: parseFileCommand(readFileSync(files.paths.output, 'utf8')),
      exportedEnv,
      state: parseFileCommand(readFileSync(files.paths.state, 'utf8')),
      summary: readFileSync(files.paths.summary, 'utf8'),
      durationMs: Date.now() - started,
    };
  }

  private runnerEnv(): Record<string, string> {
    const ref = this.options.ref ?? 'refs/heads/main';
    const payload = JSON.parse(readFileSync(this.eventPath, 'utf8')) as { pull_request?: PullRequest };
    return {
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      GITHUB_WORKSPACE: this.options.workspace,
      GITHUB_REPOSITORY: 'octo-org/octo-repo',
      GITHUB_REPOSITORY_OWNER: 'octo-org',
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_API_URL: 'https://api.github.com',
      GITHUB_GRAPHQL_URL: 'https://api.github.com/graphql',
      GITHUB_RUN_ID: '4242424242',
      GITHUB_RUN_NUMBER: '7',
      GITHUB_RUN_ATTEMPT: '1',
      GITHUB_WORKFLOW: 'CI',
      GITHUB_JOB: 'test',
      GITHUB_ACTION: 'pypi-cache',
      GITHUB_ACTOR: 'octocat',
      GITHUB_SHA: 'ffac537e6cbbf934b08745a378932722df287a53',
      GITHUB_REF: ref,
      GITHUB_REF_NAME: ref.replace(/^refs\/(heads|tags)\//, ''),
      GITHUB_REF_TYPE: ref.startsWith('refs/tags/') ? 'tag' : 'branch',
      GITHUB_HEAD_REF: payload.pull_request?.head?.ref ?? '',
      GITHUB_BASE_REF: payload.pull_request?.base?.ref ?? '',
      GITHUB_EVENT_NAME: this.options.eventName ?? 'push',
      GITHUB_EVENT_PATH: this.eventPath,
      RUNNER_OS: { linux: 'Linux', darwin: 'macOS', win32: 'Windows' }[process.platform as string] ?? 'Linux',
      RUNNER_ARCH: { x64: 'X64', arm64: 'ARM64', arm: 'ARM', ia32: 'X86' }[process.arch as string] ?? 'X64',
      RUNNER_NAME: 'GitHub Actions 1',
      RUNNER_ENVIRONMENT: 'github-hosted',
      RUNNER_TEMP: this.runnerTemp,
      RUNNER_TOOL_CACHE: join(this.runnerTemp, '_tool'),
      // The runner marks every process of the job with this, to find and kill leftovers at the end.
      RUNNER_TRACKING_ID: this.trackingId,
    };
  }

  /** Fresh, empty command files per step, named as the runner names them. */
  private createFileCommands() {
    const dir = join(this.runnerTemp, '_runner_file_commands');
    const id = randomUUID();
    const paths = {
      env: join(dir, `set_env_${id}`),
      output: join(dir, `set_output_${id}`),
      state: join(dir, `save_state_${id}`),
      summary: join(dir, `step_summary_${id}`),
      path: join(dir, `add_path_${id}`),
    };
    for (const path of Object.values(paths)) writeFileSync(path, '');
    const env = {
      GITHUB_ENV: paths.env,
      GITHUB_OUTPUT: paths.output,
      GITHUB_STATE: paths.state,
      GITHUB_STEP_SUMMARY: paths.summary,
      GITHUB_PATH: paths.path,
    };
    return { paths, env };
  }

  private spawnNode(script: string, env: Record<string, string>) {
    const timeoutMs = this.options.stepTimeoutMs ?? 5 * 60_000;
    const graceMs = this.options.outputGraceMs ?? 5000;
    return new Promise<{ exitCode: number; stdout: string; stderr: string; outputHeldOpen: boolean }>(
      (resolve, reject) => {
        const child = spawn(process.execPath, [script], { cwd: this.options.workspace, env, stdio: 'pipe' });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
        });
        child.stderr.on('data', (chunk: Buffer) => {
          stderr += chunk.toString();
        });
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          reject(
            new Error(
              `step ${script} timed out after ${timeoutMs} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`,
            ),
          );
        }, timeoutMs);
        child.on('error', (error) => {
          clearTimeout(timer);
          reject(error);
        });
        // Finish on exit plus a grace period for the pipes: a detached grandchild holding them must
        // not hang the step, as it does not hang the runner.
        child.on('exit', (code, signal) => {
          clearTimeout(timer);
          const finish = (outputHeldOpen: boolean) => {
            child.stdout.destroy();
            child.stderr.destroy();
            resolve({ exitCode: code ?? (signal ? 128 : 1), stdout, stderr, outputHeldOpen });
          };
          const grace = setTimeout(() => finish(true), graceMs);
          child.on('close', () => {
            clearTimeout(grace);
            finish(false);
          });
        });
      },
    );
  }

  /** Linux only: the processes whose environment carries this job's RUNNER_TRACKING_ID. */
  private async killOrphans(): Promise<void> {
    if (process.platform !== 'linux') return;
    const marker = `RUNNER_TRACKING_ID=${this.trackingId}\0`;
    for (const pid of (await readdir('/proc')).filter((name) => /^\d+$/.test(name))) {
      const environ = await readFile(`/proc/${pid}/environ`, 'utf8').catch(() => '');
      // The variable whole: first, or after another one's NUL.
      if (environ.startsWith(marker) || environ.includes(`\0${marker}`)) {
        try {
          process.kill(Number(pid), 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
  }
}

interface PullRequest {
  head?: { ref?: string };
  base?: { ref?: string };
}

function baseEnv(): Record<string, string | undefined> {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) =>
        !DROPPED_PREFIXES.some((prefix) => name.startsWith(prefix)) && !DROPPED_NAMES.includes(name),
    ),
  );
}

function definedOnly(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}
