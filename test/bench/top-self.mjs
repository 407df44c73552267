/**
 * Summarises a V8 `.cpuprofile` (from `node --cpu-prof`) by self time: the top functions, then the totals per package
 * (class-validator, class-transformer, @nestjs/core, this library, Node internals, GC, ...), and the time under each
 * package's frames including what they call.
 * Usage: `node test/bench/top-self.mjs <file.cpuprofile> [top=25]`.
 */
import { readFileSync } from 'node:fs';

/** Which package (or runtime bucket) a profile node's code belongs to. */
export function packageOf(url, functionName) {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules) return modules[1];
  if (url.includes('/libs/messenger-webhook/')) return 'nestjs-messenger-webhook';
  if (url.includes('/.bench/')) return 'bench code';
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  return url;
}

/** Self time in milliseconds per function and per package, from a parsed `.cpuprofile`. */
export function selfTimes(profile) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map();
  for (let index = 0; index < profile.samples.length; index++) {
    const id = profile.samples[index];
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0) / 1000);
  }
  const functions = new Map();
  const packages = new Map();
  let total = 0;
  for (const [id, ms] of self) {
    const { functionName, url, lineNumber } = byId.get(id).callFrame;
    const name = functionName || '(anonymous)';
    const where = url ? `${url.replace(/^file:\/\/.*?node_modules\//, '').replace(/^file:\/\/.*\/(libs|\.bench)\//, '$1/')}:${lineNumber + 1}` : '';
    const key = `${name} ${where}`;
    functions.set(key, (functions.get(key) ?? 0) + ms);
    const pkg = packageOf(url, name);
    packages.set(pkg, (packages.get(pkg) ?? 0) + ms);
    total += ms;
  }
  const sorted = (map) => [...map].sort((x, y) => y[1] - x[1]);
  return { total, functions: sorted(functions), packages: sorted(packages), inclusive: sorted(inclusiveTimes(profile, byId, self)) };
}

/** Time with at least one frame of the package on the stack: the package and everything it calls. */
function inclusiveTimes(profile, byId, self) {
  const parent = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const stackPackages = new Map();
  const packagesOnStack = (id) => {
    if (stackPackages.has(id)) return stackPackages.get(id);
    const { url, functionName } = byId.get(id).callFrame;
    const above = parent.has(id) ? packagesOnStack(parent.get(id)) : new Set();
    const own = url ? packageOf(url, functionName) : null;
    const result = own && !above.has(own) ? new Set([...above, own]) : above;
    stackPackages.set(id, result);
    return result;
  };
  const inclusive = new Map();
  for (const [id, ms] of self) for (const pkg of packagesOnStack(id)) inclusive.set(pkg, (inclusive.get(pkg) ?? 0) + ms);
  return inclusive;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [file, top = '25'] = process.argv.slice(2);
  if (!file) throw new Error('usage: node test/bench/top-self.mjs <file.cpuprofile> [top]');
  const { total, functions, packages, inclusive } = selfTimes(JSON.parse(readFileSync(file, 'utf8')));
  const busy = total - (packages.find(([name]) => name === '(idle)')?.[1] ?? 0);
  const line = ([name, ms]) => `${ms.toFixed(0).padStart(7)} ms ${((100 * ms) / busy).toFixed(1).padStart(5)}%  ${name}`;
  console.log(`${file}: ${total.toFixed(0)} ms sampled, ${busy.toFixed(0)} ms not idle (percentages of the latter)\n\nBy package:`);
  for (const entry of packages.slice(0, 15)) console.log(line(entry));
  console.log('\nInclusive (the package and what it calls):');
  for (const entry of inclusive.filter(([name]) => !name.startsWith('node:') && !name.startsWith('(')).slice(0, 10)) console.log(line(entry));
  console.log(`\nTop ${top} functions by self time:`);
  for (const entry of functions.slice(0, Number(top))) console.log(line(entry));
}
