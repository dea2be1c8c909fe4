//! What X costs: a ledger of billable reads and writes per handle and UTC day (see `store::spend`), priced
//! with editable prices, and a monthly budget that pauses keyword search first, then mention polling.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::{Engine, EngineError};

/// What X bills for, as its pay-per-use price list names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Billable {
    PostRead,
    UserRead,
    ContentCreate,
    ContentCreateWithUrl,
    DmCreate,
    InteractionCreate,
}

impl Billable {
    pub const ALL: [Billable; 6] = [
        Billable::PostRead,
        Billable::UserRead,
        Billable::ContentCreate,
        Billable::ContentCreateWithUrl,
        Billable::DmCreate,
        Billable::InteractionCreate,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Billable::PostRead => "post_read",
            Billable::UserRead => "user_read",
            Billable::ContentCreate => "content_create",
            Billable::ContentCreateWithUrl => "content_create_url",
            Billable::DmCreate => "dm_create",
            Billable::InteractionCreate => "interaction_create",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Billable::PostRead => "Post read",
            Billable::UserRead => "User read",
            Billable::ContentCreate => "Post or reply",
            Billable::ContentCreateWithUrl => "Post or reply with a link",
            Billable::DmCreate => "Direct message",
            Billable::InteractionCreate => "Repost or like",
        }
    }

    fn is_read(self) -> bool {
        matches!(self, Billable::PostRead | Billable::UserRead)
    }

    /// X's published pay-per-use prices (docs.x.com, "Pricing", 2026), in millionths of a US dollar.
    fn default_micros(self) -> i64 {
        match self {
            Billable::PostRead => 5_000,
            Billable::UserRead => 10_000,
            Billable::ContentCreate => 15_000,
            Billable::ContentCreateWithUrl => 200_000,
            Billable::DmCreate => 15_000,
            Billable::InteractionCreate => 15_000,
        }
    }

    fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|b| b.as_str() == s.trim())
    }
}

/// A price, as Settings shows and edits it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct XPrice {
    pub kind: String,
    pub label: String,
    /// US dollars for one read resource or one write request.
    pub usd: f64,
    pub is_default: bool,
}

/// One handle's billable use over a period.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct SpendLine {
    pub handle: String,
    pub reads: u32,
    pub writes: u32,
    pub usd: f64,
}

/// X's estimated spend, today and this month (UTC, as X bills), per handle.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct SpendView {
    pub today: Vec<SpendLine>,
    pub month: Vec<SpendLine>,
    pub today_usd: f64,
    pub month_usd: f64,
    /// The monthly budget, if one is set.
    pub budget_usd: Option<f64>,
    /// What the budget has paused, in words; absent while nothing is paused.
    pub paused: Option<String>,
    pub prices: Vec<XPrice>,
}

/// Where this month's spend stands against the budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BudgetState {
    Fine,
    /// At 90% of the budget: keyword search (billed per match) is paused; mentions go on.
    SearchPaused,
    /// At the budget: mentions are paused too. Replies still go out.
    Exhausted,
}

const BUDGET_KEY: &str = "x.budget_micros";

fn price_key(kind: Billable) -> String {
    format!("x.price.{}", kind.as_str())
}

fn micros(usd: f64) -> Result<i64, EngineError> {
    if !usd.is_finite() || !(0.0..=1_000_000_000.0).contains(&usd) {
        return Err(EngineError::Invalid(format!(
            "{usd} is not an amount of dollars Earshot can use. Give a number such as 0.005."
        )));
    }
    // In range by the check above.
    #[allow(clippy::cast_possible_truncation)]
    Ok((usd * 1_000_000.0).round() as i64)
}

#[allow(clippy::cast_precision_loss)]
fn usd(micros: i64) -> f64 {
    micros as f64 / 1_000_000.0
}

/// Dollars and cents, rounded half up, without going through floating point.
fn dollars(micros: i64) -> String {
    let cents = (micros + 5_000).div_euclid(10_000);
    format!("${}.{:02}", cents / 100, cents % 100)
}

impl Engine {
    async fn prices(&self) -> Result<Vec<(Billable, i64, bool)>, EngineError> {
        let mut conn = earshot_store::acquire(&self.db).await?;
        let mut out = Vec::new();
        for kind in Billable::ALL {
            let set = earshot_store::workspace::get(&mut conn, &price_key(kind))
                .await?
                .and_then(|v| v.parse::<i64>().ok());
            out.push((kind, set.unwrap_or(kind.default_micros()), set.is_none()));
        }
        Ok(out)
    }

    async fn budget_micros(&self) -> Result<Option<i64>, EngineError> {
        let mut conn = earshot_store::acquire(&self.db).await?;
        Ok(earshot_store::workspace::get(&mut conn, BUDGET_KEY)
            .await?
            .and_then(|v| v.parse().ok()))
    }

