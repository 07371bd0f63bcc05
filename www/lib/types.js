// Shared JSDoc types of the wallet app (no runtime code).

/**
 * @typedef {object} Account
 * @property {'ethereum' | 'solana'} chain
 * @property {string} address
 * @property {string} label
 * @property {'hd' | 'imported'} [source]
 * @property {string | null} [path]
 */

/**
 * @typedef {object} Warning
 * @property {'info' | 'warning' | 'danger'} severity
 * @property {string} code
 * @property {string} message
 */

/**
 * @typedef {object} PreviewField
 * @property {string} label
 * @property {string} value
 * @property {string} [format]
 */

/**
 * @typedef {object} Preview  the core's preview (docs/preview.md, docs/preview-solana.md)
 * @property {{id: string, name: string, testnet?: boolean}} [chain]
 * @property {string} [kind]
 * @property {string} [from]
 * @property {string} summary
 * @property {PreviewField[]} [fields]
 * @property {Array<{kind: string, summary: string, contract?: string, fields?: PreviewField[]}>} [actions]
 * @property {Warning[]} [warnings]
 * @property {Preview[]} [transactions]
 */

/**
 * @typedef {object} HeldRequest  one entry of `wallet_listRequests` (SITES_DESIGN.md)
 * @property {string} requestId
 * @property {string | null} origin  null for the wallet's own signing tool
 * @property {'connect' | 'sign' | 'switchChain'} consentKind
 * @property {{method: string, params?: unknown}} request
 * @property {Preview | null} preview  for `switchChain`: `{summary, from, to, warnings}` (docs/sites.md)
 * @property {number} [createdAt]
 * @property {number} [expiresAt]
 * @property {number} [recentRejects]  rejections of this origin in the last minute
 * @property {boolean} [offerBlock]  the user keeps rejecting this origin: offer to block it
 */

/**
 * @callback Decide
 * @param {string} requestId
 * @param {'approve' | 'reject'} decision
 * @param {{accounts?: string[]}} [options]
 * @returns {Promise<void>}
 */

/**
 * @typedef {object} App  what every view gets from app.js
 * @property {(method: string, params?: object | unknown[]) => Promise<any>} request  as the wallet's own UI (no origin)
 * @property {import('../vendor/custodian-web/dist/index.js').Custodian} custodian
 * @property {Decide} decide  the decision on a held request (standalone: the core directly; popup: the site host)
 * @property {'standalone' | 'popup'} mode
 * @property {(route: string, note?: {text: string, kind: 'info' | 'error' | 'success'}) => void} navigate  shows a view, then `note` in the status line
 * @property {(text: string, kind?: 'info' | 'error' | 'success') => void} say
 * @property {() => Promise<void>} refresh  re-reads the wallet's state and shows the matching view
 * @property {(render: (() => HTMLElement) | null) => void} pin  keeps a view up while unlocked (onboarding's phrase check), or releases it
 * @property {(running: boolean) => void} expectRestart  the next Worker restart is deliberate (backup import)
 * @property {() => void} updateRequestCount
 */

export {};
