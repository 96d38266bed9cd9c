import type { Order } from '../domain/order.ts';

/**
 * Conditional requests (RFC 9110 §13). An order's entity tag is its version, so any status
 * change changes it; the tag is strong: equal tags mean identical bodies.
 */
export function etagOf(order: Pick<Order, 'version'>): string {
  return `"v${order.version}"`;
}

interface EntityTag {
  weak: boolean;
  opaque: string;
}

/** `*`, or a list of entity tags; undefined when the header is absent. */
export type TagList = '*' | EntityTag[];

const entityTag = /^\s*(W\/)?"([\x21\x23-\x7e]*)"\s*$/;

/** Parses If-Match / If-None-Match; throws on anything that is not `*` or a list of quoted tags. */
export function parseTagList(header: string): TagList {
  if (header.trim() === '*') return '*';
  return header.split(',').map((item) => {
    const match = entityTag.exec(item);
    if (!match)
      throw new Error(`"${item.trim()}" is not an entity tag; send one as the ETag header gave it, quotes included`);
    return { weak: Boolean(match[1]), opaque: match[2]! };
  });
}

/** If-None-Match on a read: weak comparison, so W/"v3" and "v3" both mean "I have version 3". */
export function noneMatch(tags: TagList, order: Order): boolean {
  if (tags === '*') return false;
  return !tags.some((tag) => `"${tag.opaque}"` === etagOf(order));
}

/**
 * If-Match on a change: the versions the caller accepts, for the domain's optimistic check.
 * Strong comparison, so a weak tag matches nothing; `*` (any current version) checks nothing.
 */
export function versionsIn(tags: TagList): number[] | undefined {
  if (tags === '*') return undefined;
  return tags.flatMap((tag) => {
    const version = /^v(\d{1,15})$/.exec(tag.opaque)?.[1];
    return !tag.weak && version ? [Number(version)] : [];
  });
}
