//! Desktop alert rules: which new items deserve a notification, and why, in words.
//!
//! A rule has a "what" clause (intents, or anything urgent), a "who" clause (many followers, or a good
//! customer) and plain filters (sentiment, our handles and their roles, networks, keywords). Every clause
//! left empty matches anything.

use std::collections::HashSet;

use earshot_core::{Intent, Network, Role, Sentiment};
use serde::{Deserialize, Serialize};

use crate::text::{intent_word, thousands};
use crate::DeskError;

/// A team keeps at most this many rules; more is a sign that rules should be merged.
const MAX_RULES: usize = 50;

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AlertRule {
    pub id: String,
    pub name: String,
    pub enabled: bool,
    /// Any of these; empty means any intent (unless `urgent` is set).
    pub intents: Vec<Intent>,
    /// An urgent item matches the "what" clause whatever its intent.
    pub urgent: bool,
    /// An extra filter; empty means any.
    pub sentiments: Vec<Sentiment>,
    /// "Who": either threshold met is enough; neither set means anyone.
    pub min_followers: Option<u32>,
    /// 0..=1, the CRM standing (0.3 lead … 1.0 top tier).
    pub min_customer_standing: Option<f64>,
    /// Our handle IDs; empty means any. Matches if any of the item's handles is listed.
    pub handles: Vec<String>,
    pub roles: Vec<Role>,
    pub networks: Vec<Network>,
    /// Empty means any; otherwise any keyword as a whole word or phrase, case-insensitive.
    pub keywords: Vec<String>,
}

/// One of our handles that the item reached.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct HandleFact {
    pub id: String,
    pub role: Role,
    pub network: Network,
}

/// What the engine knows about a new item when it asks whether to alert.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AlertFacts<'a> {
    pub intent: Intent,
    pub sentiment: Sentiment,
    pub urgent: bool,
    pub spam: bool,
    pub followers: u64,
    pub customer_standing: Option<f64>,
    pub handles: &'a [HandleFact],
    pub network: Network,
    pub text: &'a str,
}

/// A rule that matched, and why in words.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Fired {
    pub rule_id: String,
    pub rule_name: String,
    pub why: String,
}

pub fn default_rules() -> Vec<AlertRule> {
    vec![AlertRule {
        id: "influential-complaint".into(),
        name: "Complaints from influential authors or customers".into(),
        enabled: true,
        intents: vec![Intent::Complaint],
        urgent: true,
        sentiments: vec![],
        min_followers: Some(10_000),
        min_customer_standing: Some(0.5),
        handles: vec![],
        roles: vec![],
        networks: vec![],
        keywords: vec![],
    }]
}

/// The first enabled rule that matches. Spam never alerts.
pub fn first_match(rules: &[AlertRule], facts: &AlertFacts) -> Option<Fired> {
    if facts.spam {
        return None;
    }
    rules.iter().filter(|r| r.enabled).find_map(|rule| {
        explain(rule, facts).map(|why| Fired {
            rule_id: rule.id.clone(),
            rule_name: rule.name.clone(),
            why,
        })
    })
}

