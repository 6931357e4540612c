export * from "./messages.js";
export * from "./log-events.js";
