//! Promises in replies the way support teams write them, and sentences that only look like promises.

use super::*;

fn one(text: &str) -> Promise {
    let found = promises(text);
    assert_eq!(
        found.len(),
        1,
        "expected one promise in {text:?}, found {found:?}"
    );
    found.into_iter().next().unwrap()
}

fn when(text: &str) -> Option<String> {
    one(text).when
}

fn none(text: &str) {
    assert_eq!(promises(text), vec![], "{text:?} promises nothing");
}

#[test]
fn a_dm_promise_without_a_time() {
    let p = one("Thanks for flagging this, Jane. We'll DM you shortly with next steps.");
    assert_eq!(p.phrase, "We'll DM you shortly with next steps.");
    assert_eq!(p.when, None, "'shortly' names no time");
}

#[test]
fn curly_apostrophes_and_a_weekday() {
    let p = one("Sorry to hear that! I’ll get back to you by Friday.");
    assert_eq!(
        p.phrase, "I’ll get back to you by Friday.",
        "the phrase keeps the author's apostrophe"
    );
    assert_eq!(p.when.as_deref(), Some("by Friday"));
}

#[test]
fn on_it_and_expect_from_us() {
    assert_eq!(
        when("We're on it – expect an update from us within 2 hours.").as_deref(),
        Some("within 2 hours")
    );
    assert_eq!(when("On it!"), None);
    assert!(
        !promises("Expect an update from us soon.").is_empty(),
        "expect … from us"
    );
}

#[test]
fn someone_on_our_side_will() {
    assert_eq!(
        when("Our engineers will look into this today.").as_deref(),
        Some("today")
    );
    assert_eq!(
        when("Someone from our billing team will be in touch within 24 hours.").as_deref(),
        Some("within 24 hours")
    );
}

#[test]
fn times_of_day_and_weeks() {
    assert_eq!(
        when("I'll check with the warehouse and update you tomorrow morning.").as_deref(),
        Some("tomorrow morning")
    );
    assert_eq!(
        when("We will follow up next week once the part arrives.").as_deref(),
        Some("next week")
    );
    assert_eq!(
        when("We shall send a replacement on Tuesday.").as_deref(),
        Some("on Tuesday")
    );
    assert_eq!(
        when("We are looking into the outage now and will update you this afternoon.").as_deref(),
        Some("this afternoon")
    );
    assert_eq!(
        when("You'll hear from us by end of day.").as_deref(),
        Some("by end of day")
    );
    assert_eq!(when("I'll ring you Monday.").as_deref(), Some("Monday"));
    assert_eq!(when("We'll email you tonight.").as_deref(), Some("tonight"));
}

#[test]
fn durations() {
    assert_eq!(
        when("Let me check with the team and I'll call you in 30 minutes.").as_deref(),
        Some("in 30 minutes")
    );
    assert_eq!(
        when("I'll call you back in an hour.").as_deref(),
        Some("in an hour")
    );
    assert_eq!(
        when("We'll reply within the hour.").as_deref(),
        Some("within the hour")
    );
    assert_eq!(
        when("We'll send it within 5 working days.").as_deref(),
        Some("within 5 working days")
    );
    assert_eq!(
        when("We will update you in a couple of hours.").as_deref(),
        Some("in a couple of hours")
    );
    assert_eq!(
        when("We'll get back to you within 48h.").as_deref(),
        Some("within 48h")
    );
    assert_eq!(
        when("We'll be in touch in a few days.").as_deref(),
        Some("in a few days")
    );
    assert_eq!(when("We'll be in touch."), None, "'in touch' is not a time");
}

#[test]
fn past_tense_is_not_a_promise() {
    none("We sent you a DM yesterday.");
    none("I checked your order and it shipped on Monday.");
    none("We have checked and the order is on its way.");
    none("We already refunded the full amount.");
}

#[test]
fn questions_are_not_promises() {
    none("Will you DM me your order number?");
    none("Shall I call you tomorrow?");
    none("Could you DM us so we can check?");
    none("Will you be home on Friday");
    none("What time will work best for you?");
    none("Which day will suit you for a call back?\"");
}

#[test]
fn negations_and_refusals_are_not_promises() {
    none("We won't be able to refund this order.");
    none("We will not charge you twice.");
    none("We would check if we could.");
}

#[test]
fn information_and_requests_are_not_promises() {
    none("Please let us know if there's anything else.");
    none("Let me know if that helps!");
    none("Refunds usually take 5 days to appear.");
    none("It will take 3–5 working days for the refund to show.");
    none("They will deliver between 9 and 5.");
    none("This will update automatically.");
    none("Hi Sam! Thanks so much for the kind words 💛");
    none("");
}

#[test]
fn only_the_promising_sentence_of_a_longer_reply() {
    let reply =
        "Hi Ana, sorry for the trouble. I've passed this to our team. We'll email you tonight with an \
                 update. Thanks for your patience!";
    let p = one(reply);
    assert_eq!(p.phrase, "We'll email you tonight with an update.");
    assert_eq!(p.when.as_deref(), Some("tonight"));

    let found = promises("Could you send us your order number? We'll look into it. Leave it with me.");
    let phrases: Vec<&str> = found.iter().map(|p| p.phrase.as_str()).collect();
    assert_eq!(phrases, vec!["We'll look into it.", "Leave it with me."]);
}

#[test]
fn quoted_customer_lines_are_skipped() {
    let reply = "> will you call me back? i will check my email\nYes, I'll call you back in an hour.";
    let p = one(reply);
    assert_eq!(p.phrase, "Yes, I'll call you back in an hour.");
}

#[test]
fn a_promise_after_past_work_still_counts() {
    let p = one("We already replaced the part and will send tracking details by tomorrow.");
    assert_eq!(p.when.as_deref(), Some("by tomorrow"));
    assert!(
        !promises("Let me look into this for you.").is_empty(),
        "let me look"
    );
    assert!(!promises("We're going to fix this today.").is_empty(), "going to");
    assert!(
        !promises("I will personally make sure this gets sorted.").is_empty(),
        "make sure"
    );
    assert!(!promises("We'll keep you posted.").is_empty(), "keep you posted");
    assert!(!promises("WE WILL CALL YOU").is_empty(), "capitals");
}

#[test]
fn long_sentences_are_cut() {
    let reply = format!(
        "We will look into {} and get back to you.",
        "the billing history ".repeat(20)
    );
    let p = one(&reply);
    assert_eq!(p.phrase.chars().count(), 160);
    assert!(p.phrase.ends_with('…'));
}

#[test]
fn numbers_and_addresses_do_not_split_sentences() {
    let p = one("We'll refund 3.5 GBP via example.com today.");
    assert_eq!(p.phrase, "We'll refund 3.5 GBP via example.com today.");
    assert_eq!(p.when.as_deref(), Some("today"));
}
