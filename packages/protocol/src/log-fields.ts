// The small field language the log-event table (log-events.ts) is written in: each field is a JSON
// type or a closed set of values, required or optional. The TypeScript types of the log lines and
// the orchestrator's decoder both come from that one table, so they cannot drift apart.
import type { NodeInfo } from "./messages.js";

export type FieldKind = "string" | "number" | "boolean" | "node-info" | readonly (string | boolean)[];

export interface OptionalField<K extends FieldKind = FieldKind> {
  readonly optional: K;
}

export type FieldSpec = FieldKind | OptionalField;

export type FieldTable = Readonly<Record<string, FieldSpec>>;

/** A field a line may leave out. */
export function optional<const K extends FieldKind>(kind: K): OptionalField<K> {
  return { optional: kind };
}

/** A field whose value is one of `values`. */
export function oneOf<const V extends readonly (string | boolean)[]>(...values: V): V {
  return values;
}

type ValueOf<K> = K extends "string"
  ? string
  : K extends "number"
    ? number
    : K extends "boolean"
      ? boolean
      : K extends "node-info"
        ? NodeInfo
        : K extends readonly (infer V)[]
          ? V
          : never;

type RequiredKeys<T> = { [K in keyof T]: T[K] extends OptionalField ? never : K }[keyof T];

/** Flattens an intersection into one object type (readable in editors and errors). */
export type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** The object type a field table describes. */
export type FieldsOf<T extends FieldTable> = Simplify<
  { -readonly [K in RequiredKeys<T>]: ValueOf<T[K]> } & {
    -readonly [K in Exclude<keyof T, RequiredKeys<T>>]?: T[K] extends OptionalField<infer I>
      ? ValueOf<I>
      : never;
  }
>;

/** Whether `value` (a parsed JSON object's field, undefined when absent) fits `spec`. */
export function fieldFits(spec: FieldSpec, value: unknown): boolean {
  if (typeof spec === "object" && "optional" in spec)
    return value === undefined || kindFits(spec.optional, value);
  return kindFits(spec, value);
}

function kindFits(kind: FieldKind, value: unknown): boolean {
  if (typeof kind !== "string") return kind.includes(value as string | boolean);
  switch (kind) {
    case "string":
      return typeof value === "string";
    case "number":
      return typeof value === "number" && Number.isFinite(value);
    case "boolean":
      return typeof value === "boolean";
    case "node-info":
      return isNodeInfo(value);
  }
}

function isNodeInfo(value: unknown): value is NodeInfo {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.nodeId === "number" && typeof v.nodeIpAddr === "string" && typeof v.Port === "string";
}

/** The spec's values, for documentation and error text: "string", "number", "a | b". */
export function describeField(spec: FieldSpec): string {
  const kind = typeof spec === "object" && "optional" in spec ? spec.optional : spec;
  const text = typeof kind === "string" ? kind : kind.map((v) => JSON.stringify(v)).join(" | ");
  return typeof spec === "object" && "optional" in spec ? `${text} (optional)` : text;
}
