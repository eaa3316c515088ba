// How the runner reads what a step reports: file commands (GITHUB_ENV, GITHUB_OUTPUT, GITHUB_STATE)
// and workflow commands on stdout (::warning::, ::error::, ::notice::).
// https://docs.github.com/en/actions/writing-workflows/choosing-what-your-workflow-does/workflow-commands-for-github-actions

/**
 * Parses a key-value file command: `name=value` lines and `name<<DELIM` heredocs, as @actions/core
 * writes them (heredoc with a random delimiter). Like the runner, `=` wins when it comes before `<<`,
 * and a malformed file fails the step.
 */
export function parseFileCommand(text: string): Record<string, string> {
  const result: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line === '') continue;
    const equals = line.indexOf('=');
    const heredoc = line.indexOf('<<');
    if (equals > 0 && (heredoc < 0 || equals < heredoc)) {
      result[line.slice(0, equals)] = line.slice(equals + 1);
    } else if (heredoc > 0) {
      const delimiter = line.slice(heredoc + 2);
      const end = lines.indexOf(delimiter, i + 1);
      if (delimiter === '' || end < 0) throw new Error(`file command: no closing delimiter for: ${line}`);
      result[line.slice(0, heredoc)] = lines.slice(i + 1, end).join('\n');
      i = end;
    } else {
      throw new Error(`file command: invalid line: ${line}`);
    }
  }
  return result;
}

export interface Annotations {
  warnings: string[];
  errors: string[];
  notices: string[];
}

const COMMAND_LINE = /^::([A-Za-z-]+)(?: ([^:]*))?::(.*)$/;

/** Collects the messages of ::warning::, ::error:: and ::notice:: lines, with or without properties. */
export function parseAnnotations(stdout: string): Annotations {
  const found: Annotations = { warnings: [], errors: [], notices: [] };
  const lists: Record<string, string[]> = {
    warning: found.warnings,
    error: found.errors,
    notice: found.notices,
  };
  for (const line of stdout.split(/\r?\n/)) {
    const match = COMMAND_LINE.exec(line);
    if (match && lists[match[1]]) lists[match[1]].push(unescapeData(match[3]));
  }
  return found;
}

// Inverse of @actions/core's escapeData; %25 last so an escaped "%0A" stays literal.
function unescapeData(data: string): string {
  return data.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
}
