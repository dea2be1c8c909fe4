import { describe, expect, it } from "vitest";
import { FormProblem } from "./formProblem.svelte";

describe("FormProblem", () => {
  it("says a problem, marks its field and focuses it", () => {
    const focused: string[] = [];
    const problem = new FormProblem<"url" | "include">((field) => ({ focus: () => focused.push(field) }) as unknown as HTMLElement);
    problem.show({ field: "include", message: "Too long." });
    expect(problem.message).toBe("Too long.");
    expect(problem.field).toBe("include");
    expect(focused).toEqual(["include"]);
  });

  it("clears both", () => {
    const problem = new FormProblem<string>(() => undefined);
    problem.show({ field: "url", message: "Not a feed." });
    problem.clear();
    expect(problem.message).toBeNull();
    expect(problem.field).toBeNull();
  });

  it("shows a problem whose field has no control without failing", () => {
    const problem = new FormProblem<string>(() => null);
    problem.show({ field: "url", message: "Not a feed." });
    expect(problem.field).toBe("url");
  });
});
