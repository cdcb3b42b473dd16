import { ArgumentMetadata, Injectable, ValidationPipe, type ValidationError } from '@nestjs/common';
import { BadUserInput, type FieldProblem } from '@app/common';

function problems(errors: ValidationError[], prefix: string): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...problems(error.children ?? [], field)];
  });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** Paths of strings holding U+0000, which PostgreSQL cannot store in text; only plain input data is walked. */
function nulCharacters(value: unknown, path: string, seen = new WeakSet<object>()): FieldProblem[] {
  if (typeof value === 'string') return value.includes('\u0000') ? [{ field: path, message: 'must not contain the NUL character' }] : [];
  if (!Array.isArray(value) && !isPlainObject(value)) return [];
  if (seen.has(value)) return [];
  seen.add(value);
  if (Array.isArray(value)) return value.flatMap((item, index) => nulCharacters(item, `${path}.${index}`, seen));
  return Object.entries(value).flatMap(([key, item]) => nulCharacters(item, path ? `${path}.${key}` : key, seen));
}

/**
 * What the pipe checks: GraphQL arguments (Nest passes GraphQL parameter kinds as numbers, its GqlParamtype:
 * 0 parent, 1 context, 2 info, 3 arguments) and REST input. The parent object of a field resolver, the context and
 * custom parameters such as the actor are the server's own values: walking and transforming them would cost every
 * field of every hit for nothing.
 */
const GRAPHQL_ARGUMENTS = 3;
const checkedKinds = new Set<unknown>([GRAPHQL_ARGUMENTS, 'body', 'query', 'param']);

/** class-validator on every input; failures become BAD_USER_INPUT listing each field (`input.slug`). */
@Injectable()
export class InputValidationPipe extends ValidationPipe {
  constructor() {
    super({
      transform: true,
      whitelist: true,
      forbidNonWhitelisted: true,
      stopAtFirstError: false,
      exceptionFactory: (errors) => {
        const fields = problems(errors, '');
        return new BadUserInput(fields.map((p) => `${p.field}: ${p.message}`).join('; '), fields);
      },
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (!checkedKinds.has(metadata.type)) return value;
    const nul = nulCharacters(value, metadata.data ?? '');
    if (nul.length > 0) throw new BadUserInput(nul.map((p) => `${p.field}: ${p.message}`).join('; '), nul);
    try {
      return await super.transform(value, metadata);
    } catch (error) {
      if (error instanceof BadUserInput && metadata.data) {
        const fields = error.fields.map((p) => ({ field: `${metadata.data}.${p.field}`, message: p.message }));
        throw new BadUserInput(fields.map((p) => `${p.field}: ${p.message}`).join('; '), fields);
      }
      throw error;
    }
  }
}
