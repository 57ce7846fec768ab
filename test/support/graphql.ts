import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { Actor } from '../../apps/api/src/auth/actor';
import { TokenService } from '../../apps/api/src/auth/token.service';

export interface GraphqlResult<T = Record<string, any>> {
  data?: T;
  errors?: { message: string; extensions?: Record<string, any>; path?: string[] }[];
}

/** Posts one GraphQL operation as the given bearer token (or none). */
export async function graphql<T = Record<string, any>>(
  app: INestApplication,
  token: string | null,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<GraphqlResult<T>> {
  const call = request(app.getHttpServer()).post('/graphql').send({ query, variables });
  if (token) void call.set('Authorization', `Bearer ${token}`);
  const response = await call;
  return response.body as GraphqlResult<T>;
}

export function tokenFor(app: INestApplication, actor: Actor): Promise<string> {
  return app.get(TokenService).sign(actor);
}

/** The data of a successful result; fails the test with the errors otherwise. */
export function ok<T>(result: GraphqlResult<T>): T {
  if (result.errors?.length)
    throw new Error(`GraphQL errors: ${JSON.stringify(result.errors, null, 2)}`);
  return result.data!;
}

export function errorCode(result: GraphqlResult): string | undefined {
  return result.errors?.[0]?.extensions?.code;
}
