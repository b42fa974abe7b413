// Elements built from data without innerHTML: every text from the API lands in a text node.

const SVG_NS = 'http://www.w3.org/2000/svg'

const fill = (element, attrs, children) => {
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue
    if (name.startsWith('on') && typeof value === 'function') element.addEventListener(name.slice(2), value)
    else element.setAttribute(name, value === true ? '' : String(value))
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue
    element.append(child instanceof Node ? child : document.createTextNode(String(child)))
  }
  return element
}

/** An HTML element: `h('a', { href: '#/' }, 'text', child)`. */
export const h = (tag, attrs, ...children) => fill(document.createElement(tag), attrs, children)

/** An SVG element, same call shape as `h`. */
export const s = (tag, attrs, ...children) => fill(document.createElementNS(SVG_NS, tag), attrs, children)
