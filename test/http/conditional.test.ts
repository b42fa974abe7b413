// Entity-tag lists of If-Match and If-None-Match (RFC 9110 §8.8.3, §13.1.1–2).
import t from 'tap'
import { ifMatchRevisions, noneMatchFails, parseEntityTags } from '../../src/http/conditional.js'

t.test('parseEntityTags: *, lists with weak and strong tags, empty elements; malformed lists are undefined', async (t) => {
  t.equal(parseEntityTags(' * '), '*')
  t.strictSame(parseEntityTags('"a", W/"b"'), [
    { weak: false, opaque: 'a' },
    { weak: true, opaque: 'b' },
  ])
  t.strictSame(parseEntityTags(' , ,"c" ,'), [{ weak: false, opaque: 'c' }], 'empty elements are skipped')
  t.strictSame(parseEntityTags('"x,y"'), [{ weak: false, opaque: 'x,y' }], 'a comma may sit inside the quotes')
  t.strictSame(parseEntityTags(''), [])
  for (const bad of ['abc', '"a" "b"', '"a', 'w/"a"', '*, "a"', '"a"b']) t.equal(parseEntityTags(bad), undefined, bad)
})

t.test('If-None-Match fails (304) for * and for any listed tag equal by weak comparison', async (t) => {
  t.ok(noneMatchFails('*', '"5"'))
  t.ok(noneMatchFails('"4", "5"', '"5"'))
  t.ok(noneMatchFails('W/"5"', '"5"'), 'weak comparison ignores W/')
  t.ok(noneMatchFails('"5"', 'W/"5"'))
  t.notOk(noneMatchFails('"4", "6"', '"5"'))
  t.notOk(noneMatchFails('"05"', '"5"'), 'tags are opaque')
  t.notOk(noneMatchFails('5', '"5"'), 'an invalid field is ignored')
})

t.test('If-Match names revisions by strong tags only; tags naming no revision are left out', async (t) => {
  t.strictSame(ifMatchRevisions('"3"'), [3n])
  t.strictSame(ifMatchRevisions('"3", "4"'), [3n, 4n])
  t.strictSame(ifMatchRevisions('W/"3"'), [], 'a weak tag never matches by strong comparison')
  t.strictSame(ifMatchRevisions('"03", "abc", ""'), [], 'not the ETag of any revision')
  t.equal(ifMatchRevisions('*'), '*')
  t.equal(ifMatchRevisions('seven'), undefined)
})
