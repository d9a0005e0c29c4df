import type { Json, JsonObject } from '../model/types';

/** Values whose JSON is longer than this are never shared (they are unlikely to repeat). */
const MAX_KEY_LENGTH = 1024;

/**
 * Hash-consing for what tasks repeat: the tasks of an array carry the same container URLs,
 * upload options, settings … each parsed into its own copy. Nested values of a spec are
 * replaced by one frozen instance per distinct value, so 100,000 tasks hold one copy of
 * each repeated part. The table is bounded: when full it starts over (sharing is an
 * optimisation, never a meaning).
 */
export class SharedValues {
  private readonly table = new Map<string, Json>();

  constructor(private readonly capacity = 20_000) {}

  /** A copy of `spec` whose property values are shared instances; the top level stays the task's own. */
  shareSpec(spec: JsonObject): JsonObject {
    const shared: JsonObject = {};
    for (const key of Object.keys(spec)) shared[key] = this.share(spec[key]).value;
    return shared;
  }

  private share(value: Json): { value: Json; key: string } {
    if (value === null || typeof value !== 'object') {
      const key = JSON.stringify(value);
      return typeof value === 'string' && value.length > 16 ? { value: this.lookup(key, value), key } : { value, key };
    }
    if (Array.isArray(value)) {
      const items = value.map((item) => this.share(item));
      const key = `[${items.map((item) => item.key).join(',')}]`;
      return { value: this.lookup(key, () => Object.freeze(items.map((item) => item.value)) as Json[]), key };
    }
    const names = Object.keys(value);
    const parts = names.map((name) => this.share(value[name]));
    const key = `{${names.map((name, i) => `${JSON.stringify(name)}:${parts[i].key}`).join(',')}}`;
    return {
      value: this.lookup(key, () => {
        const object: JsonObject = {};
        names.forEach((name, i) => (object[name] = parts[i].value));
        return Object.freeze(object);
      }),
      key,
    };
  }

  private lookup(key: string, make: Json | (() => Json)): Json {
    const build = (): Json => (typeof make === 'function' ? make() : make);
    if (key.length > MAX_KEY_LENGTH) return build();
    const known = this.table.get(key);
    if (known !== undefined) return known;
    if (this.table.size >= this.capacity) this.table.clear();
    const value = build();
    this.table.set(key, value);
    return value;
  }
}
