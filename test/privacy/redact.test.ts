import { describe, expect, it } from "vitest";
import { redact, redactDeep, redactedExcerpt } from "../../src/privacy/redact.js";

const cases: [string, string, string][] = [
  // [kind, input, expected]
  ["A-number", "His A-number is A123456789.", "His A-number is [A-NUMBER]."],
  ["A-number", "file A-123-456-789 please", "file [A-NUMBER] please"],
  ["A-number", "A12345678 (8 digits)", "[A-NUMBER] (8 digits)"],
  ["A-number", "a 123 456 789 lowercase", "[A-NUMBER] lowercase"],
  ["A-number", "A# 123456789", "A# [A-NUMBER]"],
  ["A-number", "alien number: 123-456-789", "alien number: [A-NUMBER]"],
  ["A-number", "su número de extranjero es 098765432", "su número de extranjero es [A-NUMBER]"],
  ["SSN", "SSN 123-45-6789", "SSN [SSN]"],
  ["SSN", "social security number: 123 45 6789", "social security number: [SSN]"],
  ["SSN", "ssn is 123456789", "ssn is [SSN]"],
  ["SSN", "a bare 987654321 in text", "a bare [SSN] in text"],
  ["SSN", "seguro social 123-45-6789", "seguro social [SSN]"],
  ["DOB", "born 01/02/1990 in Queens", "born [DOB] in Queens"],
  ["DOB", "DOB: 1990-02-01", "DOB: [DOB]"],
  ["DOB", "date of birth is March 3, 1985", "date of birth is [DOB]"],
  ["DOB", "she was born on 3 March 1985", "she was born on [DOB]"],
  ["DOB", "nació el 3 de marzo de 1985", "nació el [DOB]"],
  ["DOB", "student, 1/2/90, in class", "student, [DOB], in class"],
  ["DOB", "d.o.b. 12.31.2001", "d.o.b. [DOB]"],
  ["phone", "call me at (212) 555-1234", "call me at [PHONE]"],
  ["phone", "cell 212-555-1234 or 212.555.1234", "cell [PHONE] or [PHONE]"],
  ["phone", "+1 646 555 0199 today", "[PHONE] today"],
  ["phone", "1-800-354-0365", "[PHONE]"],
  ["phone", "2125551234", "[PHONE]"],
  ["phone", "UK +44 20 7946 0958", "UK [PHONE]"],
  ["phone", "ext 555-1234", "ext [PHONE]"],
  ["email", "write maria.lopez+ice@schools.nyc.gov now", "write [EMAIL] now"],
  ["email", "J_Doe@example.org", "[EMAIL]"],
];

describe("redact", () => {
  it.each(cases)("%s: %s", (_kind, input, expected) => {
    expect(redact(input)).toBe(expected);
  });

  it("keeps what the answer needs: ISO as-of dates, years, form names, times, counts", () => {
    const text =
      "On 2026-11-22 at 9:30, two ICE officers showed an I-200 and an I-205 at P.S. 123; " +
      "the 2017 protocol says wait outside. Room 214, 3 agents, Local Law 228, 287(g).";
    expect(redact(text)).toBe(text);
  });

  it("is idempotent and leaves no digits of an identifier behind", () => {
    const text = "A-123-456-789, 123-45-6789, DOB 01/02/1990, (212) 555-1234, x@y.com";
    const once = redact(text);
    expect(redact(once)).toBe(once);
    expect(once).not.toMatch(/\d/);
  });

  it("redacts inside JSON values and cuts excerpts", () => {
    expect(redactDeep({ a: ["call 212-555-1234"], n: 3, ok: true })).toEqual({ a: ["call [PHONE]"], n: 3, ok: true });
    const excerpt = redactedExcerpt(`${"word ".repeat(200)} SSN 123-45-6789`, 100);
    expect(excerpt.length).toBeLessThanOrEqual(100);
    expect(excerpt.endsWith("…")).toBe(true);
    expect(redactedExcerpt("  SSN   123-45-6789 \n ok ")).toBe("SSN [SSN] ok");
  });
});
