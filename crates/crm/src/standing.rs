//! How much a customer counts for the priority score: a standing from 0 to 1, and a label that says why.

use earshot_core::CustomerStanding;

use crate::contact::ContactFields;

/// Words in a tier's name and the standing they give. The first that appears in the tier wins, so more
/// specific words come first.
const TIERS: [(&str, f64); 16] = [
    ("enterprise", 1.0),
    ("platinum", 1.0),
    ("vip", 1.0),
    ("strategic", 1.0),
    ("premium", 0.8),
    ("gold", 0.8),
    ("business", 0.75),
    ("pro", 0.7),
    ("team", 0.65),
    ("plus", 0.6),
    ("silver", 0.6),
    ("standard", 0.5),
    ("starter", 0.45),
    ("basic", 0.45),
    ("trial", 0.25),
    ("free", 0.2),
];

/// Lifecycle stages that mean the person has not bought anything yet.
const NOT_YET: [&str; 6] = [
    "subscriber",
    "lead",
    "marketingqualifiedlead",
    "salesqualifiedlead",
    "opportunity",
    "other",
];

/// Lifetime value at which the value alone gives full standing.
pub const FULL_VALUE: f64 = 100_000.0;

/// The customer's standing, or `None` when the record says they are not a customer at all (a lead with no
/// tier and no spend).
pub fn standing(f: &ContactFields) -> Option<CustomerStanding> {
    let tier_score = f.tier.as_deref().map(|t| {
        let lower = t.to_lowercase();
        TIERS
            .iter()
            .find(|(word, _)| lower.contains(word))
            .map_or(0.5, |(_, s)| *s)
    });
    // log10 scale: 100 → 0.4, 1,000 → 0.6, 10,000 → 0.8, 100,000 → 1.
    let value_score = f
        .lifetime_value
        .filter(|v| *v >= 1.0)
        .map(|v| (v.log10() / FULL_VALUE.log10()).clamp(0.0, 1.0));
    let lifecycle = f
        .lifecycle
        .as_deref()
        .map(|l| l.replace([' ', '_', '-'], "").to_lowercase());
    let prospect = lifecycle.as_deref().is_some_and(|l| NOT_YET.contains(&l));
    let score = match (tier_score, value_score) {
        (Some(t), Some(v)) => t.max(v),
        (Some(t), None) => t,
        (None, Some(v)) => v,
        (None, None)
            if lifecycle
                .as_deref()
                .is_some_and(|l| l == "customer" || l == "evangelist") =>
        {
            0.5
        }
        (None, None) => return None,
    };
    let mut parts = vec![if prospect {
        "Prospect".to_owned()
    } else {
        "Customer".to_owned()
    }];
    if let Some(t) = &f.tier {
        parts.push(format!("{t} plan"));
    }
    if let Some(v) = f.lifetime_value.filter(|v| *v >= 1.0) {
        parts.push(format!("{} lifetime", money(v)));
    }
    Some(CustomerStanding {
        label: parts.join(", "),
        standing: if prospect { score.min(0.3) } else { score },
    })
}

/// 12400.5 → "12,401"; whole units are enough for a ranking label.
pub fn money(v: f64) -> String {
    let whole = v.round() as u64;
    let digits = whole.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(tier: Option<&str>, ltv: Option<f64>, lifecycle: Option<&str>) -> ContactFields {
        ContactFields {
            tier: tier.map(String::from),
            lifetime_value: ltv,
            lifecycle: lifecycle.map(String::from),
            ..Default::default()
        }
    }

    #[test]
    fn tier_and_value_both_count_and_the_higher_wins() {
        let s = standing(&fields(Some("Enterprise"), Some(12_400.0), Some("customer"))).unwrap();
        assert_eq!(s.standing, 1.0);
        assert_eq!(s.label, "Customer, Enterprise plan, 12,400 lifetime");
        let pro = standing(&fields(Some("Pro (annual)"), None, None)).unwrap();
        assert_eq!(pro.standing, 0.7);
        let spend = standing(&fields(None, Some(1_000.0), None)).unwrap();
        assert!((spend.standing - 0.6).abs() < 1e-9);
        assert!(standing(&fields(Some("Free"), None, None)).unwrap().standing < pro.standing);
    }

    #[test]
    fn a_lead_is_a_prospect_and_counts_little_and_nothing_known_is_no_customer() {
        let lead = standing(&fields(Some("Enterprise"), None, Some("lead"))).unwrap();
        assert_eq!(lead.label, "Prospect, Enterprise plan");
        assert_eq!(lead.standing, 0.3);
        assert_eq!(standing(&fields(None, None, Some("lead"))), None);
        assert_eq!(standing(&fields(None, None, None)), None);
        assert_eq!(
            standing(&fields(None, None, Some("customer"))).unwrap().standing,
            0.5
        );
    }

    #[test]
    fn money_has_thousands_separators() {
        assert_eq!(money(0.4), "0");
        assert_eq!(money(999.0), "999");
        assert_eq!(money(1234567.6), "1,234,568");
    }
}
