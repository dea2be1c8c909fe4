//! Where mentions come from. Network connectors implement [`MentionSource`]; so does a JSON Lines file, so an
//! import takes exactly the path that live mentions take.

use std::future::Future;
use std::io::BufRead;

use chrono::Duration;
use earshot_core::canonical::{parse_line, Record};

use crate::EngineError;

/// One record read from a source, or why it could not be read. `position` is where it was (a line number for
/// files), for error messages.
#[derive(Debug)]
pub struct Entry {
    pub position: u32,
    pub record: Result<Record, String>,
}

/// Records read together, and the source's cursor after them. The batch and its cursor are stored in one
/// transaction, so an interrupted ingest resumes exactly where it stopped: no gap, no duplicate.
#[derive(Debug, Default)]
pub struct Batch {
    pub entries: Vec<Entry>,
    /// Opaque to the engine; the source reads it back to resume. `None` leaves the stored cursor alone.
    pub cursor: Option<String>,
}

/// A source of canonical records, read in batches: a network connector, or a file in the canonical format.
pub trait MentionSource {
    /// How many records to expect in all, when known, for progress.
    fn size_hint(&self) -> Option<u32>;

    /// The next batch, or `None` when the source has no more for now.
    fn next_batch(&mut self) -> impl Future<Output = Result<Option<Batch>, EngineError>> + Send;
}

/// One converted network entry as the ingest path takes it, or `None` for a notification that is not a
/// mention. An entry that could not be read is logged with its network's name and kept as an error, so the
/// report counts it and the rest of the page is stored.
pub(crate) fn network_entry(
    network: &str,
    position: usize,
    converted: Result<earshot_core::Mention, earshot_networks::Skipped>,
) -> Option<Entry> {
    let position = u32::try_from(position).unwrap_or(u32::MAX);
    match converted {
        Ok(mention) => Some(Entry {
            position,
            record: Ok(Record::Mention(Box::new(mention))),
        }),
        Err(earshot_networks::Skipped::NotAMention(_)) => None,
        Err(earshot_networks::Skipped::Malformed(why)) => {
            tracing::warn!(%network, %why, "skipped an entry Earshot could not read");
            Some(Entry {
                position,
                record: Err(why),
            })
        }
    }
}

/// A batch already in hand, as a source.
pub(crate) struct OneBatch(pub(crate) Option<Batch>);

impl MentionSource for OneBatch {
    fn size_hint(&self) -> Option<u32> {
        self.0
            .as_ref()
            .map(|b| u32::try_from(b.entries.len()).unwrap_or(u32::MAX))
    }

    async fn next_batch(&mut self) -> Result<Option<Batch>, EngineError> {
        Ok(self.0.take())
    }
}

/// Records in the canonical JSON Lines format (`docs/mention-format.md`).
pub struct JsonLines<R> {
    reader: R,
    line: u32,
    total_lines: Option<u32>,
    batch_size: usize,
    shift: Duration,
    done: bool,
}

impl<R: BufRead + Send> JsonLines<R> {
    pub fn new(reader: R, total_lines: Option<u32>) -> Self {
        Self {
            reader,
            line: 0,
            total_lines,
            batch_size: 500,
            shift: Duration::zero(),
            done: false,
        }
    }

    /// Moves every time in the file by `shift`, keeping their spacing. The demo uses this to look fresh.
    pub fn shifted(mut self, shift: Duration) -> Self {
        self.shift = shift;
        self
    }

    fn read_entry(&mut self, buf: &[u8]) -> Option<Entry> {
        let position = self.line;
        let record = match std::str::from_utf8(buf) {
            Err(_) => Err("the line is not UTF-8 text".to_owned()),
            Ok(text) => match parse_line(text) {
                Ok(None) => return None,
                Ok(Some(record)) => Ok(self.shift_record(record)),
                Err(e) => Err(e.to_string()),
            },
        };
        Some(Entry { position, record })
    }

    fn shift_record(&self, record: Record) -> Record {
        match record {
            Record::Mention(mut m) if !self.shift.is_zero() => {
                m.created_at += self.shift;
                m.author.created_at = m.author.created_at.map(|t| t + self.shift);
                Record::Mention(m)
            }
            other => other,
        }
    }
}

impl<R: BufRead + Send> MentionSource for JsonLines<R> {
    fn size_hint(&self) -> Option<u32> {
        self.total_lines
    }

    async fn next_batch(&mut self) -> Result<Option<Batch>, EngineError> {
        if self.done {
            return Ok(None);
        }
        let mut batch = Vec::with_capacity(self.batch_size);
        let mut buf = Vec::new();
        while batch.len() < self.batch_size {
            buf.clear();
            let read = self
                .reader
                .read_until(b'\n', &mut buf)
                .map_err(|source| EngineError::Io {
                    context: format!("Earshot could not read line {} of the import", self.line + 1),
                    source,
                })?;
            if read == 0 {
                self.done = true;
                break;
            }
            self.line += 1;
            if let Some(entry) = self.read_entry(&buf) {
                batch.push(entry);
            }
        }
        Ok(if batch.is_empty() && self.done {
            None
        } else {
            Some(Batch {
                entries: batch,
                cursor: None,
            })
        })
    }
}
