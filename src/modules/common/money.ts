import { Field, ObjectType } from 'type-graphql';

@ObjectType({ description: 'An exact amount of money. Never a float: the amount is a decimal string.' })
export class Money {
  @Field({ description: 'The amount as an exact decimal string, e.g. "1319699.36".' })
  amount!: string;

  @Field({ description: 'ISO 4217 currency code, e.g. "EUR".' })
  currency!: string;
}

export function money(amount: string | null | undefined, currency = 'EUR'): Money | null {
  return amount == null ? null : { amount: normaliseDecimal(amount), currency };
}

/**
 * "170000000.00" -> "170000000", "1319699.360" -> "1319699.36", "069" -> "69", "-0.0" -> "0": one spelling per
 * value. PostgreSQL's numeric columns never give leading zeros, but values kept as written (an outcome's
 * breakdown, in JSON) can hold them.
 */
export function normaliseDecimal(value: string): string {
  const trimmed = value.includes('.') ? value.replace(/0+$/, '').replace(/\.$/, '') : value;
  const unpadded = trimmed.replace(/^(-?)0+(?=\d)/, '$1');
  return unpadded === '-0' ? '0' : unpadded;
}
