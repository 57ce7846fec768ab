import { type Type } from '@nestjs/common';
import { Args, Mutation } from '@nestjs/graphql';
import { Ctx } from './command-context.decorator';

/** One GraphQL mutation of a table of steps: its input class and what the schema says of it. */
export interface MutationStep {
  input: Type<unknown>;
  description: string;
}

/**
 * Declares one mutation per entry of `steps` on a resolver class, each `(ctx, input)` handed to
 * the resolver's `run(name, ctx, input)`: a new step is an entry in a table, not a method. The
 * parameter types are recorded as TypeScript would, so the validation pipe checks each input.
 */
export function declareStepMutations(
  resolver: Type<unknown>,
  payload: () => Type<unknown>,
  steps: Readonly<Record<string, MutationStep>>,
  run: string,
): void {
  const prototype = resolver.prototype as Record<string, unknown>;
  for (const [name, step] of Object.entries(steps)) {
    if (name in prototype) throw new Error(`${resolver.name} already has a member ${name}`);
    Object.defineProperty(prototype, name, {
      configurable: true,
      writable: true,
      value: function (this: Record<string, (...args: unknown[]) => unknown>, ...args: unknown[]) {
        return this[run](name, ...args);
      },
    });
    Reflect.defineMetadata('design:paramtypes', [Object, step.input], prototype, name);
    Reflect.defineMetadata('design:returntype', Promise, prototype, name);
    Ctx()(prototype, name, 0);
    Args('input', { type: () => step.input })(prototype, name, 1);
    Mutation(payload, { name, description: step.description })(
      prototype,
      name,
      Object.getOwnPropertyDescriptor(prototype, name)!,
    );
  }
}
