/** A first-in first-out queue with O(1) push and shift (an array with a moving head). */
export class Fifo<T> {
  private items: T[] = [];
  private head = 0;

  /** Appends `item`. */
  push(item: T): void {
    this.items.push(item);
  }

  /** Removes and returns the oldest item (undefined when empty). */
  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    this.head++;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  /** The oldest item, left in place (undefined when empty). */
  peekFirst(): T | undefined {
    return this.head < this.items.length ? this.items[this.head] : undefined;
  }

  /** Number of items. */
  get length(): number {
    return this.items.length - this.head;
  }
}
