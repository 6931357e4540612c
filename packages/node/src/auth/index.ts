// Optional cluster authentication: keys and keyrings, the framing of datagrams and join lines, and
// the logging of what was refused. docs/protocol.md ("Authenticated framing") is the reference.
export {
  ClusterAuth,
  REJECT_REASONS,
  DEFAULT_WINDOW_MS,
  type Opened,
  type RejectReason,
} from "./cluster-auth.js";
export { LABEL_PATTERN, MAX_FRAME_OVERHEAD } from "./frame.js";
export { KEY_ENV, loadKeyring, type KeySources } from "./key-sources.js";
export { KEY_ADVICE, KeyProblem, decodeKey } from "./key-text.js";
export { Keyring } from "./keyring.js";
export { RejectionLog, type Rejection, type RejectionCounts, type RejectionLine } from "./rejection-log.js";
