import { UsageError } from './cli-error.js';
import type { FlagValues } from './command.js';

/** A text flag that, when given, must say something: `--name " "` is a slip, not a name. */
export function nonBlankFlag(values: FlagValues, name: string, hint: string): string | undefined {
  const text = values[name] as string | undefined;
  if (text !== undefined && !text.trim()) throw new UsageError(`--${name} must not be blank; ${hint}`);
  return text;
}

/** `--enable` → true, `--disable` → false, neither → unchanged. */
export function enabledFlag(values: FlagValues): boolean | undefined {
  if (values.enable && values.disable) throw new UsageError('give --enable or --disable, not both');
  if (values.enable) return true;
  return values.disable ? false : undefined;
}

export function integerFlag(values: FlagValues, name: string, min: number, max: number): number | undefined {
  const text = values[name];
  if (typeof text !== 'string') return undefined;
  const number = Number(text);
  if (!/^\d+$/.test(text.trim()) || number < min || number > max) throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, not "${text}"`);
  return number;
}

export function choiceFlag(values: FlagValues, name: string, choices: readonly string[], normalize = (text: string) => text): string | undefined {
  const text = values[name];
  if (typeof text !== 'string') return undefined;
  const choice = choices.find((candidate) => candidate === normalize(text.trim()));
  if (!choice) throw new UsageError(`--${name} must be one of ${choices.join(', ')}, not "${text}"`);
  return choice;
}

/** An update that changes nothing is a slip: the user meant to give a flag. */
export function assertSomeChange(changes: Record<string, unknown>, flags: string): void {
  if (Object.values(changes).every((value) => value === undefined)) throw new UsageError(`nothing to change: give ${flags}`);
}
