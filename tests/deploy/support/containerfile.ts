/** deploy/containers/*.Containerfile, parsed enough to check them and to run a bundle as the image would. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { repoRoot } from '../../../deploy/bundles/build-bundle.ts';
import { bundledApps, type AppName } from '../../../deploy/bundles/bundled-apps.ts';

export interface Instruction {
  keyword: string;
  args: string;
}

/** Instructions per stage: continuation lines joined, comments dropped. */
function parseContainerfile(text: string): Instruction[][] {
  const stages: Instruction[][] = [];
  const lines = text
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('#'))
    .join('\n')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  for (const line of lines) {
    const [keyword = '', ...rest] = line.split(/\s+/);
    const instruction = { keyword: keyword.toUpperCase(), args: rest.join(' ') };
    if (instruction.keyword === 'FROM') stages.push([]);
    stages.at(-1)?.push(instruction);
  }
  return stages;
}

export async function containerfileOf(app: AppName): Promise<Instruction[][]> {
  const file = join(repoRoot, 'deploy', 'containers', `${bundledApps[app].command}.Containerfile`);
  return parseContainerfile(await readFile(file, 'utf8'));
}

/** The arguments of every `keyword` instruction of a stage. */
export const instructions = (stage: Instruction[], keyword: string): string[] =>
  stage.filter((i) => i.keyword === keyword).map((i) => i.args);

/** The runtime (last) stage's ENV, as the variables the component starts with. */
export function runtimeEnv(stages: Instruction[][]): Record<string, string> {
  return Object.fromEntries(
    instructions(stages.at(-1) ?? [], 'ENV')
      .flatMap((args) => args.split(/\s+/))
      .map((pair) => pair.split('=') as [string, string]),
  );
}

/** The runtime stage's `USER uid:gid`. */
export function runtimeUser(stages: Instruction[][]): { uid: number; gid: number } {
  const [user = ''] = instructions(stages.at(-1) ?? [], 'USER');
  const [uid, gid] = user.split(':').map(Number);
  return { uid: uid ?? NaN, gid: gid ?? NaN };
}