/// The reason in words when the rule matches, or None.
fn explain(rule: &AlertRule, facts: &AlertFacts) -> Option<String> {
    let by_intent = rule.intents.contains(&facts.intent);
    let by_urgency = rule.urgent && facts.urgent;
    let what_set = !rule.intents.is_empty() || rule.urgent;
    if what_set && !by_intent && !by_urgency {
        return None;
    }
    if !rule.sentiments.is_empty() && !rule.sentiments.contains(&facts.sentiment) {
        return None;
    }
    let followers_met = rule
        .min_followers
        .is_some_and(|m| facts.followers >= u64::from(m));
    let customer_met = match (rule.min_customer_standing, facts.customer_standing) {
        (Some(min), Some(standing)) => standing >= min,
        _ => false,
    };
    let who_set = rule.min_followers.is_some() || rule.min_customer_standing.is_some();
    if who_set && !followers_met && !customer_met {
        return None;
    }
    if !rule.handles.is_empty() && !facts.handles.iter().any(|h| rule.handles.contains(&h.id)) {
        return None;
    }
    let role = if rule.roles.is_empty() {
        None
    } else {
        Some(
            facts
                .handles
                .iter()
                .map(|h| h.role)
                .find(|r| rule.roles.contains(r))?,
        )
    };
    if !rule.networks.is_empty() && !rule.networks.contains(&facts.network) {
        return None;
    }
    let keyword = if rule.keywords.is_empty() {
        None
    } else {
        let text = normalise(facts.text);
        Some(rule.keywords.iter().find(|k| has_phrase(&text, &normalise(k)))?)
    };

    let mut why = String::new();
    if by_urgency {
        why.push_str("Urgent ");
    }
    if !rule.sentiments.is_empty() {
        why.push_str(facts.sentiment.as_str());
        why.push(' ');
    }
    why.push_str(&intent_word(facts.intent).to_lowercase());
    let followers = format!(
        "{} follower{}",
        thousands(facts.followers),
        if facts.followers == 1 { "" } else { "s" }
    );
    match (customer_met, followers_met) {
        (true, true) => why.push_str(&format!(" from a customer with {followers}")),
        (true, false) => why.push_str(" from a customer"),
        (false, true) => why.push_str(&format!(" from an author with {followers}")),
        (false, false) => {}
    }
    if !rule.networks.is_empty() {
        why.push_str(&format!(" on {}", facts.network.label()));
    }
    if let Some(role) = role {
        why.push_str(&format!(" to our {} handle", role.as_str()));
    }
    if let Some(keyword) = keyword {
        why.push_str(&format!(" mentioning \"{}\"", keyword.trim()));
    }
    Some(capitalise(&why))
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Lower case with runs of white space made one space, so "Refund  Please" finds "refund please".
fn normalise(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Whether `phrase` occurs in `text` as whole words: not inside a longer word on either side.
fn has_phrase(text: &str, phrase: &str) -> bool {
    if phrase.is_empty() {
        return false;
    }
    let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
    // A keyword such as "#fail" has no word edge at its start, so anything may come before it.
    let (starts_word, ends_word) = (word(phrase.chars().next()), word(phrase.chars().next_back()));
    text.match_indices(phrase).any(|(at, _)| {
        let joined_before = starts_word && word(text[..at].chars().next_back());
        let joined_after = ends_word && word(text[at + phrase.len()..].chars().next());
        !joined_before && !joined_after
    })
}

/// Ids unique and present, names present, standings within 0..=1, no blank keywords, at most 50 rules.
pub fn check_rules(rules: &[AlertRule]) -> Result<(), DeskError> {
    if rules.len() > MAX_RULES {
        return Err(DeskError::invalid(
            "rules",
            format!(
                "There are {} alert rules; Earshot keeps at most {MAX_RULES}. Remove or merge some rules.",
                rules.len()
            ),
        ));
    }
    let mut seen = HashSet::new();
    for (i, rule) in rules.iter().enumerate() {
        let id = rule.id.trim();
        let name = rule.name.trim();
        let called = if name.is_empty() { id } else { name };
        if id.is_empty() {
            return Err(DeskError::invalid(
                format!("rules[{i}].id"),
                format!(
                    "The alert rule \"{called}\" has no ID. Give it a short unique ID, such as vip-complaints."
                ),
            ));
        }
        if !seen.insert(id) {
            return Err(DeskError::invalid(
                format!("rules[{i}].id"),
                format!("Two alert rules have the ID \"{id}\". Give each rule its own ID."),
            ));
        }
        if name.is_empty() {
            return Err(DeskError::invalid(
                format!("rules[{i}].name"),
                format!(
                    "The alert rule \"{id}\" has no name. Give it a name the team will recognise in \
                     notifications."
                ),
            ));
        }
        if let Some(standing) = rule.min_customer_standing {
            if !(0.0..=1.0).contains(&standing) {
                return Err(DeskError::invalid(
                    format!("rules[{i}].min_customer_standing"),
                    format!(
                        "The alert rule \"{name}\" asks for a customer standing of {standing}. Use a number \
                         from 0 (any contact) to 1 (top tier), such as 0.5."
                    ),
                ));
            }
        }
        if rule.keywords.iter().any(|k| k.trim().is_empty()) {
            return Err(DeskError::invalid(
                format!("rules[{i}].keywords"),
                format!(
                    "The alert rule \"{name}\" has an empty keyword. Type a word or phrase, or remove it."
                ),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts<'a>(handles: &'a [HandleFact], text: &'a str) -> AlertFacts<'a> {
        AlertFacts {
            intent: Intent::Complaint,
            sentiment: Sentiment::Negative,
            urgent: false,
            spam: false,
            followers: 120,
            customer_standing: None,
            handles,
            network: Network::Mastodon,
            text,
        }
    }

    fn support() -> Vec<HandleFact> {
        vec![HandleFact {
            id: "h-support".into(),
            role: Role::Support,
            network: Network::Mastodon,
        }]
    }

    fn any_rule(id: &str) -> AlertRule {
        AlertRule {
            id: id.into(),
            name: format!("Rule {id}"),
            enabled: true,
            intents: vec![],
            urgent: false,
            sentiments: vec![],
            min_followers: None,
            min_customer_standing: None,
            handles: vec![],
            roles: vec![],
            networks: vec![],
            keywords: vec![],
        }
    }

    fn why(rules: &[AlertRule], f: &AlertFacts) -> Option<String> {
        first_match(rules, f).map(|fired| fired.why)
    }

    #[test]
    fn the_default_rule_wants_influence_or_a_customer() {
        let rules = default_rules();
        assert_eq!(check_rules(&rules), Ok(()));
        assert_eq!(rules[0].id, "influential-complaint");
        let handles = support();
        let mut f = facts(&handles, "Still no refund");
        assert_eq!(
            first_match(&rules, &f),
            None,
            "a complaint from someone with 120 followers is quiet"
        );

        f.followers = 48_200;
        let fired = first_match(&rules, &f).expect("an influential complaint alerts");
        assert_eq!(fired.rule_id, "influential-complaint");
        assert_eq!(
            fired.rule_name,
            "Complaints from influential authors or customers"
        );
        assert_eq!(fired.why, "Complaint from an author with 48,200 followers");

        f.followers = 10;
        f.customer_standing = Some(0.3);
        assert_eq!(
            why(&rules, &f),
            None,
            "a lead (0.3) is below the 0.5 customer bar"
        );
        f.customer_standing = Some(0.8);
        assert_eq!(why(&rules, &f).as_deref(), Some("Complaint from a customer"));

        f.intent = Intent::Question;
        assert_eq!(why(&rules, &f), None, "a calm question is not a complaint");
        f.urgent = true;
        assert_eq!(
            why(&rules, &f).as_deref(),
            Some("Urgent question from a customer")
        );
        f.followers = 1_000_000;
        assert_eq!(
            why(&rules, &f).as_deref(),
            Some("Urgent question from a customer with 1,000,000 followers")
        );
    }

    #[test]
    fn spam_never_alerts_and_disabled_rules_are_skipped() {
        let handles = support();
        let mut f = facts(&handles, "buy followers");
        let mut rules = vec![any_rule("a")];
        assert!(
            first_match(&rules, &f).is_some(),
            "an empty rule matches anything"
        );
        f.spam = true;
        assert_eq!(first_match(&rules, &f), None);
        f.spam = false;
        rules[0].enabled = false;
        rules.push(any_rule("b"));
        assert_eq!(first_match(&rules, &f).map(|x| x.rule_id), Some("b".to_string()));
    }

    #[test]
    fn the_first_matching_rule_wins() {
        let handles = support();
        let f = facts(&handles, "hello");
        let mut praise = any_rule("praise");
        praise.intents = vec![Intent::Praise];
        let rules = vec![praise, any_rule("catch-all"), any_rule("later")];
        assert_eq!(
            first_match(&rules, &f).map(|x| x.rule_id),
            Some("catch-all".to_string())
        );
    }

    #[test]
    fn urgent_alone_matches_only_urgent_items() {
        let handles = support();
        let mut f = facts(&handles, "site down");
        let mut rule = any_rule("urgent");
        rule.urgent = true;
        assert_eq!(
            why(&[rule.clone()], &f),
            None,
            "urgent set and intents empty: only urgent items"
        );
        f.urgent = true;
        f.intent = Intent::Other;
        assert_eq!(why(&[rule], &f).as_deref(), Some("Urgent mention"));
    }

    #[test]
    fn filters_on_sentiment_handles_roles_and_networks() {
        let handles = support();
        let f = facts(&handles, "meh");
        let mut rule = any_rule("r");
        rule.sentiments = vec![Sentiment::Positive];
        assert_eq!(why(&[rule.clone()], &f), None);
        rule.sentiments = vec![Sentiment::Negative, Sentiment::Positive];
        assert_eq!(why(&[rule.clone()], &f).as_deref(), Some("Negative complaint"));

        let mut rule = any_rule("r");
        rule.handles = vec!["h-marketing".into()];
        assert_eq!(why(&[rule.clone()], &f), None, "not one of the listed handles");
        rule.handles.push("h-support".into());
        assert!(why(&[rule], &f).is_some());

        let mut rule = any_rule("r");
        rule.roles = vec![Role::Marketing];
        assert_eq!(why(&[rule.clone()], &f), None);
        rule.roles = vec![Role::Support];
        assert_eq!(
            why(&[rule.clone()], &f).as_deref(),
            Some("Complaint to our support handle")
        );
        assert_eq!(
            why(&[rule], &facts(&[], "meh")),
            None,
            "a role filter needs one of our handles"
        );

        let mut rule = any_rule("r");
        rule.networks = vec![Network::Bluesky];
        assert_eq!(why(&[rule.clone()], &f), None);
        rule.networks = vec![Network::Mastodon];
        assert_eq!(why(&[rule], &f).as_deref(), Some("Complaint on Mastodon"));
    }

    #[test]
    fn keywords_match_whole_words_and_phrases() {
        let handles = support();
        let mut rule = any_rule("k");
        rule.keywords = vec!["refund".into(), "charged  twice".into(), "#fail".into()];
        let rules = [rule];
        let hit = |text: &str| why(&rules, &facts(&handles, text));
        assert_eq!(
            hit("Where is my REFUND?").as_deref(),
            Some("Complaint mentioning \"refund\"")
        );
        assert_eq!(hit("refunds are slow"), None, "refunds is another word");
        assert_eq!(hit("nonrefund"), None);
        assert!(
            hit("I was Charged\ntwice!").is_some(),
            "phrases span any white space"
        );
        assert_eq!(hit("charged twicefold"), None);
        assert!(hit("epic #fail today").is_some());
        assert_eq!(hit("nothing to see"), None);
    }

    #[test]
    fn one_follower_is_singular() {
        let handles = support();
        let mut f = facts(&handles, "x");
        f.followers = 1;
        let mut rule = any_rule("r");
        rule.min_followers = Some(1);
        assert_eq!(
            why(&[rule], &f).as_deref(),
            Some("Complaint from an author with 1 follower")
        );
    }

    #[test]
    fn check_rules_explains_each_problem() {
        let field_of = |rules: &[AlertRule]| match check_rules(rules) {
            Err(DeskError::Invalid { field, message }) => (field, message),
            Ok(()) => panic!("the rules should have been refused"),
        };
        let (field, message) = field_of(&[any_rule("a"), any_rule("a")]);
        assert_eq!(field, "rules[1].id");
        assert!(message.contains("\"a\""), "{message}");

        let (field, _) = field_of(&[any_rule(" ")]);
        assert_eq!(field, "rules[0].id");

        let mut unnamed = any_rule("x");
        unnamed.name = "  ".into();
        assert_eq!(field_of(&[unnamed]).0, "rules[0].name");

        for bad in [-0.1, 1.5, f64::NAN] {
            let mut r = any_rule("s");
            r.min_customer_standing = Some(bad);
            let (field, message) = field_of(&[r]);
            assert_eq!(field, "rules[0].min_customer_standing", "{bad} is not a standing");
            assert!(message.contains("from 0"), "{message}");
        }

        let mut r = any_rule("k");
        r.keywords = vec!["ok".into(), " ".into()];
        assert_eq!(field_of(&[r]).0, "rules[0].keywords");

        let many: Vec<AlertRule> = (0..51).map(|i| any_rule(&i.to_string())).collect();
        assert_eq!(field_of(&many).0, "rules");
        assert_eq!(check_rules(&many[..50]), Ok(()), "fifty rules are allowed");
    }

    #[test]
    fn rules_survive_json_in_snake_case() {
        let rules = default_rules();
        let json = serde_json::to_string(&rules).unwrap();
        assert!(json.contains(r#""intents":["complaint"]"#), "{json}");
        let back: Vec<AlertRule> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, rules);
    }
}
