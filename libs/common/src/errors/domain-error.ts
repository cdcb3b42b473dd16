import { IntrinsicException } from '@nestjs/common';
import { ErrorCode } from './error-code.js';

export interface FieldProblem {
  /** Dotted path into the input, e.g. `input.slug`. */
  field: string;
  message: string;
}

/**
 * Base of every expected failure; mapped once to a GraphQL error by code (see graphql-error.ts).
 * Intrinsic, so Nest does not log the client's mistakes as server errors (our Apollo plugin logs them at debug).
 */
export abstract class DomainError extends IntrinsicException {
  abstract readonly code: ErrorCode;
  constructor(
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class Unauthenticated extends DomainError {
  readonly code = ErrorCode.UNAUTHENTICATED;
}

export class Forbidden extends DomainError {
  readonly code = ErrorCode.FORBIDDEN;
}

export class NotFound extends DomainError {
  readonly code = ErrorCode.NOT_FOUND;
  constructor(typeName: string, id: string) {
    super(`${typeName} ${id} was not found`, { type: typeName, id });
  }
}

export class BadUserInput extends DomainError {
  readonly code = ErrorCode.BAD_USER_INPUT;
  constructor(
    message: string,
    readonly fields: FieldProblem[] = [],
  ) {
    super(message, { fields });
  }

  static field(field: string, message: string): BadUserInput {
    return new BadUserInput(`${field}: ${message}`, [{ field, message }]);
  }
}

export class Conflict extends DomainError {
  readonly code = ErrorCode.CONFLICT;
}

export class InvalidStateTransition extends DomainError {
  readonly code = ErrorCode.INVALID_STATE_TRANSITION;
  constructor(entity: string, from: string, action: string) {
    super(`${entity} in state ${from} cannot ${action}`, { from, action });
  }
}
