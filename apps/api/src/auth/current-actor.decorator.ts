import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { Actor } from './actor';
import { AuthError } from './auth.errors';
import { requestOf } from './request-context';

export const CurrentActor = createParamDecorator((_: unknown, context: ExecutionContext): Actor => {
  const actor = requestOf(GqlExecutionContext.create(context).getContext()).actor;
  if (!actor) throw AuthError.unauthenticated();
  return actor;
});
