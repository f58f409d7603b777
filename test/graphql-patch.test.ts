import { buildSchema, execute, parse } from 'graphql';

/**
 * patches/graphql+16.15.0.patch: a field without arguments gets one shared empty object, and arguments
 * given only as literal scalars or enum values are coerced once per field node of a parsed document and
 * shared. Variables, and object or list values, are still coerced on every execution.
 */
describe('argument values (patched graphql-js)', () => {
  const schema = buildSchema(`
    enum Lang { FR NL }
    input Range { min: Int, max: Int }
    type Query {
      greet(lang: Lang = FR): String
      span(range: Range): String
      seen: String
    }
  `);
  const received: Array<Record<string, unknown>> = [];
  const rootValue = {
    greet: (args: { lang: string }) => {
      received.push(args);
      return args.lang === 'NL' ? 'hallo' : 'bonjour';
    },
    span: (args: { range: { min: number; max: number } }) => {
      received.push(args);
      return `${args.range.min}-${args.range.max}`;
    },
    seen: (args: Record<string, unknown>) => {
      received.push(args);
      return 'yes';
    },
  };
  const run = (document: ReturnType<typeof parse>, variableValues?: Record<string, unknown>) =>
    execute({ schema, document, rootValue, variableValues }) as { data?: Record<string, unknown>; errors?: unknown };

  beforeEach(() => (received.length = 0));

  it('reads a variable afresh on every execution of the same document', () => {
    const document = parse('query ($lang: Lang) { greet(lang: $lang) }');
    expect(run(document, { lang: 'NL' }).data).toEqual({ greet: 'hallo' });
    expect(run(document, { lang: 'FR' }).data).toEqual({ greet: 'bonjour' });
    expect(run(document, {}).data).toEqual({ greet: 'bonjour' });
    expect(received.map((args) => args.lang)).toEqual(['NL', 'FR', 'FR']);
  });

  it('coerces literal arguments once per field node, frozen so that no resolver can change them for the next request', () => {
    const document = parse('{ nl: greet(lang: NL) fr: greet }');
    expect(run(document).data).toEqual({ nl: 'hallo', fr: 'bonjour' });
    expect(run(document).data).toEqual({ nl: 'hallo', fr: 'bonjour' });
    const [nl, fr, nlAgain, frAgain] = received;
    expect(nlAgain).toBe(nl);
    expect(frAgain).toBe(fr);
    expect(Object.isFrozen(nl)).toBe(true);
    expect(() => {
      'use strict';
      (nl as { lang: string }).lang = 'FR';
    }).toThrow(TypeError);
  });

  it('coerces object values on every execution, into objects of their own', () => {
    const document = parse('{ span(range: { min: 1, max: 2 }) }');
    expect(run(document).data).toEqual({ span: '1-2' });
    expect(run(document).data).toEqual({ span: '1-2' });
    expect(received[0]).not.toBe(received[1]);
    expect(Object.isFrozen(received[0])).toBe(false);
  });

  it('hands every field without arguments the same frozen empty object', () => {
    expect(run(parse('{ seen }')).data).toEqual({ seen: 'yes' });
    expect(run(parse('{ again: seen }')).data).toEqual({ again: 'yes' });
    expect(received[0]).toEqual({});
    expect(received[1]).toBe(received[0]);
    expect(Object.isFrozen(received[0])).toBe(true);
  });

  it('keeps the arguments of one field node apart for each field it meets (a fragment on an interface)', () => {
    // Two types answer the same field node, and their defaults differ: each must get its own.
    const shapes = buildSchema(`
      enum Lang { FR NL EN }
      interface Named { name(lang: Lang): String }
      type Town implements Named { name(lang: Lang = FR): String }
      type Stad implements Named { name(lang: Lang = NL): String }
      type Query { places: [Named] }
    `);
    const named = (typename: string) => ({ __typename: typename, name: (args: { lang: string }) => `${typename} in ${args.lang}` });
    const document = parse('{ places { ... on Named { name } } }');
    const answer = () => execute({ schema: shapes, document, rootValue: { places: [named('Town'), named('Stad'), named('Town')] } });
    const expected = { data: { places: [{ name: 'Town in FR' }, { name: 'Stad in NL' }, { name: 'Town in FR' }] } };
    expect(answer()).toEqual(expected);
    expect(answer()).toEqual(expected);
  });
});
