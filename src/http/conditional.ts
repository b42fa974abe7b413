// Conditional requests (RFC 9110 §13.1): the entity-tag lists of If-Match and If-None-Match, and how
// each compares with a representation's ETag.

export interface EntityTag {
  weak: boolean
  /** Between the quotes. */
  opaque: string
}

/** `*`, or the tags listed (possibly none); undefined when the field is not a valid list. */
export type EntityTags = '*' | EntityTag[]

/** One list element: `[W/]"<etagc>*"` between optional whitespace, then a comma or the end; or an empty element. */
const listElement = /[\t ]*(?:(W\/)?"([\x21\x23-\x7e\x80-\xff]*)")?[\t ]*(?:,|$)/y

/** `#entity-tag` (RFC 9110 §8.8.3, §5.6.1), or `*`. */
export const parseEntityTags = (field: string): EntityTags | undefined => {
  if (/^[\t ]*\*[\t ]*$/.test(field)) return '*'
  const tags: EntityTag[] = []
  listElement.lastIndex = 0
  while (listElement.lastIndex < field.length) {
    const at = listElement.lastIndex
    const match = listElement.exec(field)
    if (match === null || listElement.lastIndex === at) return undefined
    if (match[2] !== undefined) tags.push({ weak: match[1] !== undefined, opaque: match[2] })
  }
  return tags
}

/**
 * If-None-Match on a GET (RFC 9110 §13.1.2): true when the condition fails, that is when the field is
 * `*` or lists a tag that matches `etag` by weak comparison; the answer is then a 304. A field that
 * is not a valid list is ignored (false), as is an ETag that is not one.
 */
export const noneMatchFails = (field: string, etag: string): boolean => {
  const tags = parseEntityTags(field)
  const own = parseEntityTags(etag)
  if (tags === undefined || own === undefined || own === '*' || own.length !== 1) return false
  return tags === '*' || tags.some((tag) => tag.opaque === own[0]!.opaque)
}

/**
 * If-Match on a write, as the ledger takes it: `*` (the target must exist), or the revisions named
 * by its strong tags (`"3"`). A tag naming no revision (weak, `"024"`, `"abc"`) matches no ETag of
 * ours by strong comparison and is left out, so a list of only such tags fails (412), as RFC 9110
 * §13.1.1 has it. undefined when the field is not a valid list.
 */
export const ifMatchRevisions = (field: string): '*' | bigint[] | undefined => {
  const tags = parseEntityTags(field)
  if (tags === undefined || tags === '*') return tags
  return tags.flatMap((tag) => (!tag.weak && /^(?:0|[1-9]\d{0,18})$/.test(tag.opaque) ? [BigInt(tag.opaque)] : []))
}
