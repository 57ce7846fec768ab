import type { ValidationError } from 'class-validator';

export interface FieldProblem {
  field: string;
  message: string;
}

/** A mutation input that failed validation; every problem is reported, each with its field. */
export class InputValidationError extends Error {
  constructor(readonly problems: FieldProblem[]) {
    super(problems.map((p) => `${p.field}: ${p.message}`).join('; '));
    this.name = 'InputValidationError';
  }

  static fromValidation(errors: ValidationError[]): InputValidationError {
    return new InputValidationError(flatten(errors, ''));
  }
}

function flatten(errors: ValidationError[], prefix: string): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}
