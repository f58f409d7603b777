import { Field, ObjectType } from 'type-graphql';

@ObjectType({ description: 'An amount of money, written exactly as its source gives it. Never a float: the amount is a decimal string.' })
export class Money {
  @Field({ description: 'The amount as an exact decimal string, e.g. "1319699.36". Exactly what the source gives, which may be a rounded figure (see `approximate`).' })
  amount!: string;

  @Field({ description: 'ISO 4217 currency code, e.g. "EUR".' })
  currency!: string;

  @Field({
    description:
      'True when the source gives a rounded figure ("just over 248 million EUR"), or, for a sum, when any amount in it is one: quote it as "about".',
  })
  approximate!: boolean;
}

export function money(amount: string | null | undefined, currency = 'EUR', approximate = false): Money | null {
  return amount == null ? null : { amount: normaliseDecimal(amount), currency, approximate };
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
