/** The last lines a child printed: enough to explain a failed boot without keeping a chatty log forever. */
export class OutputTail {
  private readonly buffer: string[] = [];

  constructor(private readonly max = 200) {}

  push(line: string): void {
    this.buffer.push(line);
    if (this.buffer.length > this.max) this.buffer.splice(0, this.buffer.length - this.max);
  }

  lines(): string[] {
    return [...this.buffer];
  }

  text(last = 40): string {
    return this.buffer.slice(-last).join('\n');
  }
}
