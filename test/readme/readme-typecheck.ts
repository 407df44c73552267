import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import type { ReadmeBlock } from './readme-blocks.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const src = join(repo, 'libs/messenger-webhook/src');

/** The TypeScript modes of the README's check comments. */
export const TS_MODES = ['file', 'statements', 'members', 'handler-body'] as const;

// What the snippets use without defining it, declared as a user's app would have it (`@nestjs/config`, ioredis, Sentry).
const AMBIENT = `import type { ArgumentsHost, ExceptionFilter } from '@nestjs/common';
import type { MessengerTestClient } from 'nestjs-messenger-webhook/testing';
declare global {
  const client: MessengerTestClient;
  const vips: Set<string>;
  class SendApiErrorFilter implements ExceptionFilter { catch(exception: unknown, host: ArgumentsHost): void; }
  const Sentry: { captureException(error: unknown, hint?: { extra?: Record<string, unknown> }): string };
  class Redis { set(key: string, value: string, mode: 'PX', ttl: number, flag: 'NX'): Promise<'OK' | null>; }
  class ConfigModule {}
  class ConfigService { getOrThrow<T = any>(propertyPath: string): Exclude<T, undefined>; }
  class AppModule {}
}
export {};
`;

// Names a snippet without imports may use from Nest; this library's exports win where both have a name (`Param`).
const NEST_IMPORTS: Record<string, readonly string[]> = {
  '@nestjs/common': ['Injectable', 'Module', 'Inject', 'ParseIntPipe', 'UseGuards', 'UseFilters', 'UseInterceptors', 'UsePipes', 'Catch', 'Logger', 'SetMetadata'],
  '@nestjs/core': ['NestFactory'],
  '@nestjs/testing': ['Test'],
};
const NEST_TYPE_IMPORTS: Record<string, readonly string[]> = {
  '@nestjs/common': ['CanActivate', 'ExecutionContext', 'ExceptionFilter', 'ArgumentsHost', 'NestInterceptor', 'CallHandler'],
};

/** A README line and what TypeScript said about it. */
export interface ReadmeDiagnostic {
  readonly line: number;
  readonly message: string;
}

/**
 * Compiles every TypeScript block of the README as a user's app would (`nodenext`, decorators with metadata,
 * `strict`), against the library's sources: `file` blocks as they are (`cjs/...` ones as CommonJS), `statements`,
 * `members` (inside a class) and `handler-body` (inside a handler taking `event` and `ctx`) with the imports they leave
 * out added.
 */
export function typeCheckReadme(blocks: readonly ReadmeBlock[]): ReadmeDiagnostic[] {
  const dir = join(repo, '.cache/readme-check');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'cjs'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  writeFileSync(join(dir, 'cjs/package.json'), '{ "type": "commonjs" }\n');
  // The CommonJS main.ts imports a module of its own app.
  writeFileSync(join(dir, 'cjs/app.module.ts'), "import { Module } from '@nestjs/common';\n\n@Module({})\nexport class AppModule {}\n");
  writeFileSync(join(dir, 'ambient.d.ts'), AMBIENT);

  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2023,
    lib: ['lib.es2023.d.ts'],
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    experimentalDecorators: true,
    emitDecoratorMetadata: true,
    // The library's own sources are part of this program (through `paths`) and need their own setting.
    useDefineForClassFields: false,
    esModuleInterop: true,
    skipLibCheck: true,
    noEmit: true,
    types: ['node', 'vitest/globals'],
    paths: {
      'nestjs-messenger-webhook': [join(src, 'index.ts')],
      'nestjs-messenger-webhook/testing': [join(src, 'testing/index.ts')],
    },
  };
  const host = ts.createCompilerHost(options);
  const libraryNames = exportedNames(options, host, dir, 'nestjs-messenger-webhook');
  const kitNames = new Set([...exportedNames(options, host, dir, 'nestjs-messenger-webhook/testing')].filter((name) => !libraryNames.has(name)));

  const files = new Map<string, { block: ReadmeBlock; firstCodeLine: number }>();
  for (const block of blocks) {
    if (!(TS_MODES as readonly string[]).includes(block.mode ?? '')) continue;
    const name = block.mode === 'file' || block.argument ? block.argument : `block-${block.line}.ts`;
    const { text, firstCodeLine } = block.mode === 'file' ? { text: block.code, firstCodeLine: 0 } : withImports(block, libraryNames, kitNames);
    const path = join(dir, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    files.set(path, { block, firstCodeLine });
  }

  const program = ts.createProgram([...files.keys(), join(dir, 'ambient.d.ts'), join(dir, 'cjs/app.module.ts')], options, host);
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
    const origin = diagnostic.file && files.get(diagnostic.file.fileName);
    if (!origin || diagnostic.start === undefined) return { line: 0, message: `${diagnostic.file?.fileName ?? ''}: ${message}` };
    const { line } = diagnostic.file!.getLineAndCharacterOfPosition(diagnostic.start);
    return { line: origin.block.line + 1 + line - origin.firstCodeLine, message };
  });
}

