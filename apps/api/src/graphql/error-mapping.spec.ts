import { QueryFailedError, QueryRunnerAlreadyReleasedError } from 'typeorm';
import { ErrorCode, formatGraphqlError, mapKnown } from './error-mapping';

describe('error mapping', () => {
  const cancelled = () => {
    const driverError = Object.assign(new Error('canceling statement due to statement timeout'), {
      code: '57014',
    });
    return new QueryFailedError('SELECT secret FROM somewhere', [], driverError);
  };

  it('turns a statement cancelled by the timeout into TIMEOUT without the SQL', () => {
    const formatted = formatGraphqlError({ message: 'x' }, cancelled());
    expect(formatted.extensions).toEqual({ code: ErrorCode.Timeout });
    expect(JSON.stringify(formatted)).not.toMatch(/secret|canceling/);
  });

  it('leaves other database errors unknown, so they are masked as internal', () => {
    const other = new QueryFailedError(
      'SELECT 1',
      [],
      Object.assign(new Error('boom'), { code: '23505' }),
    );
    expect(mapKnown(other)).toBeNull();
  });

  it.each([
    ['a terminated backend', Object.assign(new Error('terminating connection'), { code: '57P01' })],
    [
      'a refused connection',
      Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    ],
    ['a dropped socket', new Error('Connection terminated unexpectedly')],
  ])('turns %s into SERVICE_UNAVAILABLE', (_name, driverError) => {
    const error = new QueryFailedError('SELECT 1', [], driverError);
    expect(mapKnown(error)?.extensions).toEqual({ code: ErrorCode.Unavailable });
  });

  it('treats a query runner TypeORM released under us (its connection died) as unavailable', () => {
    expect(mapKnown(new QueryRunnerAlreadyReleasedError())?.extensions).toEqual({
      code: ErrorCode.Unavailable,
    });
  });
});
