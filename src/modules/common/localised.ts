import { Arg, Field, ObjectType, registerEnumType } from 'type-graphql';

export enum Language {
  FR = 'fr',
  NL = 'nl',
  EN = 'en',
}
registerEnumType(Language, {
  name: 'Language',
  description: 'A language in which the knowledge base holds names and texts.',
  valuesConfig: {
    FR: { description: 'French' },
    NL: { description: 'Dutch' },
    EN: { description: 'English' },
  },
});

/** Text in up to three languages, stored as one JSON object (`{"fr": "...", "nl": "..."}`). */
export type LocalisedText = Partial<Record<Language, string>>;

export const LANGUAGES: readonly Language[] = [Language.FR, Language.NL, Language.EN];

/**
 * Where to look for a text asked in a language: English before French and Dutch for English readers,
 * and the other national language before English for French and Dutch readers, since cross-border
 * names are usually shared by the two. Used in code (`pickText`) and in SQL sort keys alike.
 */
export const LANGUAGE_FALLBACK: Readonly<Record<Language, readonly Language[]>> = {
  [Language.EN]: [Language.EN, Language.FR, Language.NL],
  [Language.FR]: [Language.FR, Language.NL, Language.EN],
  [Language.NL]: [Language.NL, Language.FR, Language.EN],
};

/** The text in the asked language, else in the first language that has it (`LANGUAGE_FALLBACK`). */
export function pickText(text: LocalisedText | null | undefined, lang: Language | null = Language.EN): string | null {
  if (!text) return null;
  for (const candidate of LANGUAGE_FALLBACK[lang ?? Language.EN]) {
    const value = text[candidate];
    if (value) return value;
  }
  return null;
}

/**
 * A text that the data always holds in at least one language (the seeds refuse a name, title or label
 * without one): the asked language's, else another's. Never null, so that clients can type it as a string;
 * a record without any text breaks that rule of the data, and fails here by name rather than as a null.
 */
export function requiredText(text: LocalisedText | null | undefined, lang: Language | null, owner: string, field: string): string {
  const picked = pickText(text, lang);
  // Plain strings, the message written only on failure: this runs for every name of every record of a page.
  if (picked === null) throw new Error(`${owner}'s ${field} has no text in any language`);
  return picked;
}

/**
 * The `lang` argument of a localised field, typed as DESIGN.md writes it (`lang: Language`): English when it
 * is left out, and also when it is sent as null (from a client's nullable variable), which a `Language!`
 * argument refused. Resolvers read a null as English (`lang ?? Language.EN`).
 */
export function LangArg(description = 'The language wanted; English when absent or null.') {
  return Arg('lang', () => Language, { nullable: true, defaultValue: Language.EN, description });
}

@ObjectType({ description: 'A text in one language.' })
export class LocalisedString {
  @Field(() => Language, { description: 'The language of the text.' })
  lang!: Language;

  @Field({ description: 'The text itself.' })
  text!: string;
}

/** Every language's text, in the order FR, NL, EN. */
export function allTexts(text: LocalisedText | null | undefined): LocalisedString[] {
  if (!text) return [];
  return LANGUAGES.filter((lang) => text[lang]).map((lang) => ({ lang, text: text[lang]! }));
}

/** One item of a multilingual list (an activity, an objective), readable in any language. */
@ObjectType({ description: 'An item of a multilingual list, such as one activity or one objective of a project.' })
export class LocalisedItem {
  constructor(private readonly texts_: LocalisedText) {}

  @Field(() => String, { description: 'The text in the asked language, else in another one.' })
  text(@LangArg() lang: Language | null): string {
    return requiredText(this.texts_, lang, 'a list item', 'text');
  }

  @Field(() => [LocalisedString], { description: 'The text in every language it exists in.' })
  texts(): LocalisedString[] {
    return allTexts(this.texts_);
  }
}
