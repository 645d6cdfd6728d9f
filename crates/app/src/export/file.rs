//! The export file (docs/export-format.md): JSON Lines, so a large server streams through in
//! constant memory and a person can read it with `head` or `jq`.
//!
//! ```text
//! {"format":"ocomms-export","format_version":1,…}      header
//! {"table":"users","columns":[["id","int"],…]}          a table starts
//! [1,"ada@example.com",…]                                one row, values in column order
//! {"end":{"tables":17,"rows":5120,"sha256":"…"}}        counts, and the SHA-256 of every line above
//! ```

use std::io::{BufRead, Write};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use ocomms_store::{Cell, Column, ColumnType};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

pub const FORMAT: &str = "ocomms-export";
pub const FORMAT_VERSION: u32 = 1;

/// The first line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    /// Always [`FORMAT`].
    pub format: String,
    /// A reader refuses versions it does not know.
    pub format_version: u32,
    /// The `ocomms` that wrote it.
    pub ocomms_version: String,
    /// RFC 3339, UTC.
    pub created_at: String,
    /// `all`, or the slug of the one workspace it holds.
    pub scope: String,
    /// `sqlite` or `postgres`: where the rows were read.
    pub backend: String,
    /// The newest migration of the database it was read from: the rows have that schema.
    pub schema_version: i64,
}

/// The last line's counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct End {
    pub tables: u64,
    pub rows: u64,
    /// Lowercase hex SHA-256 of every byte before the `end` line.
    pub sha256: String,
}

#[derive(Serialize, Deserialize)]
struct EndLine {
    end: End,
}

#[derive(Serialize, Deserialize)]
struct TableLine {
    table: String,
    columns: Vec<(String, String)>,
}

/// Writes lines, keeping the checksum and counts of what it wrote.
pub struct Writer<W: Write> {
    out: W,
    hash: Sha256,
    tables: u64,
    rows: u64,
}

impl<W: Write> Writer<W> {
    pub fn new(out: W, header: &Header) -> std::io::Result<Self> {
        let mut writer = Self {
            out,
            hash: Sha256::new(),
            tables: 0,
            rows: 0,
        };
        writer.line(&serde_json::to_value(header)?)?;
        Ok(writer)
    }

    pub fn table(&mut self, name: &str, columns: &[Column]) -> std::io::Result<()> {
        self.tables += 1;
        let line = TableLine {
            table: name.to_owned(),
            columns: columns
                .iter()
                .map(|c| (c.name.clone(), c.ty.name().to_owned()))
                .collect(),
        };
        self.line(&serde_json::to_value(line)?)
    }

    pub fn row(&mut self, cells: &[Cell]) -> std::io::Result<()> {
        self.rows += 1;
        let values = cells
            .iter()
            .map(|cell| match cell {
                Cell::Null => Value::Null,
                Cell::Int(v) => Value::from(*v),
                Cell::Text(v) => Value::from(v.as_str()),
                Cell::Bytes(v) => Value::from(BASE64.encode(v)),
                Cell::Bool(v) => Value::from(*v),
            })
            .collect();
        self.line(&Value::Array(values))
    }

    /// Writes the `end` line and hands back the output (flushed) and what the line says.
    pub fn finish(mut self) -> std::io::Result<(W, End)> {
        let end = End {
            tables: self.tables,
            rows: self.rows,
            sha256: hex(&self.hash.finalize_reset()),
        };
        let line = serde_json::to_vec(&EndLine { end: end.clone() })?;
        self.out.write_all(&line)?;
        self.out.write_all(b"\n")?;
        self.out.flush()?;
        Ok((self.out, end))
    }

    fn line(&mut self, value: &Value) -> std::io::Result<()> {
        let mut bytes = serde_json::to_vec(value)?;
        bytes.push(b'\n');
        self.hash.update(&bytes);
        self.out.write_all(&bytes)
    }
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What a line of an export holds.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Table { name: String, columns: Vec<Column> },
    Row(Vec<Cell>),
    End(End),
}

/// Why a file is not a sound export, and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {problem}")]
pub struct Fault {
    pub line: u64,
    pub problem: String,
}

/// Reads an export line by line, checking the shape of every line and, at the end, the
/// counts and the checksum; never trusts a line before checking it.
pub struct Reader<R: BufRead> {
    input: R,
    hash: Sha256,
    line: u64,
    buffer: Vec<u8>,
    columns: Option<Vec<Column>>,
    tables: u64,
    rows: u64,
    ended: bool,
}

impl<R: BufRead> Reader<R> {
    /// Reads and checks the header.
    pub fn open(input: R) -> Result<(Self, Header), Fault> {
        let mut reader = Self {
            input,
            hash: Sha256::new(),
            line: 0,
            buffer: Vec::new(),
            columns: None,
            tables: 0,
            rows: 0,
            ended: false,
        };
        if !reader.read_line()? {
            return Err(reader.fault("the file is empty"));
        }
        let header: Header = serde_json::from_slice(&reader.buffer)
            .map_err(|e| reader.fault(&format!("not an export header ({e})")))?;
        if header.format != FORMAT {
            return Err(reader.fault(&format!("the format is {:?}, not {FORMAT}", header.format)));
        }
        if header.format_version != FORMAT_VERSION {
            return Err(reader.fault(&format!(
                "format version {} is not one this ocomms reads ({FORMAT_VERSION}); \
                 import it with the version that wrote it ({})",
                header.format_version, header.ocomms_version
            )));
        }
        reader.hash.update(&reader.buffer);
        Ok((reader, header))
    }

