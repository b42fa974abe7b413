// The public read API as the page calls it: same origin, `asOf` on every read, the reader token when one is needed.

const TOKEN_KEY = 'target-ledger.token'

/** The API answered 401: no token, or one it does not accept. */
export class AuthRequired extends Error {
  constructor(problem, hadToken) {
    super(problem?.detail ?? 'authentication required')
    this.problem = problem
    this.hadToken = hadToken
  }
}

/** Any other non-2xx answer, with its problem+json body when there is one. */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail ?? `HTTP ${status}`)
    this.status = status
    this.problem = problem
  }
}

export const token = () => sessionStorage.getItem(TOKEN_KEY)
export const setToken = (value) => sessionStorage.setItem(TOKEN_KEY, value)
export const clearToken = () => sessionStorage.removeItem(TOKEN_KEY)

const problemOf = async (response) => {
  try {
    return await response.json()
  } catch {
    return null
  }
}

/** GET `path` with the query `params` (undefined values left out); resolves to the JSON body. */
export const read = async (path, params = {}) => {
  const query = new URLSearchParams()
  for (const [name, value] of Object.entries(params)) if (value !== undefined && value !== null) query.set(name, value)
  const url = query.size > 0 ? `${path}?${query}` : path
  const bearer = token()
  const response = await fetch(url, {
    headers: { accept: 'application/json', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
    // The API sends ETags: revalidate each time (a 304 is cheap) rather than trust a heuristic cache.
    cache: 'no-cache',
  })
  if (response.status === 401) throw new AuthRequired(await problemOf(response), bearer !== null)
  if (!response.ok) throw new ApiError(response.status, await problemOf(response))
  return response.json()
}
