// Test helper: a member record with every field filled in, the given ones changed.
import type { MemberRecord } from "../../src/membership/types.js";

export const memberRecord = (over: Partial<MemberRecord> = {}): MemberRecord => ({
  id: 1,
  addr: "10.0.0.1",
  port: 8001,
  role: "member",
  state: "alive",
  inc: 0,
  epoch: 0,
  gen: 1,
  ...over,
});
