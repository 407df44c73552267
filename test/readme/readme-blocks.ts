import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The README of the repository, which is also the package's. */
export const README_PATH = fileURLToPath(new URL('../../README.md', import.meta.url));

/** How a code block of the README is checked, from the `<!-- readme-check: ... -->` comment right above it. */
export interface ReadmeBlock {
  /** 1-based line of the opening fence. */
  readonly line: number;
  /** The fence's language (`ts`, `bash`, or empty). */
  readonly lang: string;
  /** The first word of the check comment, e.g. `file`, `members`, `curl`; `undefined` when the comment is missing. */
  readonly mode: string | undefined;
  /** What follows the mode in the comment, e.g. a file name. */
  readonly argument: string;
  /** The block's text without its fences and without the indentation of a block inside a list item. */
  readonly code: string;
}

const CHECK = /^\s*<!--\s*readme-check:\s*(\S+)\s*(.*?)\s*-->\s*$/;
const FENCE = /^(\s*)```(\S*)\s*$/;

/** Every fenced code block of the README, with its check. */
export function readmeBlocks(text = readFileSync(README_PATH, 'utf8')): ReadmeBlock[] {
  const lines = text.split('\n');
  const blocks: ReadmeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]!);
    if (!open) continue;
    const indent = open[1]!.length;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^\s*```\s*$/.test(lines[i]!); i++) body.push(lines[i]!.slice(Math.min(indent, leadingSpaces(lines[i]!))));
    // The check comment sits on the line above the fence, or above a blank line before it.
    const above = [lines[start - 1], lines[start - 2]].find((line) => line !== undefined && line.trim() !== '');
    const check = above === undefined ? null : CHECK.exec(above);
    blocks.push({ line: start + 1, lang: open[2]!, mode: check?.[1], argument: check?.[2] ?? '', code: body.join('\n') });
  }
  return blocks;
}

function leadingSpaces(line: string): number {
  return line.length - line.trimStart().length;
}
