/** How many problems one log line names before it only counts the rest. */
const NAMED = 5;

/**
 * One log line for every entry or item of a delivery that could not be read: the count and the first few paths.
 * A signed body can hold 100,000 of them; a line each would flood the log and cost seconds. `null` when there are none.
 */
export function deliveryProblemsLine(problems: readonly string[]): string | null {
  if (problems.length === 0) return null;
  if (problems.length === 1) return `Skipped an unreadable item of a delivery: ${problems[0]}`;
  const named = problems.slice(0, NAMED).join('; ');
  const rest = problems.length - NAMED;
  return `Skipped ${problems.length} unreadable items of a delivery: ${named}${rest > 0 ? `; and ${rest} more` : ''}`;
}
