import type { ConfigProblem } from "./config-error.js";
import { OPTION_SPECS, optionLabel, type OptionKey, type OptionSpec } from "./config-options.js";

/** A setting as the user typed it, before validation. */
export interface RawOption {
  readonly spec: OptionSpec;
  /** Text of a value option, or `true`/`false` for a bare `--flag` / `--no-flag`. */
  readonly value: string | boolean;
  readonly source: "flag" | "env";
}

/** Result of reading argv and env: the settings found, and the problems met on the way. */
export interface RawOptions {
  readonly values: ReadonlyMap<OptionKey, RawOption>;
  readonly problems: readonly ConfigProblem[];
  /** `--help` was given. */
  readonly help: boolean;
}

const byFlag = new Map(OPTION_SPECS.map((spec) => [spec.flag, spec]));

/**
 * Reads `--name value`, `--name=value`, `--flag` and `--no-flag` from `argv` (without the
 * node and script entries) and each option's variable from `env`. A flag beats its
 * variable; an empty variable counts as unset. Unknown flags, positional arguments,
 * missing values and repeated flags are problems; nothing throws.
 */
export function readRawOptions(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): RawOptions {
  const values = new Map<OptionKey, RawOption>();
  const problems: ConfigProblem[] = [];
  let help = false;

  for (const spec of OPTION_SPECS) {
    const text = env[spec.env];
    if (text !== undefined && text.trim() !== "") values.set(spec.key, { spec, value: text.trim(), source: "env" });
  }

  const seen = new Set<OptionKey>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    // `pnpm start -- --port 8001` passes the "--" separator through: it separates nothing here.
    if (arg === "--") continue;
    if (arg === "--help" || arg === "-h") {
      help = true;
      continue;
    }
    if (!arg.startsWith("--")) {
      problems.push({ option: arg, message: "unexpected argument (options are --name value)" });
      continue;
    }
    const eq = arg.indexOf("=");
    const name = (eq === -1 ? arg : arg.slice(0, eq)) as `--${string}`;
    const inline = eq === -1 ? undefined : arg.slice(eq + 1);
    const negated = name.startsWith("--no-") ? byFlag.get(`--${name.slice(5)}`) : undefined;
    const spec = byFlag.get(name) ?? (negated?.kind === "boolean" ? negated : undefined);
    if (spec === undefined) {
      problems.push({ option: name, message: "unknown option" });
      continue;
    }
    const repeated = seen.has(spec.key);
    seen.add(spec.key);
    if (repeated) {
      problems.push({ option: optionLabel(spec), message: "given more than once" });
      // Skip its value too, so it is not reported again as a stray argument.
      if (spec.kind === "value" && inline === undefined && !(argv[i + 1] ?? "--").startsWith("--")) i++;
      continue;
    }
    if (spec.kind === "boolean") {
      if (spec === negated && inline !== undefined) {
        problems.push({ option: name, message: "takes no value" });
        continue;
      }
      values.set(spec.key, { spec, value: inline ?? spec !== negated, source: "flag" });
      continue;
    }
    let text = inline;
    if (text === undefined) {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith("--")) {
        problems.push({ option: optionLabel(spec), message: "needs a value" });
        continue;
      }
      text = next;
      i++;
    }
    values.set(spec.key, { spec, value: text, source: "flag" });
  }
  return { values, problems, help };
}
