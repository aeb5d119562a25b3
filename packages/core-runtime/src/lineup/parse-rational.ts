import type { Rational } from "../ports/rational.js";

const RATIONAL = /^([1-9]\d{0,8})(?:\/([1-9]\d{0,8}))?$/;

/**
 * Parses a frame rate written "N/D" or "N" (positive integers, e.g. "30000/1001", "25").
 * Returns undefined for anything else (zero, negative, decimals, spaces).
 */
export function parseRational(text: string): Rational | undefined {
  const match = RATIONAL.exec(text);
  if (match === null) return undefined;
  return { numerator: Number(match[1]), denominator: match[2] === undefined ? 1 : Number(match[2]) };
}

/** Formats a rational as "N/D". */
export function formatRational(value: Rational): string {
  return `${value.numerator}/${value.denominator}`;
}
