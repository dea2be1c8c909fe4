import { describe, expect, it } from "vitest";
import { factorName, reasonText } from "./reasons";

describe("factor names", () => {
  it("names every factor Rust sends in plain words", () => {
    expect(factorName("account_age")).toBe("Account age");
    expect(factorName("sentiment")).toBe("Tone");
    expect(factorName("urgency")).toBe("Urgency");
    expect(factorName("engagement")).toBe("Engagement");
    expect(factorName("customer")).toBe("Customer");
  });

  it("makes a factor it does not know yet readable", () => {
    expect(factorName("crm_tier")).toBe("Crm tier");
    expect(factorName("")).toBe("Other");
  });

  it("puts the factor in front of an intent, which names only itself", () => {
    expect(reasonText({ factor: "intent", label: "Complaint" })).toBe("Intent: Complaint");
    expect(reasonText({ factor: "urgency", label: "Urgent: outage (“down”)" })).toBe("Urgent: outage (“down”)");
    expect(reasonText({ factor: "followers", label: "Followers: 12.4k" })).toBe("Followers: 12.4k");
  });
});
