import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import { randomUUID } from 'node:crypto';
import { AuthError } from '../auth/auth.errors';
import { requestOf } from '../auth/request-context';
import type { CommandContext } from '../write/command-context';

/** The caller, the request's correlation id and the time, for a command service. */
export const Ctx = createParamDecorator(
  (_: unknown, context: ExecutionContext): Omit<CommandContext, 'clientMutationId'> => {
    const request = requestOf(GqlExecutionContext.create(context).getContext());
    if (!request.actor) throw AuthError.unauthenticated();
    return {
      actor: request.actor,
      correlationId: request.correlationId ?? randomUUID(),
      now: new Date(),
    };
  },
);

export type RequestContext = Omit<CommandContext, 'clientMutationId'>;

/** Adds the retry key of a mutation input to the request context. */
export function commandContext(
  request: RequestContext,
  input: { clientMutationId?: string },
): CommandContext {
  return { ...request, clientMutationId: input.clientMutationId };
}
