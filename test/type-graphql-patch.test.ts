import 'reflect-metadata';
import { graphql } from 'graphql';
import { Arg, buildSchema, createParameterDecorator, Ctx, Field, FieldResolver, InputType, InterfaceType, ObjectType, Query, Resolver, Root, UseMiddleware } from 'type-graphql';

/**
 * patches/type-graphql+2.0.0-rc.4.patch makes an argument with nothing to validate come back without a
 * promise (test/schema.test.ts holds the API's fields to that). type-graphql's own callers that chained on
 * the promise must still work: a custom parameter decorator that declares an argument is one.
 *
 * It also reads the parameters of resolvers without middlewares or validation through readers chosen
 * when the schema is built: they must hand over what getParams did (the root as an instance of its
 * declared type, input objects as instances of their input class), and a resolver with a middleware must
 * still run it.
 *
 * And an interface's resolveType that answers synchronously answers synchronously (graphql-jit, which runs
 * compiled queries, cannot wait for a promise there); one that answers with a promise still works.
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

@ObjectType({ description: 'A place.' })
class Place {
  @Field({ description: 'Its name.' })
  name!: string;

  describe(): string {
    return `a place called ${this.name}`;
  }
}

@InputType({ description: 'A range.' })
class Span {
  @Field({ description: 'Lower bound.' })
  min!: number;

  @Field({ description: 'Upper bound.' })
  max!: number;

  width(): number {
    return this.max - this.min;
  }
}

const calls: string[] = [];

@Resolver(() => Place)
class PlaceResolver {
  @Query(() => Place, { description: 'A place, as a plain object.' })
  place(): Place {
    return { name: 'Lille' } as Place;
  }

  @Query(() => Number, { description: 'The width of a span.' })
  width(@Arg('span', () => Span, { description: 'The span.' }) span: Span): number {
    return span.width();
  }

  @FieldResolver(() => String, { description: 'The place described by its own method.' })
  description(@Root() place: Place, @Ctx() context: { suffix: string }, @Arg('loud', { defaultValue: false, description: 'Shout.' }) loud: boolean): string {
    const text = `${place.describe()}${context.suffix}`;
    return loud ? text.toUpperCase() : text;
  }

  @FieldResolver(() => String, { description: 'The name, through a middleware.' })
  @UseMiddleware(async ({ root }, next) => {
    calls.push((root as Place).name);
    return next();
  })
  watched(@Root() place: Place): string {
    return place.name;
  }
}

it('hands resolvers their root as an instance of its type, input objects as instances, and still runs middlewares', async () => {
  const schema = await buildSchema({ resolvers: [PlaceResolver], validate: false });
  const result = await graphql({
    schema,
    source: '{ place { description quiet: description(loud: false) loud: description(loud: true) watched } width(span: { min: 2, max: 7 }) }',
    contextValue: { suffix: '!' },
  });
  expect(result).toEqual({
    data: { place: { description: 'a place called Lille!', quiet: 'a place called Lille!', loud: 'A PLACE CALLED LILLE!', watched: 'Lille' }, width: 5 },
  });
  expect(calls).toEqual(['Lille']);
});

@InterfaceType({ description: 'Something with a label.', resolveType: (value: { kind: string }) => (value.kind === 'class' ? Town : 'Village') })
abstract class Labelled {
  @Field({ description: 'Its label.' })
  label!: string;
}

@ObjectType({ implements: Labelled, description: 'A town.' })
class Town extends Labelled {}

@ObjectType({ implements: Labelled, description: 'A village.' })
class Village extends Labelled {}

@InterfaceType({ description: 'Something found later.', resolveType: async () => 'Hamlet' })
abstract class Later {
  @Field({ description: 'Its label.' })
  label!: string;
}

@ObjectType({ implements: Later, description: 'A hamlet.' })
class Hamlet extends Later {}

@Resolver()
class LabelledResolver {
  @Query(() => [Labelled], { description: 'Labelled things.' })
  labelled(): Array<{ kind: string; label: string }> {
    return [
      { kind: 'class', label: 'Tournai' },
      { kind: 'name', label: 'Estaimpuis' },
    ];
  }

  @Query(() => Later, { description: 'A thing found later.' })
  later(): { label: string } {
    return { label: 'Bléharies' };
  }
}

it('answers a synchronous resolveType synchronously, by class or by name, and still waits for an async one', async () => {
  const schema = await buildSchema({ resolvers: [LabelledResolver], orphanedTypes: [Town, Village, Hamlet], validate: false });
  const resolveType = (schema.getType('Labelled') as import('graphql').GraphQLInterfaceType).resolveType!;
  const info = {} as import('graphql').GraphQLResolveInfo;
  expect(resolveType({ kind: 'class' }, {}, info, schema.getType('Labelled') as never)).toBe('Town');
  expect(resolveType({ kind: 'name' }, {}, info, schema.getType('Labelled') as never)).toBe('Village');
  const result = await graphql({ schema, source: '{ labelled { __typename label } later { __typename label } }' });
  expect(result).toEqual({
    data: { labelled: [{ __typename: 'Town', label: 'Tournai' }, { __typename: 'Village', label: 'Estaimpuis' }], later: { __typename: 'Hamlet', label: 'Bléharies' } },
  });
});
