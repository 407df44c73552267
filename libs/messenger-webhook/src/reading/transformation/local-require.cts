/**
 * This package's own `require`, for the CommonJS files of dependencies that have no `exports` map. A CommonJS file
 * has one in both builds (the ES module build imports it), where `createRequire(import.meta.url)` would not compile
 * into the CommonJS build.
 */
export const localRequire: NodeJS.Require = require;
