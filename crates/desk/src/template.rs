//! Saved replies and signatures: `{name}` variables filled from the author, the agent and our handle.
//!
//! A variable without a value is left in the text as written and reported, so the composer can point at
//! it instead of sending "Hi ," to a customer.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::text::one_line;

/// The variables a saved reply can use, with a description for the composer's help.
pub const VARIABLES: &[(&str, &str)] = &[
    ("author.name", "The author's display name"),
    (
        "author.first_name",
        "The author's first name, or their handle when they show no name",
    ),
    ("author.handle", "The author's handle, with @"),
    ("agent.name", "Your name"),
    ("agent.first_name", "Your first name"),
    ("agent.initials", "Your initials"),
    ("handle", "Our handle the post was addressed to, with @"),
    ("order", "An order number you type in before sending"),
];

/// Names whose values are handles and always start with @.
const HANDLE_VARIABLES: [&str; 2] = ["author.handle", "handle"];

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AgentProfile {
    pub name: String,
    /// Itself a template, such as "–{agent.first_name}" or "^{agent.initials}".
    pub signature: String,
}

/// Values for a template's variables.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(transparent)]
pub struct Vars {
    values: BTreeMap<String, String>,
}

impl Vars {
    pub fn new() -> Self {
        Self::default()
    }

    /// The author's name and handle. Both are written by the author, so they are kept to one line.
    pub fn author(self, name: &str, handle: &str) -> Self {
        let name = one_line(name);
        let handle = with_at(&one_line(handle));
        let first = if name.is_empty() {
            handle.clone()
        } else {
            first_name(&name)
        };
        self.set("author.name", &name)
            .set("author.first_name", &first)
            .set("author.handle", &handle)
    }

    pub fn agent(self, profile: &AgentProfile) -> Self {
        let name = profile.name.trim();
        self.set("agent.name", name)
            .set("agent.first_name", &first_name(name))
            .set("agent.initials", &initials(name))
    }

    /// Our handle the post was addressed to.
    pub fn handle(self, handle: &str) -> Self {
        self.set("handle", &with_at(handle.trim()))
    }

