import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const lib = (p: string) => fileURLToPath(new URL(`./libs/messenger-webhook/src/${p}`, import.meta.url));

export default defineConfig({
  // Stated here rather than left to tsconfig discovery: the root tsconfig is a solution file that includes no
  // test file, and without legacy decorators and their metadata Nest's DI would inject undefined.
  oxc: {
    decorator: { legacy: true, emitDecoratorMetadata: true },
    include: /\.(m?ts|cts|[jt]sx)$/,
  },
  resolve: {
    // Tests run against the library's sources, so no build step stands between an edit and a test run.
    alias: [
      { find: /^nestjs-messenger-webhook\/testing$/, replacement: lib('testing/index.ts') },
      { find: /^nestjs-messenger-webhook$/, replacement: lib('index.ts') },
    ],
  },
  test: {
    include: ['libs/**/test/**/*.spec.ts', 'test/**/*.e2e-spec.ts', 'apps/**/test/**/*.spec.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
