import { Field, ObjectType } from 'type-graphql';
import { Claim } from './claim.entity';

@ObjectType({ description: 'A figure computed from sourced figures, with its formula, its inputs and what it does not say.' })
export class DerivedFigure {
  @Field({ description: 'What is computed, as a stable key: "cost-per-" and the outcome’s indicator ("cost-per-trainees"), with "-as-of-" and the count’s date when the project counts that indicator more than once (and a number after it when two counts share a date).' })
  key!: string;

  @Field({ description: 'What is computed, in words.' })
  label!: string;

  @Field({ description: 'The result as an exact decimal, rounded to two places.' })
  value!: string;

  @Field({ description: 'The unit of the result ("EUR per person").' })
  unit!: string;

  @Field({ description: 'How it is computed, with the inputs named as in the API.' })
  formula!: string;

  @Field(() => [Claim], { description: 'The sourced claims the figure is computed from.' })
  inputs!: Claim[];

  @Field({ description: 'What a reader must know before quoting the figure.' })
  caveat!: string;
}

/** a / b for exact decimal strings, rounded half up to two decimal places. */
export function divideDecimals(numerator: string, denominator: string): string {
  const scale = (value: string) => {
    const [whole, fraction = ''] = value.split('.');
    return { digits: BigInt(whole + fraction), places: fraction.length };
  };
  const a = scale(numerator);
  const b = scale(denominator);
  if (b.digits === 0n) throw new Error('division by zero');
  // a/b * 100, with both brought to the same number of decimal places, then rounded half up.
  const places = Math.max(a.places, b.places);
  const left = a.digits * 10n ** BigInt(places - a.places) * 1000n;
  const right = b.digits * 10n ** BigInt(places - b.places);
  const thousandths = left / right;
  const hundredths = (thousandths + 5n) / 10n;
  const text = hundredths.toString().padStart(3, '0');
  return `${text.slice(0, -2)}.${text.slice(-2)}`;
}