    /// Sets any variable; an empty value leaves it unset, so it is reported as missing.
    pub fn set(mut self, name: &str, value: &str) -> Self {
        let name = name.trim().to_lowercase();
        if value.is_empty() {
            self.values.remove(&name);
        } else {
            self.values.insert(name, value.to_string());
        }
        self
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.values.get(&name.trim().to_lowercase()).map(String::as_str)
    }
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Rendered {
    pub text: String,
    /// Known variables that had no value; they stay in the text as written.
    pub missing: Vec<String>,
    /// Names that are not variables at all (a typo, most likely); they stay too.
    pub unknown: Vec<String>,
}

/// Fills `{name}` variables. `{{` and `}}` are literal braces, and a brace that does not open a
/// variable name is kept as it is.
pub fn render(template: &str, vars: &Vars) -> Rendered {
    let mut text = String::with_capacity(template.len());
    let mut missing = Vec::new();
    let mut unknown = Vec::new();
    let mut rest = template;
    while let Some(at) = rest.find(['{', '}']) {
        text.push_str(&rest[..at]);
        let tail = &rest[at..];
        if tail.starts_with("{{") || tail.starts_with("}}") {
            text.push_str(&tail[..1]);
            rest = &tail[2..];
            continue;
        }
        let variable = tail
            .strip_prefix('{')
            .and_then(|t| t.find('}').map(|end| &t[..end]))
            .filter(|inner| is_name(inner.trim()));
        let Some(inner) = variable else {
            text.push_str(&tail[..1]);
            rest = &tail[1..];
            continue;
        };
        let written = &tail[..inner.len() + 2];
        let name = inner.trim().to_lowercase();
        match vars.get(&name) {
            Some(value) if HANDLE_VARIABLES.contains(&name.as_str()) => text.push_str(&with_at(value)),
            Some(value) => text.push_str(value),
            None => {
                text.push_str(written);
                let list = if VARIABLES.iter().any(|(known, _)| *known == name) {
                    &mut missing
                } else {
                    &mut unknown
                };
                if !list.contains(&name) {
                    list.push(name);
                }
            }
        }
        rest = &tail[written.len()..];
    }
    text.push_str(rest);
    Rendered {
        text,
        missing,
        unknown,
    }
}

fn is_name(text: &str) -> bool {
    !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

/// "jane" → "@jane"; "@jane" and "" stay as they are.
fn with_at(handle: &str) -> String {
    if handle.is_empty() || handle.starts_with('@') {
        handle.to_string()
    } else {
        format!("@{handle}")
    }
}

/// The agent's signature with its variables filled, trimmed.
pub fn signature(profile: &AgentProfile) -> String {
    render(&profile.signature, &Vars::new().agent(profile))
        .text
        .trim()
        .to_string()
}

/// The text signed: after a space, or on a new line when the text has several lines. Unchanged when the
/// signature is empty or already there.
pub fn signed(text: &str, signature: &str) -> String {
    let signature = signature.trim();
    let body = text.trim_end();
    if signature.is_empty() || body.ends_with(signature) {
        return text.to_string();
    }
    if body.is_empty() {
        return signature.to_string();
    }
    let separator = if body.contains('\n') { "\n" } else { " " };
    format!("{body}{separator}{signature}")
}

/// "Ana María López" → "Ana".
pub fn first_name(name: &str) -> String {
    name.split_whitespace().next().unwrap_or_default().to_string()
}

/// "Ana María López" → "AML"; "Jean-Luc Picard" → "JLP". Parts that do not start with a letter (an
/// emoji, "(she/her)") are skipped.
pub fn initials(name: &str) -> String {
    name.split(|c: char| c.is_whitespace() || c == '-')
        .filter_map(|part| part.chars().next())
        .filter(|c| c.is_alphabetic())
        .flat_map(char::to_uppercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ana() -> AgentProfile {
        AgentProfile {
            name: "Ana María López".into(),
            signature: "–{agent.first_name}".into(),
        }
    }

    #[test]
    fn names_give_first_names_and_initials() {
        assert_eq!(first_name("Ana María López"), "Ana");
        assert_eq!(initials("Ana María López"), "AML");
        assert_eq!(initials("jean-luc picard"), "JLP");
        assert_eq!(initials("Zoë 🌸 Ng (she/her)"), "ZN");
        assert_eq!(first_name("  "), "");
        assert_eq!(initials(""), "");
    }

    #[test]
    fn a_saved_reply_is_filled_in() {
        let vars = Vars::new()
            .author("Jane Doe", "jane.example")
            .agent(&ana())
            .handle("brand-support")
            .set("order", "A-1042");
        let r = render(
            "Hi {author.first_name}, sorry about order {order}! DM {handle} and we'll sort it. {agent.initials}",
            &vars,
        );
        assert_eq!(
            r.text,
            "Hi Jane, sorry about order A-1042! DM @brand-support and we'll sort it. AML"
        );
        assert!(r.missing.is_empty() && r.unknown.is_empty(), "{r:?}");
        assert_eq!(
            render("{author.handle} / {author.name}", &vars).text,
            "@jane.example / Jane Doe"
        );
    }

    #[test]
    fn missing_and_unknown_variables_stay_and_are_reported() {
        let vars = Vars::new().agent(&ana());
        let r = render(
            "Hi {author.first_name}! Your {order} ({order}) and {coupon} – {agent.name}",
            &vars,
        );
        assert_eq!(
            r.text,
            "Hi {author.first_name}! Your {order} ({order}) and {coupon} – Ana María López"
        );
        assert_eq!(
            r.missing,
            vec!["author.first_name", "order"],
            "each name reported once"
        );
        assert_eq!(r.unknown, vec!["coupon"]);

        let r = render("Code: {coupon}", &Vars::new().set("coupon", "SPRING10"));
        assert_eq!(
            r.text, "Code: SPRING10",
            "a value set by hand is used even if not a listed variable"
        );
        let r = render("{order}", &Vars::new().set("order", ""));
        assert_eq!(r.missing, vec!["order"], "an empty value counts as missing");
    }

    #[test]
    fn double_braces_and_stray_braces_are_literal() {
        let vars = Vars::new().author("Jane", "jane");
        assert_eq!(
            render("{{author.name}} is {author.name}", &vars).text,
            "{author.name} is Jane"
        );
        assert_eq!(render("a }} b {{", &vars).text, "a } b {");
        assert_eq!(
            render("{ not a variable } and { and }", &vars).text,
            "{ not a variable } and { and }"
        );
        assert_eq!(
            render("unclosed {author.name", &vars).text,
            "unclosed {author.name"
        );
        assert_eq!(
            render("{ Author.Name }", &vars).text,
            "Jane",
            "names ignore case and spaces"
        );
        assert_eq!(render("ünïcode {author.name} ✓", &vars).text, "ünïcode Jane ✓");
        assert_eq!(render("", &vars).text, "");
    }

    #[test]
    fn handles_get_one_at_sign() {
        let vars = Vars::new().author("", "@jane.example").handle("@brand");
        assert_eq!(
            render("{author.handle} {handle} {author.first_name}", &vars).text,
            "@jane.example @brand @jane.example",
            "an author without a name is greeted by handle"
        );
        assert_eq!(vars.get("author.name"), None, "no display name, no value");
        let by_hand = Vars::new()
            .set("handle", "brand-help")
            .set("author.handle", "bob@mastodon.social");
        assert_eq!(
            render("{handle} {author.handle}", &by_hand).text,
            "@brand-help @bob@mastodon.social"
        );
    }

    #[test]
    fn author_values_are_kept_to_one_line() {
        let vars = Vars::new().author("Jane\nDoe\u{7}", "jane");
        assert_eq!(vars.get("author.name"), Some("Jane Doe"));
    }

    #[test]
    fn signatures_render_and_sign_once() {
        assert_eq!(signature(&ana()), "–Ana");
        let initials_sig = AgentProfile {
            signature: "  ^{agent.initials} ".into(),
            ..ana()
        };
        assert_eq!(signature(&initials_sig), "^AML");
        assert_eq!(signed("We're on it!", "–Ana"), "We're on it! –Ana");
        assert_eq!(
            signed("We're on it! –Ana", "–Ana"),
            "We're on it! –Ana",
            "not signed twice"
        );
        assert_eq!(
            signed("Hi Jane,\nthanks for waiting.\n", "–Ana"),
            "Hi Jane,\nthanks for waiting.\n–Ana"
        );
        assert_eq!(
            signed("Thanks!", "  "),
            "Thanks!",
            "an empty signature changes nothing"
        );
        assert_eq!(signed("", "–Ana"), "–Ana");
    }

    #[test]
    fn every_listed_variable_is_filled_by_the_builders() {
        let vars = Vars::new()
            .author("Jane Doe", "jane")
            .agent(&ana())
            .handle("brand")
            .set("order", "1");
        for (name, description) in VARIABLES {
            assert!(vars.get(name).is_some(), "{name} should have a value");
            assert!(!description.is_empty());
        }
        let json = serde_json::to_string(&vars).unwrap();
        assert!(
            json.starts_with(r#"{"agent.first_name":"Ana""#),
            "a plain map: {json}"
        );
        assert_eq!(serde_json::from_str::<Vars>(&json).unwrap(), vars);
    }
}
