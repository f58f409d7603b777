import 'reflect-metadata';
import { checkSearchText, splitExclusions } from '../src/graphql/filters';

/**
 * How a search text is split into the words looked for and those excluded, read as PostgreSQL's
 * websearch_to_tsquery reads its "-" (each case checked against `select websearch_to_tsquery('simple', '...')`),
 * but for three readings on purpose: a typographic dash before a word, which PostgreSQL reads as a space, is
 * read as a typed "-"; "--b", which PostgreSQL reads as not not b, excludes b; and beside an exclusion, an
 * "or" with nothing on one side goes, a leading one too, which PostgreSQL reads as the word "or".
 */
describe('a search text with exclusions', () => {
  it.each([
    // No exclusion: the words and phrases, one space apart, whatever stood between them.
    ['emploi transfrontalier', 'emploi transfrontalier', ''],
    ['or', 'or', ''],
    ['a or or b', 'a or or b', ''],
    ['Nord-Pas-de-Calais', 'Nord-Pas-de-Calais', ''],
    ['"x -y" z', '"x -y" z', ''],
    ['a--b', 'a--b', ''],
    ['a:-b', 'a:-b', ''],
    ['x — y', 'x y', ''],
    ['a (b) & c | !d', 'a b c d', ''],
    // A dash with nothing after it excludes nothing: PostgreSQL reads "a -" as "a". Dashes are left out, as
    // PostgreSQL reads each as an operator and ends the statement past 32 of them ("tsquery stack too small").
    ['a -', 'a', ''],
    ['a ' + '- '.repeat(33), 'a', ''],
    ['soudage ' + '-'.repeat(40), 'soudage', ''],
    // A no-break space is not a space to PostgreSQL: "1 000 000" stays one phrase.
    ['budget 1\u00a0000\u00a0000', 'budget 1\u00a0000\u00a0000', ''],
    // A thin space is a space (in a database with a locale): what follows it may be an exclusion.
    ['soudage\u2009-formations', 'soudage', 'formations'],
    ['emploi' + '\u2009-'.repeat(40), 'emploi', ''],
    // An apostrophe becomes a space in the database, where "l or" read "l" OR the rest: a phrase instead.
    ["l'or noir", '"l\'or" noir', ''],
    ['Côte d’Or -qu’or', 'Côte "d’Or"', '"qu’or"'],
    ['"l\'or noir" x', '"l\'or noir" x', ''],
    ['forem ' + '-('.repeat(35), 'forem', ''],
    // A "-" where a word may start: the word or phrase after it.
    ['soudage -formations', 'soudage', 'formations'],
    ['a - b', 'a', 'b'],
    ['(-b) a', 'a', 'b'],
    ['a &-b', 'a', 'b'],
    ['-a-b c', 'c', 'a-b'],
    ['x -"foo bar" y', 'x y', '"foo bar"'],
    ['x -"unterminated phrase', 'x', '"unterminated phrase'],
    ['a --b', 'a', 'b'],
    // A typographic dash typed for "-", directly before a word; spaced, it separates.
    ['soudage –formation', 'soudage', 'formation'],
    ['soudage —formation', 'soudage', 'formation'],
    ['soudage −formation', 'soudage', 'formation'],
    // Several, and "or" left with nothing on one side.
    ['a -b -"c d"', 'a', 'b or "c d"'],
    ['emploi or -formation', 'emploi', 'formation'],
    ['emploi or -formation or soudage', 'emploi or soudage', 'formation'],
    ['or emploi -x', 'emploi', 'x'],
    ['-b', '', 'b'],
    ['- qqq', '', 'qqq'],
    ['(-qqq)', '', 'qqq'],
  ])('%j looks for %j without %j', (text, wanted, excluded) => {
    expect(splitExclusions(text)).toEqual({ wanted, excluded });
  });

  it.each(['-qqq', '- qqq', '(-qqq)', '-a -b', 'or -b', '–formation'])('refuses %j, which only excludes', (text) => {
    expect(() => checkSearchText(text, 'query')).toThrow(/only excludes/);
  });

  it.each(['', '   ', '-', '- - -', '!!!', '(&|)', '"', '– —'])('refuses %j, which has no word', (text) => {
    expect(() => checkSearchText(text, 'query')).toThrow(/at least one word/);
  });

  it('refuses a text over 200 characters, naming the argument', () => {
    expect(checkSearchText('a'.repeat(200), 'filter.text').wanted).toBe('a'.repeat(200));
    expect(() => checkSearchText('a '.repeat(101), 'filter.text')).toThrow('"filter.text" must be at most 200 characters; got 201.');
  });
});
