// Runs after `tsc -b`: marks dist/cjs as CommonJS. The package itself is `"type": "module"`, so without this marker
// Node would load the CommonJS build's `.js` files as ES modules.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const cjs = join(dirname(fileURLToPath(import.meta.url)), '../dist/cjs');
mkdirSync(cjs, { recursive: true });
writeFileSync(join(cjs, 'package.json'), `${JSON.stringify({ type: 'commonjs' }, null, 2)}\n`);
