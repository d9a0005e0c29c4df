import type { Json, JsonObject } from '../model/types';

/** Strings shorter than this are not worth a table entry (JSON.parse already shares the shortest). */
const MIN_SHARED_STRING = 8;
/** Flat objects whose JSON is longer than this are unlikely to repeat and are not looked up. */
const MAX_OBJECT_KEY = 256;

/**
 * What tasks repeat, held once: the tasks of an array carry the same container URLs, upload
 * options, settings … each parsed into its own copy. Long strings and flat objects (only
 * primitive values, such as `uploadOptions` or an environment setting) of a task's spec are
 * replaced by one frozen instance per distinct value; other objects and arrays are rebuilt
 * around the shared parts. The tables are bounded: when one is full it starts over (sharing
 * saves memory, it never changes a value).
 */
export class SharedValues {
  private readonly strings = new Map<string, string>();
  private readonly objects = new Map<string, JsonObject>();

  constructor(private readonly capacity = 20_000) {}

  /** A copy of `spec` whose parts are shared instances; the top level stays the task's own. */
  shareSpec(spec: JsonObject): JsonObject {
    const shared: JsonObject = {};
    for (const key of Object.keys(spec)) shared[key] = this.share(spec[key]);
    return shared;
  }

  private share(value: Json): Json {
    if (typeof value === 'string') return value.length >= MIN_SHARED_STRING ? this.shareString(value) : value;
    if (value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) return value.map((item) => this.share(item));
    const names = Object.keys(value);
    const copy: JsonObject = {};
    let flat = true;
    for (const name of names) {
      const item = this.share(value[name]);
      if (item !== null && typeof item === 'object') flat = false;
      copy[name] = item;
    }
    return flat ? this.shareFlatObject(copy) : copy;
  }

  private shareString(text: string): string {
    const known = this.strings.get(text);
    if (known !== undefined) return known;
    if (this.strings.size >= this.capacity) this.strings.clear();
    this.strings.set(text, text);
    return text;
  }

  private shareFlatObject(object: JsonObject): JsonObject {
    const key = JSON.stringify(object);
    if (key.length > MAX_OBJECT_KEY) return object;
    const known = this.objects.get(key);
    if (known !== undefined) return known;
    if (this.objects.size >= this.capacity) this.objects.clear();
    Object.freeze(object);
    this.objects.set(key, object);
    return object;
  }
}
