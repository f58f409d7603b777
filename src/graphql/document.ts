import { type DocumentNode, type FragmentDefinitionNode, Kind, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';

/** A document's fragment definitions by name. */
export function fragmentsOf(document: DocumentNode): Map<string, FragmentDefinitionNode> {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  return fragments;
}

/**
 * An operation's fields with each fragment counted at every one of its spreads, as a walk of the
 * operation through its fragments meets them (the query limits' measures, the cost estimate, graphql-jit's
 * code). Each fragment is counted once and its count multiplied by its spreads, so that a small document
 * whose fragments each spread the next twice (31 of them: 2^31 fields from 1.3 KB) is measured at once,
 * where walking it would keep the server busy for hours.
 */
export function expandedFieldCount(document: DocumentNode, operation: OperationDefinitionNode): number {
  const fragments = fragmentsOf(document);
  const perFragment = new Map<string, number>();
  const counting = new Set<string>();
  const count = (selectionSet: SelectionSetNode | undefined): number => {
    let fields = 0;
    for (const selection of selectionSet?.selections ?? []) {
      if (selection.kind === Kind.FIELD) fields += 1 + count(selection.selectionSet);
      else if (selection.kind === Kind.INLINE_FRAGMENT) fields += count(selection.selectionSet);
      else fields += fragmentCount(selection.name.value);
    }
    return fields;
  };
  const fragmentCount = (name: string): number => {
    const known = perFragment.get(name);
    if (known !== undefined) return known;
    // Validation refuses fragment cycles and unknown fragments before any of this runs; a cycle or an
    // unknown name counts nothing here rather than looping.
    const fragment = fragments.get(name);
    if (!fragment || counting.has(name)) return 0;
    counting.add(name);
    const fields = count(fragment.selectionSet);
    counting.delete(name);
    perFragment.set(name, fields);
    return fields;
  };
  return count(operation.selectionSet);
}
