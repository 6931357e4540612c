// Public surface of the membership engine: what the node program imports.
export { Membership, type MembershipOptions, type Sender } from "./membership.js";
export { DEFAULT_MEMBERSHIP_CONFIG, type MembershipConfig } from "./config.js";
export { currentMaster, electionWinner } from "./master-election.js";
export { parseDatagram, parseRecords } from "./wire-validate.js";
export type { MembershipMessage } from "./wire.js";
export type * from "./types.js";
export { UdpTransport } from "./udp-transport.js";
export { EarlyAcker } from "./early-acker.js";
export { MembershipRunner, type MembershipRunnerOptions } from "./membership-runner.js";
export { KNOBS, configProblem, type Knob } from "./config-check.js";
