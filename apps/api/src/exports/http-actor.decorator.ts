import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Actor } from '../auth/actor';
import { AuthError } from '../auth/auth.errors';
import type { RapportRequest } from '../auth/request-context';

/** The caller of an HTTP route, as the global AuthGuard verified it (CurrentActor is GraphQL's). */
export const HttpActor = createParamDecorator((_: unknown, context: ExecutionContext): Actor => {
  const actor = context.switchToHttp().getRequest<RapportRequest>().actor;
  if (!actor) throw AuthError.unauthenticated();
  return actor;
});
