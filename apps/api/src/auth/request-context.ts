import type { Request } from 'express';
import type { Actor } from './actor';

export interface RapportRequest extends Request {
  actor?: Actor;
  correlationId?: string;
  /** The GraphQL operation, once resolved (for the request's log line). */
  operationName?: string;
}

export function requestOf(graphqlContext: { req?: RapportRequest }): RapportRequest {
  if (!graphqlContext.req) throw new Error('GraphQL context has no request');
  return graphqlContext.req;
}
