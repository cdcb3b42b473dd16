import { ArgumentMetadata, Injectable, ValidationPipe, type ValidationError } from '@nestjs/common';
import { BadUserInput, type FieldProblem } from '@app/common';

function problems(errors: ValidationError[], prefix: string): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...problems(error.children ?? [], field)];
  });
}

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
