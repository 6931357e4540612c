// The protocol package's public surface: wire types, framing, parsing, validation, log schema.
export * from "./messages.js";
export * from "./log-events.js";
export * from "./log-fields.js";
export * from "./decode-log-line.js";
export * from "./line-codec.js";
export * from "./parse-line.js";
export * from "./validate.js";
export * from "./envelope.js";
