// The dashboard's shell: hash routes, the "as of" picker, the language toggle and the token prompt.
import { AuthRequired, clearToken, setToken, token } from './api.js'
import { h } from './dom.js'
import { currentLang, setLang, t } from './i18n.js'
import { chapterRankingView, rankingView } from './views/ranking.js'
import { targetView } from './views/target.js'
import { chapterView, zoneView } from './views/zone.js'

/** The report's period: the demo data and the targets cover 2023. */
const PERIOD = { start: '2023-01-01', end: '2023-12-31' }
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/
/** A `knownAt` in the address: Beijing wall-clock time to the minute, as the datetime-local input gives it. */
const LOCAL_MINUTE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/

const view = document.getElementById('view')
const picker = document.getElementById('as-of')
const knownPicker = document.getElementById('known-at')
const knownNow = document.getElementById('known-now')
const langButton = document.getElementById('lang')
const signOut = document.getElementById('sign-out')

/** Today in the report's time zone (the service reckons days in Beijing time too), clamped into the period. */
const defaultAsOf = () => {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date())
  return today < PERIOD.start ? PERIOD.start : today > PERIOD.end ? PERIOD.end : today
}

/**
 * `#/zones/qingdao-etdz?asOf=2023-06-30&knownAt=2023-07-15T12:00` → { path: '/zones/qingdao-etdz',
 * asOf: '2023-06-30', knownAt: '2023-07-15T12:00' }; knownAt is absent for "what is known now".
 */
const parseHash = () => {
  const [path, query = ''] = location.hash.replace(/^#/, '').split('?')
  const params = new URLSearchParams(query)
  const asOf = params.get('asOf')
  const knownAt = params.get('knownAt')
  return {
    path: path || '/',
    asOf: asOf !== null && ISO_DATE.test(asOf) ? asOf : defaultAsOf(),
    knownAt: knownAt !== null && LOCAL_MINUTE.test(knownAt) ? knownAt : undefined,
  }
}

/** Links keep the day and the replay instant looked at. */
const hrefFor = (asOf, knownAt) => (path) => `#${path}?asOf=${asOf}${knownAt ? `&knownAt=${knownAt}` : ''}`

/** The API's knownAt: the minute in Beijing time, with its offset. */
const knownAtInstant = (knownAt) => (knownAt ? `${knownAt}:00+08:00` : undefined)

const route = (path) => {
  const [, section, id] = path.split('/')
  if (section === 'zones' && id) return { key: 'zone', render: (ctx) => zoneView(ctx, decodeURIComponent(id)) }
  if (section === 'targets' && id) return { key: 'target', render: (ctx) => targetView(ctx, decodeURIComponent(id)) }
  if (section === 'chapters' && id) return { key: 'chapter', render: (ctx) => chapterView(ctx, decodeURIComponent(id)) }
  if (section === 'chapters') return { key: 'chapters', render: chapterRankingView }
  return { key: 'ranking', render: rankingView }
}

/** loading | ready | auth | error: the previous view stays on screen, dimmed, until the next one is read. */
const setState = (state) => {
  view.dataset.state = state
  view.setAttribute('aria-busy', String(state === 'loading'))
}

const renderChrome = () => {
  document.getElementById('brand').textContent = t('title')
  document.getElementById('as-of-label').textContent = t('asOf')
  document.getElementById('known-at-label').textContent = t('knownAt')
  knownNow.textContent = t('knownNow')
  langButton.textContent = t('otherLang')
  langButton.lang = currentLang() === 'zh' ? 'en' : 'zh-CN'
  signOut.textContent = t('signOut')
  signOut.hidden = token() === null
  const foot = document.getElementById('foot')
  foot.replaceChildren(h('a', { href: '/docs' }, `${t('api')}: /docs`))
}

const footPosition = (answer) => {
  if (answer?.position === undefined) return
  document.getElementById('foot').append(' · ', h('span', { class: 'position' }, `${t('position_at')} ${answer.position}`))
}

const tokenForm = (rejected) => {
  const input = h('input', { type: 'password', name: 'token', autocomplete: 'off', required: true, id: 'token-input' })
  const form = h('form', { class: 'card token', id: 'token-form' },
    h('h2', {}, t('tokenTitle')),
    h('p', {}, t('tokenHelp')),
    rejected ? h('p', { class: 'error' }, t('tokenRejected')) : null,
    h('label', {}, t('token'), ' ', input),
    ' ',
    h('button', { type: 'submit' }, t('useToken')))
  form.addEventListener('submit', (event) => {
    event.preventDefault()
    setToken(input.value.trim())
    render()
  })
  queueMicrotask(() => input.focus())
  return form
}

const errorCard = (error) =>
  h('section', { class: 'card error-card', role: 'alert' },
    h('h2', {}, error.status === 404 ? t('notFound') : t('error')),
    h('p', {}, error.problem?.title ?? '', error.problem?.detail ? ` — ${error.problem.detail}` : error.problem ? '' : String(error.message)),
    h('p', {}, h('a', { href: '#/' }, t('back'))))

let generation = 0
let firstRender = true

const render = async () => {
  const current = ++generation
  const { path, asOf, knownAt } = parseHash()
  const { key, render: renderView } = route(path)
  picker.value = asOf
  knownPicker.value = knownAt ?? ''
  knownNow.hidden = knownAt === undefined
  renderChrome()
  const replay = document.getElementById('replay')
  replay.hidden = knownAt === undefined
  replay.textContent = knownAt === undefined ? '' : `${t('replaying')}${knownAt.replace('T', ' ')}`
  view.dataset.route = key
  view.dataset.asOf = asOf
  view.dataset.knownAt = knownAt ?? ''
  setState('loading')
  try {
    const query = { asOf, knownAt: knownAtInstant(knownAt) }
    const { title, answer, node } = await renderView({ asOf, knownAt: query.knownAt, query, href: hrefFor(asOf, knownAt) })
    if (current !== generation) return
    view.replaceChildren(node)
    document.title = `${title} · ${t('title')}`
    footPosition(answer)
    setState('ready')
    if (firstRender) {
      firstRender = false
      performance.mark('dashboard-first-render')
    }
  } catch (error) {
    if (current !== generation) return
    if (error instanceof AuthRequired) {
      if (error.hadToken) clearToken()
      renderChrome()
      view.replaceChildren(tokenForm(error.hadToken))
      setState('auth')
      return
    }
    view.replaceChildren(errorCard(error))
    setState('error')
  }
}

picker.addEventListener('change', () => {
  if (!ISO_DATE.test(picker.value)) return
  const asOf = picker.value < PERIOD.start ? PERIOD.start : picker.value > PERIOD.end ? PERIOD.end : picker.value
  const { path, knownAt } = parseHash()
  location.hash = hrefFor(asOf, knownAt)(path)
})
knownPicker.addEventListener('change', () => {
  const { path, asOf } = parseHash()
  // Some browsers give seconds too: the address keeps the minute.
  const knownAt = knownPicker.value.slice(0, 16)
  location.hash = hrefFor(asOf, LOCAL_MINUTE.test(knownAt) ? knownAt : undefined)(path)
})
knownNow.addEventListener('click', () => {
  const { path, asOf } = parseHash()
  location.hash = hrefFor(asOf, undefined)(path)
})
langButton.addEventListener('click', () => {
  setLang(currentLang() === 'zh' ? 'en' : 'zh')
  render()
})
signOut.addEventListener('click', () => {
  clearToken()
  render()
})
window.addEventListener('hashchange', render)

setLang(currentLang())
render()
