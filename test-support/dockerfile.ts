// A Dockerfile read as its instructions, for the checks that hold the images to what the repository
// runs (no Docker engine on these machines): comments dropped, continued lines joined.
import { readFileSync } from 'node:fs';

export interface Instruction { keyword: string; args: string }

export function dockerInstructions(file: string): Instruction[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [keyword = '', ...rest] = line.split(/\s+/);
      return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
    });
}

export interface Stage { name: string; instructions: Instruction[] }

/** The build stages in order, each named by its `AS` (unnamed: its index, as Docker numbers them). */
export function dockerStages(file: string): Stage[] {
  const stages: Stage[] = [];
  for (const i of dockerInstructions(file)) {
    if (i.keyword === 'FROM') stages.push({ name: /\sAS\s+(\S+)$/i.exec(i.args)?.[1] ?? String(stages.length), instructions: [] });
    else stages.at(-1)?.instructions.push(i);
  }
  return stages;
}

/** The ENV of a Dockerfile's final stage (`ENV K=V K2=V2`): what the container starts with before compose's environment. */
export function imageEnvironment(dockerfile: string): Record<string, string> {
  const final = dockerStages(dockerfile).at(-1)?.instructions ?? [];
  return Object.fromEntries(final.filter((i) => i.keyword === 'ENV').flatMap((i) => i.args.split(/\s+/).map((kv) => kv.split('=') as [string, string])));
}
