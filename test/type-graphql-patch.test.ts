import 'reflect-metadata';
import { graphql } from 'graphql';
import { Arg, buildSchema, createParameterDecorator, Query, Resolver } from 'type-graphql';

/**
 * patches/type-graphql+2.0.0-rc.4.patch makes an argument with nothing to validate come back without a
 * promise (test/schema.test.ts holds the API's fields to that). type-graphql's own callers that chained on
 * the promise must still work: a custom parameter decorator that declares an argument is one.
 */
const Shouted = () =>
  createParameterDecorator(({ args }) => String(args.word).toUpperCase(), { arg: { name: 'word', typeFunc: () => String, options: { description: 'A word.' } } });

@Resolver()
class EchoResolver {
  @Query(() => String, { description: 'The word, shouted, then repeated.' })
  echo(@Shouted() shouted: string, @Arg('times', { description: 'How many times.' }) times: number): string {
    return Array.from({ length: times }, () => shouted).join(' ');
  }
}

it('resolves custom parameter decorators with an argument, and plain arguments, with validation off', async () => {
  const schema = await buildSchema({ resolvers: [EchoResolver], validate: false });
  const result = await graphql({ schema, source: '{ echo(word: "interreg", times: 2) }' });
  expect(result).toEqual({ data: { echo: 'INTERREG INTERREG' } });
});
