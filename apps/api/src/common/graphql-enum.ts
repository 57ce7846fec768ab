import { registerEnumType } from '@nestjs/graphql';

/** Registers a domain string-literal list as a GraphQL enum whose values are the strings themselves. */
export function enumFromList<T extends string>(
  name: string,
  values: readonly T[],
  description?: string,
): Record<T, T> {
  const asEnum = Object.fromEntries(values.map((v) => [v, v])) as Record<T, T>;
  registerEnumType(asEnum, { name, description });
  return asEnum;
}
