// A playground request body, checked field by field before anything is touched: the action is one
// the protocol knows, a node action names a node, an add names the member to join through and
// optionally a name and a port. Every refusal says what was wrong and what to send instead.
import { ACTION_KINDS, type ActionKind, type ActionRequest } from "@joinlab/report";

/** A request refused before anything was applied: its HTTP status and why. */
export class ActionError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** A node name, as scenarios allow it (the container's name on the network, the log prefix). */
export const NODE_NAME = /^[a-z][a-z0-9-]{0,30}$/;

const ADD_FIELDS = new Set(["action", "via", "name", "port"]);
const NODE_FIELDS = new Set(["action", "node"]);

export function parseActionRequest(body: Record<string, unknown>): ActionRequest {
  const action = body.action;
  if (typeof action !== "string" || !(ACTION_KINDS as readonly string[]).includes(action))
    throw new ActionError(
      400,
      `${action === undefined ? "no action given" : `unknown action ${JSON.stringify(action)}`}: send one of ${ACTION_KINDS.join(", ")}`,
    );
  const kind = action as ActionKind;
  rejectUnknownFields(body, kind);
  if (kind === "add") return parseAdd(body);
  return { action: kind, node: nodeField(body, "node", `the node to ${kind}`) };
}

function rejectUnknownFields(body: Record<string, unknown>, kind: ActionKind): void {
  const allowed = kind === "add" ? ADD_FIELDS : NODE_FIELDS;
  const unknown = Object.keys(body).filter((k) => !allowed.has(k));
  if (unknown.length)
    throw new ActionError(
      400,
      `unknown field(s) ${unknown.map((k) => JSON.stringify(k)).join(", ")} for ${kind}: it takes ${[...allowed].join(", ")}`,
    );
}

function parseAdd(body: Record<string, unknown>): ActionRequest {
  const via = nodeField(body, "via", "the member the new node joins through");
  const request: ActionRequest = { action: "add", via };
  if (body.name !== undefined) {
    if (typeof body.name !== "string" || !NODE_NAME.test(body.name))
      throw new ActionError(
        400,
        `name ${JSON.stringify(body.name)} is not a node name: a lower-case letter, then up to 30 letters, digits or dashes (node5)`,
      );
    request.name = body.name;
  }
  if (body.port !== undefined) {
    const port = body.port;
    if (typeof port !== "number" || !Number.isInteger(port) || port < 1 || port > 65535)
      throw new ActionError(
        400,
        `port ${JSON.stringify(port)} is not a TCP port: an integer from 1 to 65535`,
      );
    request.port = port;
  }
  return request;
}

function nodeField(body: Record<string, unknown>, field: string, what: string): string {
  const value = body[field];
  if (value === undefined) throw new ActionError(400, `missing ${field}: name ${what} (node2, say)`);
  if (typeof value !== "string" || !NODE_NAME.test(value))
    throw new ActionError(400, `${field} ${JSON.stringify(value)} is not a node name (node2, say)`);
  return value;
}
