// Splits a byte stream into lines, holding a partial line until its end arrives (or the stream ends).
import { StringDecoder } from "node:string_decoder";

export class LineSplitter {
  private readonly decoder = new StringDecoder("utf8");
  private pending = "";

  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: Buffer | string): void {
    const text = typeof chunk === "string" ? chunk : this.decoder.write(chunk);
    if (text.length === 0) return;
    const parts = (this.pending + text).split("\n");
    this.pending = parts.pop() ?? "";
    for (const part of parts) this.emit(part);
  }

  /** The stream ended: a last line without "\n" is still a line. */
  end(): void {
    const rest = this.pending + this.decoder.end();
    this.pending = "";
    if (rest.length > 0) this.emit(rest);
  }

  private emit(line: string): void {
    const clean = line.endsWith("\r") ? line.slice(0, -1) : line;
    if (clean.length > 0) this.onLine(clean);
  }
}