    /// The next item; `None` after the `end` line (anything after it is a fault).
    pub fn next_item(&mut self) -> Result<Option<Item>, Fault> {
        if self.ended {
            return if self.read_line()? {
                Err(self.fault("there is more after the end line"))
            } else {
                Ok(None)
            };
        }
        if !self.read_line()? {
            return Err(self.fault("the file ends without its end line: it was cut short"));
        }
        let value: Value = serde_json::from_slice(&self.buffer)
            .map_err(|e| self.fault(&format!("not JSON ({e})")))?;
        let item = match value {
            Value::Array(values) => Item::Row(self.row(values)?),
            Value::Object(ref object) if object.contains_key("end") => {
                let end = serde_json::from_value::<EndLine>(value)
                    .map_err(|e| self.fault(&format!("not an end line ({e})")))?
                    .end;
                self.check_end(&end)?;
                self.ended = true;
                return Ok(Some(Item::End(end)));
            }
            Value::Object(_) => {
                let table: TableLine = serde_json::from_value(value)
                    .map_err(|e| self.fault(&format!("not a table line ({e})")))?;
                let columns = self.columns_of(table.columns)?;
                self.columns = Some(columns.clone());
                self.tables += 1;
                Item::Table {
                    name: table.table,
                    columns,
                }
            }
            _ => return Err(self.fault("neither a table, a row nor the end")),
        };
        self.hash.update(&self.buffer);
        Ok(Some(item))
    }

    fn columns_of(&self, declared: Vec<(String, String)>) -> Result<Vec<Column>, Fault> {
        let mut columns: Vec<Column> = Vec::with_capacity(declared.len());
        for (name, ty) in declared {
            // Names go into SQL (quoted); only what a schema of ours can have is accepted.
            let plain = !name.is_empty()
                && name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
            if !plain || columns.iter().any(|c| c.name == name) {
                return Err(self.fault(&format!("{name:?} is not a column name")));
            }
            let ty = ColumnType::from_name(&ty)
                .ok_or_else(|| self.fault(&format!("{ty:?} is not a column type")))?;
            columns.push(Column { name, ty });
        }
        if columns.is_empty() {
            return Err(self.fault("a table without columns"));
        }
        Ok(columns)
    }

    fn row(&mut self, values: Vec<Value>) -> Result<Vec<Cell>, Fault> {
        let Some(columns) = &self.columns else {
            return Err(self.fault("a row before any table line"));
        };
        if values.len() != columns.len() {
            return Err(self.fault(&format!(
                "a row of {} values in a table of {} columns",
                values.len(),
                columns.len()
            )));
        }
        let mut cells = Vec::with_capacity(values.len());
        for (value, column) in values.into_iter().zip(columns) {
            let cell = match (column.ty, value) {
                (_, Value::Null) => Some(Cell::Null),
                (ColumnType::Int, Value::Number(n)) => n.as_i64().map(Cell::Int),
                (ColumnType::Text, Value::String(s)) => Some(Cell::Text(s)),
                (ColumnType::Bytes, Value::String(s)) => BASE64.decode(s).ok().map(Cell::Bytes),
                (ColumnType::Bool, Value::Bool(b)) => Some(Cell::Bool(b)),
                _ => None,
            };
            match cell {
                Some(cell) => cells.push(cell),
                None => {
                    return Err(self.fault(&format!(
                        "the value of {} is not of type {}",
                        column.name,
                        column.ty.name()
                    )));
                }
            }
        }
        self.rows += 1;
        Ok(cells)
    }

    fn check_end(&mut self, end: &End) -> Result<(), Fault> {
        if (end.tables, end.rows) != (self.tables, self.rows) {
            return Err(self.fault(&format!(
                "the end line counts {} tables and {} rows, the file has {} and {}",
                end.tables, end.rows, self.tables, self.rows
            )));
        }
        let found = hex(&self.hash.finalize_reset());
        if found != end.sha256 {
            return Err(self.fault(&format!(
                "the checksum does not match: the file says sha256 {}, its content is {found}",
                end.sha256
            )));
        }
        Ok(())
    }

    /// The next line into `buffer` (without its newline); false at the end of the file.
    fn read_line(&mut self) -> Result<bool, Fault> {
        self.buffer.clear();
        self.line += 1;
        let read = self
            .input
            .read_until(b'\n', &mut self.buffer)
            .map_err(|e| self.fault(&format!("cannot read: {e}")))?;
        if read == 0 {
            return Ok(false);
        }
        if self.buffer.last() != Some(&b'\n') {
            return Err(self.fault("the last line is cut short"));
        }
        Ok(true)
    }

