import { readFileSync } from 'node:fs';

// Which refs' entries a run may restore, as GitHub's cache service scopes them ("Restrictions
// for accessing a cache", docs.github.com/actions/reference/workflows-and-actions/dependency-caching):
// a run restores entries saved on its own ref, on its pull request's base branch, and on the
// default branch, in that order ("Cache key matching": every step of the search on the current
// branch first, then the same steps on the next). A pull request saves under its merge ref
// (refs/pull/N/merge), so neither its base branch nor another pull request ever sees its entry;
// tags are scopes of their own too. The local backend applies this (issue 9, case 8).
//
// From the runner: GITHUB_REF (the run's ref; for pull_request, refs/pull/N/merge),
// GITHUB_BASE_REF (the base branch's name, set for pull_request and pull_request_target only;
// the event's pull_request.base.ref otherwise) and the event's repository.default_branch
// (GITHUB_EVENT_PATH). GITHUB_REF_NAME is not used: it drops the refs/heads/ or refs/tags/
// that keep a branch and a tag of one name apart.

export interface CacheScope {
  /** The ref a save is recorded under; '' outside Actions (no GITHUB_REF). */
  ownRef: string;
  /** The refs a restore searches, in order: own ref, base branch, default branch. */
  restoreRefs: string[];
  /** What the log should say about the scope: what was missing, and what that narrows. */
  notes: string[];
}

interface RunEvent {
  repository?: { default_branch?: string };
  pull_request?: { base?: { ref?: string } };
}

export function readCacheScope(env: NodeJS.ProcessEnv): CacheScope {
  const ownRef = env.GITHUB_REF?.trim() ?? '';
  if (!ownRef) {
    // Outside Actions (a developer's machine, @github/local-action) there are no branches to
    // keep apart: such runs share one scope, which no run on a ref ever reads.
    return {
      ownRef: '',
      restoreRefs: [''],
      notes: [
        'GITHUB_REF is not set: the local cache is shared only with other runs outside GitHub Actions.',
      ],
    };
  }
  const event = readEvent(env.GITHUB_EVENT_PATH);
  const notes: string[] = [];
  const baseBranch = env.GITHUB_BASE_REF?.trim() || event?.pull_request?.base?.ref?.trim();
  const defaultBranch = event?.repository?.default_branch?.trim();
  if (!defaultBranch) {
    // Guessing `main` would let this run read a branch it may not: stay within what is known.
    notes.push(
      `The default branch is unknown (${env.GITHUB_EVENT_PATH ? `${env.GITHUB_EVENT_PATH} has no repository.default_branch` : 'GITHUB_EVENT_PATH is not set'}): entries saved on it are not restored.`,
    );
  }
  const refs = [ownRef, branchRef(baseBranch), branchRef(defaultBranch)];
  const restoreRefs = refs.filter((ref, index): ref is string => !!ref && refs.indexOf(ref) === index);
  return { ownRef, restoreRefs, notes };
}

/** The repository's default branch as the run's event names it, or undefined. */
export function readDefaultBranch(eventPath: string | undefined): string | undefined {
  return readEvent(eventPath)?.repository?.default_branch?.trim() || undefined;
}

function branchRef(branch: string | undefined): string | undefined {
  if (!branch) return undefined;
  return branch.startsWith('refs/') ? branch : `refs/heads/${branch}`;
}

function readEvent(eventPath: string | undefined): RunEvent | undefined {
  if (!eventPath) return undefined;
  try {
    return JSON.parse(readFileSync(eventPath, 'utf8')) as RunEvent;
  } catch {
    return undefined;
  }
}
