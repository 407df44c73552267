import { Transform } from 'class-transformer';
import { IsOptional, ValidateBy } from 'class-validator';
import { readValue } from './class-reader.js';
import type { FieldDeclaration } from './field-types.js';

/**
 * Also describes a field to class-validator and class-transformer, through their public decorators, with the one
 * rule the reader applies: `plainToInstance(MessageEvent, raw)` builds the same instances and `validate(event)` (a
 * global `ValidationPipe` on an `@Event()` parameter included) finds the same problems as the library does.
 */
export function bridgeField(target: object, declaration: FieldDeclaration): void {
  const { name, field } = declaration;
  Transform(({ value }: { value: unknown }) => (value === undefined || value === null ? value : readValue(field, value, name).value), { toClassOnly: true })(target, name);
  if (declaration.optional) IsOptional()(target, name);
  ValidateBy({
    name: 'messengerField',
    validator: {
      validate: (value: unknown) => (value === null ? declaration.nullable === true : value !== undefined && readValue(field, value, name).problems === undefined),
      defaultMessage: (args) => {
        const value: unknown = args?.value;
        if (value === undefined || value === null) return `${name} is required`;
        const problems = readValue(field, value, name).problems ?? [];
        return problems.map((problem) => `${problem.path} ${problem.message}`).join('; ');
      },
    },
  })(target, name);
}