    fn fault(&self, problem: &str) -> Fault {
        Fault {
            line: self.line,
            problem: problem.to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header() -> Header {
        Header {
            format: FORMAT.into(),
            format_version: FORMAT_VERSION,
            ocomms_version: "0.1.0".into(),
            created_at: "2026-12-04T10:00:00Z".into(),
            scope: "all".into(),
            backend: "sqlite".into(),
            schema_version: 12,
        }
    }

    fn columns() -> Vec<Column> {
        [
            ("id", ColumnType::Int),
            ("name", ColumnType::Text),
            ("image", ColumnType::Bytes),
            ("admin", ColumnType::Bool),
        ]
        .into_iter()
        .map(|(name, ty)| Column {
            name: name.into(),
            ty,
        })
        .collect()
    }

    fn rows() -> Vec<Vec<Cell>> {
        vec![
            vec![
                Cell::Int(1),
                Cell::Text("Ada \"🦀\"\nLovelace".into()),
                Cell::Bytes(vec![0, 255, 10]),
                Cell::Bool(true),
            ],
            vec![Cell::Int(-2), Cell::Null, Cell::Null, Cell::Bool(false)],
        ]
    }

    fn written() -> Vec<u8> {
        let mut writer = Writer::new(Vec::new(), &header()).unwrap();
        writer.table("users", &columns()).unwrap();
        for row in rows() {
            writer.row(&row).unwrap();
        }
        writer.finish().unwrap().0
    }

    fn read_all(bytes: &[u8]) -> Result<Vec<Item>, Fault> {
        let (mut reader, _) = Reader::open(bytes)?;
        let mut items = Vec::new();
        while let Some(item) = reader.next_item()? {
            items.push(item);
        }
        Ok(items)
    }

    #[test]
    fn what_is_written_reads_back_the_same() {
        let bytes = written();
        let (_, read_header) = Reader::open(&bytes[..]).unwrap();
        assert_eq!(read_header, header());
        let items = read_all(&bytes).unwrap();
        assert_eq!(
            items[0],
            Item::Table {
                name: "users".into(),
                columns: columns()
            }
        );
        assert_eq!(items[1], Item::Row(rows()[0].clone()));
        assert_eq!(items[2], Item::Row(rows()[1].clone()));
        assert!(matches!(&items[3], Item::End(end) if end.rows == 2 && end.tables == 1));
        assert_eq!(String::from_utf8(bytes).unwrap().lines().count(), 5);
    }

    #[test]
    fn a_cut_or_changed_file_is_refused_with_its_line() {
        let bytes = written();
        let cut = &bytes[..bytes.len() - 40];
        assert!(read_all(cut).unwrap_err().problem.contains("cut short"));
        let without_end: Vec<u8> = {
            let text = String::from_utf8(bytes.clone()).unwrap();
            let lines: Vec<&str> = text.lines().collect();
            format!("{}\n", lines[..4].join("\n")).into_bytes()
        };
        let fault = read_all(&without_end).unwrap_err();
        assert_eq!(fault.line, 5);
        assert!(fault.problem.contains("without its end line"));
        let changed = String::from_utf8(bytes.clone())
            .unwrap()
            .replace("Lovelace", "Byron")
            .into_bytes();
        let fault = read_all(&changed).unwrap_err();
        assert!(fault.problem.contains("checksum"), "{fault}");
        assert_eq!(fault.line, 5);
        let mut extra = bytes.clone();
        extra.extend_from_slice(b"[1]\n");
        assert!(
            read_all(&extra)
                .unwrap_err()
                .problem
                .contains("after the end")
        );
    }

    #[test]
    fn hostile_lines_are_faults_not_sql() {
        for (line, expect) in [
            (
                r#"{"table":"users","columns":[["id\" OR 1","int"]]}"#,
                "not a column name",
            ),
            (
                r#"{"table":"users","columns":[["id","float"]]}"#,
                "not a column type",
            ),
            (r#"{"table":"users","columns":[]}"#, "without columns"),
            (r#"[1]"#, "before any table"),
            (r#""text""#, "neither"),
        ] {
            let mut bytes = serde_json::to_vec(&header()).unwrap();
            bytes.push(b'\n');
            bytes.extend_from_slice(line.as_bytes());
            bytes.push(b'\n');
            let fault = read_all(&bytes).unwrap_err();
            assert!(fault.problem.contains(expect), "{line}: {fault}");
            assert_eq!(fault.line, 2);
        }
        let mut bytes = serde_json::to_vec(&header()).unwrap();
        bytes.extend_from_slice(b"\n{\"table\":\"t\",\"columns\":[[\"id\",\"int\"]]}\n[\"one\"]\n");
        assert!(
            read_all(&bytes)
                .unwrap_err()
                .problem
                .contains("not of type int")
        );
        assert!(Reader::open(&b"{\"format\":\"zip\"}\n"[..]).is_err());
        let empty = Reader::open(&b""[..]).err().unwrap();
        assert!(empty.problem.contains("empty"));
    }
}
