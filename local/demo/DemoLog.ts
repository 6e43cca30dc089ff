/** A timestamped record of what happened in the demo, printed as it goes. */
export class DemoLog {
  private readonly started = Date.now();
  readonly lines: string[] = [];

  constructor(private readonly print: (line: string) => void = console.log) {}

  add(actor: string, text: string): void {
    const seconds = ((Date.now() - this.started) / 1000).toFixed(2).padStart(6);
    const line = `${seconds}s  ${actor.padEnd(14)} ${text}`;
    this.lines.push(line);
    this.print(line);
  }
}