/** Names an entry point of the library exports (values and types). */
function exportedNames(options: ts.CompilerOptions, host: ts.CompilerHost, dir: string, entry: string): Set<string> {
  const probe = join(dir, 'exports-probe.ts');
  writeFileSync(probe, `export * from '${entry}';\n`);
  const program = ts.createProgram([probe], options, host);
  const checker = program.getTypeChecker();
  const symbol = checker.getSymbolAtLocation(program.getSourceFile(probe)!)!;
  const names = new Set(checker.getExportsOfModule(symbol).map((entry) => entry.getName()));
  rmSync(probe);
  return names;
}

/** The block with the imports of every known name it uses and does not declare (the main entry first, then the kit). */
function withImports(block: ReadmeBlock, libraryNames: ReadonlySet<string>, kitNames: ReadonlySet<string>): { text: string; firstCodeLine: number } {
  const used = new Set(block.code.match(/[A-Za-z_$][\w$]*/g) ?? []);
  if (block.mode === 'handler-body') used.add('MessengerEvent').add('MessengerContext');
  const declared = new Set([...block.code.matchAll(/\b(?:class|interface|type|enum|function|const|let|var)\s+([A-Za-z_$][\w$]*)/g)].map((m) => m[1]!));
  for (const [, specifiers] of block.code.matchAll(/^import\s+(?:type\s+)?\{([^}]*)\}/gm)) {
    for (const specifier of specifiers!.split(',')) declared.add(specifier.trim().split(/\s+/).at(-1)!);
  }
  const wanted = (name: string) => used.has(name) && !declared.has(name);
  const imports: string[] = [];
  const ours = [...libraryNames].filter(wanted);
  if (ours.length) imports.push(`import { ${ours.join(', ')} } from 'nestjs-messenger-webhook';`);
  const kit = [...kitNames].filter(wanted);
  if (kit.length) imports.push(`import { ${kit.join(', ')} } from 'nestjs-messenger-webhook/testing';`);
  for (const [module, names] of Object.entries(NEST_IMPORTS)) {
    const types = (NEST_TYPE_IMPORTS[module] ?? []).filter((name) => wanted(name) && !libraryNames.has(name)).map((name) => `type ${name}`);
    const values = names.filter((name) => wanted(name) && !libraryNames.has(name));
    if (values.length || types.length) imports.push(`import { ${[...values, ...types].join(', ')} } from '${module}';`);
  }
  const head =
    block.mode === 'members'
      ? [...imports, '', '@Injectable()', `export class ReadmeSnippet${block.line} {`]
      : block.mode === 'handler-body'
        ? [...imports, '', `export async function readmeSnippet${block.line}(event: MessengerEvent, ctx: MessengerContext): Promise<void> {`]
        : [...imports, ''];
  if (block.mode === 'members' && !imports.some((line) => /\bInjectable\b/.test(line))) head.unshift("import { Injectable } from '@nestjs/common';");
  const tail = block.mode === 'statements' ? ['', 'export {};', ''] : ['}', ''];
  return { text: [...head, block.code, ...tail].join('\n'), firstCodeLine: head.length };
}