    /// Per handle: reads, writes and cost in millionths of a dollar, over the UTC days `from..=to`.
    async fn spend_lines(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<(Vec<SpendLine>, i64), EngineError> {
        let prices = self.prices().await?;
        let rows = {
            let mut conn = earshot_store::acquire(&self.db).await?;
            earshot_store::spend::counts(&mut conn, from, to).await?
        };
        let mut lines: Vec<(SpendLine, i64)> = Vec::new();
        for (handle, kind, count) in rows {
            let Some(kind) = Billable::parse(&kind) else {
                continue;
            };
            let price = prices
                .iter()
                .find(|(k, _, _)| *k == kind)
                .map_or(0, |(_, p, _)| *p);
            let handle = format!("@{handle}");
            let at = match lines.iter().position(|(l, _)| l.handle == handle) {
                Some(i) => i,
                None => {
                    lines.push((
                        SpendLine {
                            handle,
                            reads: 0,
                            writes: 0,
                            usd: 0.0,
                        },
                        0,
                    ));
                    lines.len() - 1
                }
            };
            let (line, total) = &mut lines[at];
            let n = u32::try_from(count).unwrap_or(u32::MAX);
            if kind.is_read() {
                line.reads = line.reads.saturating_add(n);
            } else {
                line.writes = line.writes.saturating_add(n);
            }
            *total += price * count;
            line.usd = usd(*total);
        }
        let sum = lines.iter().map(|(_, t)| *t).sum();
        Ok((lines.into_iter().map(|(l, _)| l).collect(), sum))
    }

    fn month_start(day: NaiveDate) -> NaiveDate {
        day.with_day(1).unwrap_or(day)
    }

    async fn month_micros(&self) -> Result<i64, EngineError> {
        let today = self.clock.now().date_naive();
        Ok(self.spend_lines(Self::month_start(today), today).await?.1)
    }

    pub(crate) async fn budget_state(&self) -> Result<BudgetState, EngineError> {
        let Some(budget) = self.budget_micros().await? else {
            return Ok(BudgetState::Fine);
        };
        let spent = self.month_micros().await?;
        Ok(if spent >= budget {
            BudgetState::Exhausted
        } else if spent * 10 >= budget * 9 {
            BudgetState::SearchPaused
        } else {
            BudgetState::Fine
        })
    }

    pub(crate) async fn budget_message(&self, state: BudgetState) -> Result<String, EngineError> {
        let budget = self.budget_micros().await?.unwrap_or(0);
        let spent = self.month_micros().await?;
        Ok(match state {
            BudgetState::Fine => String::new(),
            BudgetState::SearchPaused => format!(
                "X keyword search is paused: this month's estimated X spend, {}, has reached 90% of the {} budget. \
                 Mentions are still fetched. Raise the budget to search again.",
                dollars(spent),
                dollars(budget)
            ),
            BudgetState::Exhausted => format!(
                "X is paused: this month's estimated X spend, {}, has reached the {} budget, so neither \
                 mentions nor keyword searches are fetched. Replies still go out. Raise the budget to go on.",
                dollars(spent),
                dollars(budget)
            ),
        })
    }

    /// X's estimated spend today and this month, per handle, with the prices and the budget.
    pub async fn spend(&self) -> Result<SpendView, EngineError> {
        let today = self.clock.now().date_naive();
        let (today_lines, today_total) = self.spend_lines(today, today).await?;
        let (month_lines, month_total) = self.spend_lines(Self::month_start(today), today).await?;
        let state = self.budget_state().await?;
        Ok(SpendView {
            today: today_lines,
            month: month_lines,
            today_usd: usd(today_total),
            month_usd: usd(month_total),
            budget_usd: self.budget_micros().await?.map(usd),
            paused: match state {
                BudgetState::Fine => None,
                s => Some(self.budget_message(s).await?),
            },
            prices: self
                .prices()
                .await?
                .into_iter()
                .map(|(kind, micros, is_default)| XPrice {
                    kind: kind.as_str().to_owned(),
                    label: kind.label().to_owned(),
                    usd: usd(micros),
                    is_default,
                })
                .collect(),
        })
    }

    /// Sets the monthly budget (`None` removes it) and any prices given as `(kind, dollars)`.
    pub async fn set_spend_settings(
        &self,
        budget_usd: Option<Option<f64>>,
        prices: &[(String, f64)],
    ) -> Result<SpendView, EngineError> {
        let mut tx = earshot_store::begin(&self.db).await?;
        for (kind, price) in prices {
            let billable = Billable::parse(kind).ok_or_else(|| {
                EngineError::Invalid(format!(
                    "'{kind}' is not something X bills for. Use one of: {}.",
                    Billable::ALL.map(Billable::as_str).join(", ")
                ))
            })?;
            earshot_store::workspace::set(&mut tx, &price_key(billable), &micros(*price)?.to_string())
                .await?;
        }
        match budget_usd {
            Some(Some(b)) => {
                earshot_store::workspace::set(&mut tx, BUDGET_KEY, &micros(b)?.to_string()).await?
            }
            Some(None) => earshot_store::workspace::delete(&mut tx, BUDGET_KEY).await?,
            None => {}
        }
        earshot_store::commit(tx).await?;
        self.spend().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dollars_round_trip_through_millionths() {
        assert_eq!(micros(0.005).unwrap(), 5_000);
        assert_eq!(micros(0.2).unwrap(), 200_000);
        assert!(micros(-1.0).is_err());
        assert!(micros(f64::NAN).is_err());
        assert_eq!(dollars(9_125_000), "$9.13");
    }

    #[test]
    fn every_kind_has_a_name_a_label_and_a_price() {
        for kind in Billable::ALL {
            assert_eq!(Billable::parse(kind.as_str()), Some(kind));
            assert!(kind.default_micros() > 0);
        }
    }
}
