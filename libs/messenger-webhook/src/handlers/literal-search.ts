/**
 * Finds one literal in a text by Knuth-Morris-Pratt, forwards and backwards: each search reads every character of
 * the range it scans at most twice, whatever the text, so a stranger's input cannot make it slow. (Native indexOf
 * is fast on average but promises nothing on adversarial text, and a native backward search is quadratic.)
 */
export class LiteralSearch {
  private readonly forward: Int32Array;
  private readonly reversed: string;
  private readonly backward: Int32Array;

  /** @param literal the text to find; may be empty (found everywhere). */
  constructor(readonly literal: string) {
    this.forward = failureTable(literal);
    // By code units, like the search itself ([...literal] would keep surrogate pairs whole and misalign them).
    this.reversed = reverseCodeUnits(literal);
    this.backward = failureTable(this.reversed);
  }

  /** The first index `>= from` where the literal starts in `text`, or -1. */
  indexFrom(text: string, from: number): number {
    const { literal, forward } = this;
    const size = literal.length;
    if (from < 0) from = 0;
    if (size === 0) return from <= text.length ? from : -1;
    let matched = 0;
    for (let index = from; index < text.length; index++) {
      const char = text.charCodeAt(index);
      while (matched > 0 && literal.charCodeAt(matched) !== char) matched = forward[matched - 1]!;
      if (literal.charCodeAt(matched) === char) matched++;
      if (matched === size) return index - size + 1;
    }
    return -1;
  }

  /** The last index `<= upTo` where the literal starts in `text` (and fits in it), or -1. */
  lastIndexUpTo(text: string, upTo: number): number {
    const { reversed, backward } = this;
    const size = reversed.length;
    const start = Math.min(upTo, text.length - size);
    if (start < 0) return -1;
    if (size === 0) return start;
    let matched = 0;
    for (let index = start + size - 1; index >= 0; index--) {
      const char = text.charCodeAt(index);
      while (matched > 0 && reversed.charCodeAt(matched) !== char) matched = backward[matched - 1]!;
      if (reversed.charCodeAt(matched) === char) matched++;
      if (matched === size) return index;
    }
    return -1;
  }
}

/** KMP's table: for each prefix of `text`, the length of its longest proper prefix that is also its suffix. */
function failureTable(text: string): Int32Array {
  const table = new Int32Array(text.length);
  let length = 0;
  for (let index = 1; index < text.length; index++) {
    const char = text.charCodeAt(index);
    while (length > 0 && text.charCodeAt(length) !== char) length = table[length - 1]!;
    if (text.charCodeAt(length) === char) length++;
    table[index] = length;
  }
  return table;
}

function reverseCodeUnits(text: string): string {
  let reversed = '';
  for (let index = text.length - 1; index >= 0; index--) reversed += text[index];
  return reversed;
}
