//! Files other than plain text, turned into the text the reader reads: DOCX (paragraphs, Word's
//! automatic numbering read from `numbering.xml`, real tables with merged cells written as '|'
//! rows), PDF with a text layer (see [`crate::pdf`]), XLSX and CSV task tables (from their header
//! row on), and clear refusals for what cannot be read (a legacy .doc or .xls, a zip that is not
//! an office file, a zip bomb; a scanned, protected or damaged PDF).
//!
//! Vietnamese typed in the legacy 8-bit fonts (TCVN3 .VnTime …, VNI-Times …) becomes Unicode: in a
//! DOCX by the font of each run, in any other text only when the whole text is clearly TCVN3 (see
//! [`crate::charset`]). [`to_text_noted`] says when that happened, for the caller's log.
//!
//! Pure: the bytes come from the caller; nothing here touches the file system.

use crate::ParseError;
use crate::charset::{self, Encoding, FontEncoding};
use crate::input::MAX_INPUT_BYTES;
use quick_xml::events::{BytesStart, Event};
use std::collections::HashMap;
use std::io::{Cursor, Read};
use unicode_normalization::UnicodeNormalization;

/// The most a DOCX or XLSX may unpack to: a real plan is a few megabytes of XML; more is a zip bomb.
pub const MAX_UNPACKED_BYTES: u64 = 64 * 1024 * 1024;

/// What a file is, from its first bytes and, for CSV, its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Csv,
    Docx,
    Xlsx,
    Pdf,
    /// An OLE compound file: a Word 97–2003 .doc or Excel .xls.
    Legacy,
    /// A zip that holds neither a Word document nor a workbook.
    OtherZip,
}

/// Tell a file's format. `name` (the file's name, when known) only separates CSV from text.
pub fn detect(bytes: &[u8], name: Option<&str>) -> Format {
    if bytes.starts_with(b"PK\x03\x04") {
        let Ok(zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
            return Format::OtherZip;
        };
        let names: Vec<String> = zip
            .file_names()
            .filter_map(Result::ok)
            .map(|n| n.into_owned())
            .collect();
        if names.iter().any(|n| n == "word/document.xml") {
            return Format::Docx;
        }
        if names.iter().any(|n| n.starts_with("xl/worksheets/")) {
            return Format::Xlsx;
        }
        return Format::OtherZip;
    }
    if bytes.starts_with(b"%PDF-") {
        return Format::Pdf;
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return Format::Legacy;
    }
    if name.is_some_and(|n| n.to_ascii_lowercase().ends_with(".csv")) {
        return Format::Csv;
    }
    Format::Text
}

/// The text of a file of any format the reader takes.
pub fn to_text(bytes: &[u8], name: Option<&str>) -> Result<String, ParseError> {
    to_text_noted(bytes, name).map(|(text, _)| text)
}

/// Text the reader converted from a legacy Vietnamese font encoding. Not a diagnostic — the
/// converted text is what the document shows — but worth a line in the caller's log.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Converted {
    /// Runs of a DOCX set in TCVN3 fonts (.VnTime, .VnTimeH …), converted by their font.
    pub tcvn3_runs: usize,
    /// Runs of a DOCX set in VNI fonts (VNI-Times …), converted by their font.
    pub vni_runs: usize,
    /// The whole text was recognised as TCVN3 by its characters ([`charset::looks_tcvn3`]).
    pub guessed_tcvn3: bool,
}

impl std::fmt::Display for Converted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.guessed_tcvn3 {
            return write!(
                f,
                "converted from {} to Unicode: the text had TCVN3's characters and no Unicode Vietnamese letter",
                Encoding::Tcvn3.name()
            );
        }
        write!(
            f,
            "converted to Unicode: {} run(s) in {} fonts, {} run(s) in {} fonts",
            self.tcvn3_runs,
            Encoding::Tcvn3.name(),
            self.vni_runs,
            Encoding::Vni.name()
        )
    }
}

/// [`to_text`], and whether text in a legacy Vietnamese font encoding was converted.
pub fn to_text_noted(
    bytes: &[u8],
    name: Option<&str>,
) -> Result<(String, Option<Converted>), ParseError> {
    if bytes.len() > MAX_INPUT_BYTES {
        return Err(ParseError::TooLarge {
            size: bytes.len(),
            limit: MAX_INPUT_BYTES,
        });
    }
    let lower = name.map(str::to_ascii_lowercase).unwrap_or_default();
    match detect(bytes, name) {
        Format::Text => Ok(guess_tcvn3(decode_text(bytes)?)),
        Format::Csv => {
            let (text, converted) = guess_tcvn3(decode_text(bytes)?);
            Ok((grid_text(&csv_rows(&text))?, converted))
        }
        Format::Docx => {
            let (text, converted) = docx_text_noted(bytes)?;
            if converted.is_some() {
                Ok((text, converted))
            } else {
                Ok(guess_tcvn3(text))
            }
        }
        Format::Xlsx => {
            let mut rows = xlsx_rows(bytes)?;
            let all: String = rows.iter().flatten().fold(String::new(), |mut all, c| {
                all.push_str(c);
                all.push('\n');
                all
            });
            let converted = charset::looks_tcvn3(&all).then(|| {
                for cell in rows.iter_mut().flatten() {
                    *cell = charset::tcvn3_to_unicode(cell);
                }
                GUESSED
            });
            Ok((grid_text(&rows)?, converted))
        }
        Format::Pdf => Ok(guess_tcvn3(crate::pdf::text(bytes)?)),
        Format::Legacy => Err(ParseError::Legacy {
            save_as: if lower.ends_with(".xls") {
                "xlsx"
            } else {
                "docx"
            },
        }),
        Format::OtherZip => Err(ParseError::Office(
            "a zip file that is neither a Word document (.docx) nor a workbook (.xlsx)".into(),
        )),
    }
}

const GUESSED: Converted = Converted {
    tcvn3_runs: 0,
    vni_runs: 0,
    guessed_tcvn3: true,
};

/// A text converted from TCVN3 when it clearly is TCVN3, else as it is.
fn guess_tcvn3(text: String) -> (String, Option<Converted>) {
    if charset::looks_tcvn3(&text) {
        (charset::tcvn3_to_unicode(&text), Some(GUESSED))
    } else {
        (text, None)
    }
}

/// [`crate::input::decode`], and for bytes that are not UTF-8, Windows-1252 when that gives a
/// text that is clearly TCVN3 (a plan saved as "plain text" from a .VnTime document). Otherwise
/// the UTF-8 error stands.
fn decode_text(bytes: &[u8]) -> Result<String, ParseError> {
    match crate::input::decode(bytes) {
        Err(ParseError::InvalidUtf8 { offset }) => {
            let text: String = bytes.iter().map(|&b| windows_1252(b)).collect();
            if charset::looks_tcvn3(&text) {
                crate::input::decode(text.as_bytes())
            } else {
                Err(ParseError::InvalidUtf8 { offset })
            }
        }
        other => other,
    }
}

/// A byte of Windows-1252 as Unicode (its five unassigned bytes as the C1 controls).
fn windows_1252(b: u8) -> char {
    const C1: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8D}', 'Ž',
        '\u{8F}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9D}',
        'ž', 'Ÿ',
    ];
    match b {
        0x80..=0x9F => C1.get(usize::from(b - 0x80)).copied().unwrap_or('\u{FFFD}'),
        _ => char::from(b),
    }
}

/// Open a zip and read one member, refusing members that unpack past the limit.
fn member(
    zip: &mut zip::ZipArchive<Cursor<&[u8]>>,
    name: &str,
    budget: &mut u64,
) -> Result<Option<Vec<u8>>, ParseError> {
    let file = match zip.by_name(name) {
        Ok(f) => f,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(e) => return Err(ParseError::Office(format!("cannot read {name}: {e}"))),
    };
    let mut out = Vec::new();
    let limit = *budget;
    let read = file
        .take(limit + 1)
        .read_to_end(&mut out)
        .map_err(|e| ParseError::Office(format!("cannot unpack {name}: {e}")))?;
    let read = read as u64;
    if read > limit {
        return Err(ParseError::Office(format!(
            "the file unpacks to more than {} MiB (a zip bomb?)",
            MAX_UNPACKED_BYTES / 1024 / 1024
        )));
    }
    *budget -= read;
    Ok(Some(out))
}

fn open(bytes: &[u8]) -> Result<zip::ZipArchive<Cursor<&[u8]>>, ParseError> {
    zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| ParseError::Office(format!("not a valid zip: {e}")))
}

fn attr(e: &BytesStart<'_>, key: &[u8]) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == key || a.key.local_name().as_ref() == key)
        .map(|a| String::from_utf8_lossy(&a.value).into_owned())
}

fn xml_error(part: &str, e: impl std::fmt::Display) -> ParseError {
    ParseError::Office(format!("{part} is not well-formed XML: {e}"))
}

// ---------------------------------------------------------------- DOCX

/// One level of a numbering definition.
#[derive(Debug, Clone, Default)]
struct Level {
    format: String,
    text: String,
    start: u32,
}

/// numbering.xml: numId → the levels of its abstract numbering.
fn numbering(xml: &[u8]) -> Result<HashMap<String, Vec<Level>>, ParseError> {
    let mut abstracts: HashMap<String, Vec<Level>> = HashMap::new();
    let mut nums: HashMap<String, String> = HashMap::new();
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut buf = Vec::new();
    let mut cur_abstract: Option<String> = None;
    let mut cur_level: Option<usize> = None;
    let mut cur_num: Option<String> = None;
    loop {
        let ev = reader
            .read_event_into(&mut buf)
            .map_err(|e| xml_error("numbering.xml", e))?;
        match &ev {
            Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                b"abstractNum" => cur_abstract = attr(e, b"w:abstractNumId"),
                b"lvl" => {
                    let ilvl: usize = attr(e, b"w:ilvl").and_then(|v| v.parse().ok()).unwrap_or(0);
                    if let Some(a) = &cur_abstract {
                        let levels = abstracts.entry(a.clone()).or_default();
                        if levels.len() <= ilvl && ilvl < 9 {
                            levels.resize(ilvl + 1, Level::default());
                        }
                        cur_level = (ilvl < 9).then_some(ilvl);
                    }
                }
                b"numFmt" | b"lvlText" | b"start" => {
                    if let (Some(a), Some(l)) = (&cur_abstract, cur_level)
                        && let Some(level) = abstracts.get_mut(a).and_then(|v| v.get_mut(l))
                    {
                        let val = attr(e, b"w:val").unwrap_or_default();
                        match e.local_name().as_ref() {
                            b"numFmt" => level.format = val,
                            b"lvlText" => level.text = val,
                            _ => level.start = val.parse().unwrap_or(1),
                        }
                    }
                }
                b"num" => cur_num = attr(e, b"w:numId"),
                b"abstractNumId" => {
                    if let (Some(n), Some(a)) = (&cur_num, attr(e, b"w:val")) {
                        nums.insert(n.clone(), a);
                    }
                }
                _ => {}
            },
            Event::End(e) => match e.local_name().as_ref() {
                b"abstractNum" => cur_abstract = None,
                b"lvl" => cur_level = None,
                b"num" => cur_num = None,
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Ok(nums
        .into_iter()
        .filter_map(|(n, a)| abstracts.get(&a).map(|l| (n, l.clone())))
        .collect())
}

fn roman(mut n: u32) -> String {
    let table = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut out = String::new();
    for (v, s) in table {
        while n >= v {
            out.push_str(s);
            n -= v;
        }
    }
    out
}

/// Vietnamese lists letter their points a, b, c, d, đ, e …
fn letter(n: u32) -> String {
    const LETTERS: &[&str] = &[
        "a", "b", "c", "d", "đ", "e", "g", "h", "i", "k", "l", "m", "n", "o", "p", "q", "r", "s",
        "t", "u", "v", "x", "y",
    ];
    let i = usize::try_from(n.saturating_sub(1)).unwrap_or(0);
    LETTERS
        .get(i)
        .map_or_else(|| n.to_string(), |s| (*s).to_string())
}

fn format_number(n: u32, format: &str) -> String {
    match format {
        "upperRoman" => roman(n),
        "lowerRoman" => roman(n).to_lowercase(),
        "lowerLetter" => letter(n),
        "upperLetter" => letter(n).to_uppercase(),
        _ => n.to_string(),
    }
}

/// Counters of the lists met so far, by numId.
#[derive(Default)]
struct Counters {
    by_num: HashMap<String, [u32; 9]>,
}

impl Counters {
    /// The marker Word shows for a paragraph of list `num` at level `ilvl`.
    fn marker(
        &mut self,
        defs: &HashMap<String, Vec<Level>>,
        num: &str,
        ilvl: usize,
    ) -> Option<String> {
        let levels = defs.get(num)?;
        let level = levels.get(ilvl)?;
        if level.format == "none" {
            return None;
        }
        if level.format == "bullet" {
            return Some("-".into());
        }
        let c = self.by_num.entry(num.to_string()).or_insert([0; 9]);
        c[ilvl] = if c[ilvl] == 0 {
            level.start.max(1)
        } else {
            c[ilvl] + 1
        };
        for deeper in c.iter_mut().skip(ilvl + 1) {
            *deeper = 0;
        }
        let mut text = level.text.clone();
        for (k, lv) in levels.iter().enumerate().take(ilvl + 1) {
            let value = if c[k] == 0 { lv.start.max(1) } else { c[k] };
            text = text.replace(&format!("%{}", k + 1), &format_number(value, &lv.format));
        }
        // Vietnamese plans letter their points "a)"; Word's default letter list writes "a.".
        if level.format == "lowerLetter" && text.ends_with('.') {
            text.pop();
            text.push(')');
        }
        Some(text)
    }
}

/// One table being read: rows of cells, with what each cell's vertical merge says.
#[derive(Default)]
struct TableState {
    rows: Vec<Vec<String>>,
    row: Vec<String>,
    cell: String,
    span: usize,
    /// The cell continues the merged cell above.
    merged: bool,
    /// Grid columns whose cell continues a vertical merge, per row.
    merged_cols: Vec<Vec<usize>>,
    row_merged: Vec<usize>,
}

/// A run's fonts as far as legacy encodings go: for each of Word's two Latin slots — `w:ascii`
/// (characters below U+0080) and `w:hAnsi` (the others) — `None` when not set at this level,
/// `Some(None)` for a Unicode font (or a theme font), `Some(Some(_))` for a TCVN3 or VNI font.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Slots {
    ascii: Option<Option<FontEncoding>>,
    other: Option<Option<FontEncoding>>,
}

impl Slots {
    /// A `w:rFonts` element. A theme font (`w:asciiTheme`) wins over the named one of its slot.
    fn of(e: &BytesStart<'_>) -> Self {
        let slot = |theme: &[u8], named: &[u8]| {
            if attr(e, theme).is_some() {
                Some(None)
            } else {
                attr(e, named).map(|n| charset::font_encoding(&n))
            }
        };
        Self {
            ascii: slot(b"w:asciiTheme", b"w:ascii"),
            other: slot(b"w:hAnsiTheme", b"w:hAnsi"),
        }
    }

    /// These fonts, with what is not set here taken from `below`.
    fn or(self, below: Self) -> Self {
        Self {
            ascii: self.ascii.or(below.ascii),
            other: self.other.or(below.other),
        }
    }

    fn is_legacy(self) -> bool {
        self.ascii.flatten().is_some() || self.other.flatten().is_some()
    }
}

/// styles.xml as far as fonts go: each style's fonts with what it is based on folded in, the
/// document defaults, and the default paragraph style.
#[derive(Default)]
struct Styles {
    fonts: HashMap<String, Slots>,
    defaults: Slots,
    default_paragraph: Option<String>,
}

impl Styles {
    fn parse(xml: &[u8]) -> Result<Self, ParseError> {
        let mut own: HashMap<String, Slots> = HashMap::new();
        let mut based: HashMap<String, String> = HashMap::new();
        let mut out = Self::default();
        let mut reader = quick_xml::Reader::from_reader(xml);
        let mut buf = Vec::new();
        let mut style: Option<String> = None;
        let mut in_defaults = false;
        // Conditional formatting of a table style (w:tblStylePr) is not the style's own.
        let mut conditional = 0usize;
        loop {
            let ev = reader
                .read_event_into(&mut buf)
                .map_err(|e| xml_error("styles.xml", e))?;
            match &ev {
                Event::Start(e) | Event::Empty(e) => {
                    let empty = matches!(ev, Event::Empty(_));
                    match e.local_name().as_ref() {
                        b"docDefaults" if !empty => in_defaults = true,
                        b"style" if !empty => {
                            style = attr(e, b"w:styleId");
                            if attr(e, b"w:type").as_deref() == Some("paragraph")
                                && attr(e, b"w:default").is_some_and(|v| v == "1" || v == "true")
                            {
                                out.default_paragraph.clone_from(&style);
                            }
                        }
                        b"tblStylePr" if !empty => conditional += 1,
                        b"basedOn" => {
                            if let (Some(id), Some(base)) = (&style, attr(e, b"w:val")) {
                                based.insert(id.clone(), base);
                            }
                        }
                        b"rFonts" if conditional == 0 => {
                            if in_defaults {
                                out.defaults = Slots::of(e);
                            } else if let Some(id) = &style {
                                own.insert(id.clone(), Slots::of(e));
                            }
                        }
                        _ => {}
                    }
                }
                Event::End(e) => match e.local_name().as_ref() {
                    b"docDefaults" => in_defaults = false,
                    b"style" => style = None,
                    b"tblStylePr" => conditional = conditional.saturating_sub(1),
                    _ => {}
                },
                Event::Eof => break,
                _ => {}
            }
            buf.clear();
        }
        let ids: Vec<&String> = own.keys().chain(based.keys()).collect();
        for id in ids {
            let mut slots = Slots::default();
            let mut at = Some(id);
            // A chain longer than this is a loop.
            for _ in 0..32 {
                let Some(cur) = at else { break };
                slots = slots.or(own.get(cur).copied().unwrap_or_default());
                at = based.get(cur);
            }
            out.fonts.insert(id.clone(), slots);
        }
        Ok(out)
    }

    fn get(&self, id: Option<&str>) -> Slots {
        id.and_then(|i| self.fonts.get(i))
            .copied()
            .unwrap_or_default()
    }
}

/// Where text goes: the run being read, or the paragraph between runs.
fn sink<'a>(runs: &'a mut [Run], para: &'a mut String) -> &'a mut String {
    match runs.last_mut() {
        Some(r) => &mut r.text,
        None => para,
    }
}

/// A run being read: its own fonts, its character style and its text.
#[derive(Default)]
struct Run {
    fonts: Slots,
    style: Option<String>,
    text: String,
}

/// The text of a DOCX: one line per paragraph (with its automatic number), one '|' row per table
/// row. A cell merged down repeats the text above it, except a row number.
pub fn docx_text(bytes: &[u8]) -> Result<String, ParseError> {
    docx_text_noted(bytes).map(|(text, _)| text)
}

/// [`docx_text`], with the runs set in a TCVN3 or VNI font converted to Unicode (the font from the
/// run, its character style, the paragraph's style or the document's defaults), each paragraph
/// with such a run put in NFC.
fn docx_text_noted(bytes: &[u8]) -> Result<(String, Option<Converted>), ParseError> {
    let mut zip = open(bytes)?;
    let mut budget = MAX_UNPACKED_BYTES;
    let doc = member(&mut zip, "word/document.xml", &mut budget)?
        .ok_or_else(|| ParseError::Office("the DOCX has no word/document.xml".into()))?;
    let defs = match member(&mut zip, "word/numbering.xml", &mut budget)? {
        Some(x) => numbering(&x)?,
        None => HashMap::new(),
    };
    let styles = match member(&mut zip, "word/styles.xml", &mut budget)? {
        Some(x) => Styles::parse(&x)?,
        None => Styles::default(),
    };
    let mut converted = Converted::default();
    let mut counters = Counters::default();
    let mut out = String::new();
    let mut reader = quick_xml::Reader::from_reader(doc.as_slice());
    let mut buf = Vec::new();
    let mut para = String::new();
    // The paragraph has a run in a legacy font: put it in NFC when it ends.
    let mut para_legacy = false;
    let mut para_style: Option<String> = None;
    let mut in_text = false;
    let mut in_ppr = false;
    // Inside w:rPrChange: the formatting before a tracked change, not the run's.
    let mut in_change = false;
    let mut num: Option<String> = None;
    let mut ilvl = 0usize;
    let mut tables: Vec<TableState> = Vec::new();
    // Runs being read (a text box inside a run has runs of its own).
    let mut runs: Vec<Run> = Vec::new();
    let run_fonts = |run: &Run, para_style: Option<&str>| -> Slots {
        run.fonts
            .or(styles.get(run.style.as_deref()))
            .or(styles.get(para_style.or(styles.default_paragraph.as_deref())))
            .or(styles.defaults)
    };
    loop {
        let ev = reader
            .read_event_into(&mut buf)
            .map_err(|e| xml_error("word/document.xml", e))?;
        match &ev {
            Event::Start(e) | Event::Empty(e) => {
                let empty = matches!(ev, Event::Empty(_));
                match e.local_name().as_ref() {
                    b"p" if !empty => {
                        para.clear();
                        para_legacy = false;
                        para_style = None;
                        num = None;
                        ilvl = 0;
                    }
                    b"pPr" if !empty => in_ppr = true,
                    b"pStyle" if in_ppr => para_style = attr(e, b"w:val"),
                    b"r" if !empty => runs.push(Run::default()),
                    b"rPrChange" if !empty => in_change = true,
                    b"rFonts" if !in_ppr && !in_change => {
                        if let Some(r) = runs.last_mut() {
                            r.fonts = Slots::of(e);
                        }
                    }
                    b"rStyle" if !in_ppr && !in_change => {
                        if let Some(r) = runs.last_mut() {
                            r.style = attr(e, b"w:val");
                        }
                    }
                    b"t" if !empty => in_text = true,
                    b"tab" => sink(&mut runs, &mut para).push(' '),
                    b"br" | b"cr" => sink(&mut runs, &mut para).push('\n'),
                    // TCVN3 keeps ư at 0xAD, the soft hyphen, which Word writes as an element.
                    b"softHyphen"
                        if runs.last().is_some_and(|r| {
                            run_fonts(r, para_style.as_deref())
                                .other
                                .flatten()
                                .is_some_and(|f| f.encoding == Encoding::Tcvn3)
                        }) =>
                    {
                        sink(&mut runs, &mut para).push('\u{AD}');
                    }
                    b"numId" => num = attr(e, b"w:val").filter(|v| v != "0"),
                    b"ilvl" => ilvl = attr(e, b"w:val").and_then(|v| v.parse().ok()).unwrap_or(0),
                    b"tbl" if !empty => tables.push(TableState::default()),
                    b"tr" if !empty => {
                        if let Some(t) = tables.last_mut() {
                            t.row.clear();
                            t.row_merged.clear();
                        }
                    }
                    b"tc" if !empty => {
                        if let Some(t) = tables.last_mut() {
                            t.cell.clear();
                            t.span = 1;
                            t.merged = false;
                        }
                    }
                    b"gridSpan" => {
                        if let Some(t) = tables.last_mut() {
                            t.span = attr(e, b"w:val")
                                .and_then(|v| v.parse().ok())
                                .unwrap_or(1)
                                .clamp(1, 64);
                        }
                    }
                    b"vMerge" => {
                        if let Some(t) = tables.last_mut() {
                            t.merged = attr(e, b"w:val").is_none_or(|v| v == "continue");
                        }
                    }
                    _ => {}
                }
            }
            Event::Text(t) if in_text => {
                let s = t.decode().map_err(|e| xml_error("word/document.xml", e))?;
                sink(&mut runs, &mut para).push_str(&s);
            }
            Event::GeneralRef(r) if in_text => sink(&mut runs, &mut para).push_str(entity(r)),
            Event::End(e) => match e.local_name().as_ref() {
                b"t" => in_text = false,
                b"pPr" => in_ppr = false,
                b"rPrChange" => in_change = false,
                b"r" => {
                    if let Some(run) = runs.pop() {
                        let fonts = run_fonts(&run, para_style.as_deref());
                        let into = sink(&mut runs, &mut para);
                        if fonts.is_legacy() {
                            let (ascii, other) = (fonts.ascii.flatten(), fonts.other.flatten());
                            match other.or(ascii).map(|f| f.encoding) {
                                Some(Encoding::Vni) => converted.vni_runs += 1,
                                _ => converted.tcvn3_runs += 1,
                            }
                            charset::push_run(&run.text, ascii, other, into);
                            para_legacy = true;
                        } else {
                            into.push_str(&run.text);
                        }
                    }
                }
                b"p" => {
                    if para_legacy {
                        para = para.nfc().collect();
                    }
                    let marker = num
                        .as_deref()
                        .and_then(|n| counters.marker(&defs, n, ilvl.min(8)));
                    let text = para.replace('|', "/");
                    let line = match marker {
                        Some(m) if !text.trim().is_empty() => format!("{m} {}", text.trim()),
                        _ => text.trim().to_string(),
                    };
                    match tables.last_mut() {
                        Some(t) => {
                            if !t.cell.is_empty() && !line.is_empty() {
                                t.cell.push(' ');
                            }
                            t.cell.push_str(&line.replace('\n', " "));
                        }
                        None => {
                            out.push_str(&line);
                            out.push('\n');
                        }
                    }
                }
                b"tc" => {
                    if let Some(t) = tables.last_mut() {
                        let col = t.row.len();
                        if t.merged {
                            t.row_merged.push(col);
                        }
                        t.row.push(std::mem::take(&mut t.cell));
                        for _ in 1..t.span {
                            t.row.push(String::new());
                        }
                    }
                }
                b"tr" => {
                    if let Some(t) = tables.last_mut() {
                        let row = std::mem::take(&mut t.row);
                        let merged = std::mem::take(&mut t.row_merged);
                        t.rows.push(row);
                        t.merged_cols.push(merged);
                    }
                }
                b"tbl" => {
                    if let Some(t) = tables.pop() {
                        let text = table_text(&t);
                        match tables.last_mut() {
                            // A table inside a cell: its text joins the cell.
                            Some(outer) => outer.cell.push_str(&text.replace('\n', " ")),
                            None => out.push_str(&text),
                        }
                    }
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    let any = converted.tcvn3_runs + converted.vni_runs > 0;
    Ok((out, any.then_some(converted)))
}

/// A row number ("1", "2.", "IV"): not repeated down a merged cell.
pub(crate) fn is_row_number(s: &str) -> bool {
    let t = s.trim().trim_end_matches(['.', ')']);
    !t.is_empty()
        && t.len() <= 5
        && (t.chars().all(|c| c.is_ascii_digit())
            || t.chars().all(|c| matches!(c, 'I' | 'V' | 'X')))
}

fn table_text(t: &TableState) -> String {
    let mut out = String::new();
    let mut above: Vec<String> = Vec::new();
    for (row, merged) in t.rows.iter().zip(&t.merged_cols) {
        let mut cells = row.clone();
        for &c in merged {
            if let (Some(cell), Some(up)) = (cells.get_mut(c), above.get(c))
                && cell.trim().is_empty()
                && !is_row_number(up)
            {
                cell.clone_from(up);
            }
        }
        out.push_str("| ");
        out.push_str(
            &cells
                .iter()
                .map(|c| c.trim())
                .collect::<Vec<_>>()
                .join(" | "),
        );
        out.push_str(" |\n");
        above = cells;
    }
    out
}

// ---------------------------------------------------------------- XLSX and CSV

/// The first worksheet's rows, cells as text (rows in the order stored, empty rows left out).
pub fn xlsx_rows(bytes: &[u8]) -> Result<Vec<Vec<String>>, ParseError> {
    let mut zip = open(bytes)?;
    let mut budget = MAX_UNPACKED_BYTES;
    let mut shared: Vec<String> = Vec::new();
    if let Some(xml) = member(&mut zip, "xl/sharedStrings.xml", &mut budget)? {
        let mut reader = quick_xml::Reader::from_reader(xml.as_slice());
        let mut buf = Vec::new();
        let mut cur = String::new();
        let mut in_t = false;
        loop {
            match reader
                .read_event_into(&mut buf)
                .map_err(|e| xml_error("sharedStrings.xml", e))?
            {
                Event::Start(e) if e.local_name().as_ref() == b"si" => cur.clear(),
                Event::Start(e) if e.local_name().as_ref() == b"t" => in_t = true,
                Event::End(e) if e.local_name().as_ref() == b"t" => in_t = false,
                Event::End(e) if e.local_name().as_ref() == b"si" => {
                    shared.push(std::mem::take(&mut cur))
                }
                Event::Text(t) if in_t => {
                    cur.push_str(&t.decode().map_err(|e| xml_error("sharedStrings.xml", e))?)
                }
                Event::GeneralRef(r) if in_t => cur.push_str(entity(&r)),
                Event::Eof => break,
                _ => {}
            }
            buf.clear();
        }
    }
    let mut sheet_names: Vec<String> = zip
        .file_names()
        .filter_map(Result::ok)
        .filter(|n| n.starts_with("xl/worksheets/") && n.ends_with(".xml"))
        .map(|n| n.into_owned())
        .collect();
    sheet_names.sort_by_key(|n| (n.len(), n.clone()));
    let first = sheet_names
        .first()
        .cloned()
        .ok_or_else(|| ParseError::Office("the workbook has no sheet".into()))?;
    let xml = member(&mut zip, &first, &mut budget)?.unwrap_or_default();
    let mut reader = quick_xml::Reader::from_reader(xml.as_slice());
    let mut buf = Vec::new();
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut col = 0usize;
    let mut kind = String::new();
    let mut value = String::new();
    let mut in_value = false;
    loop {
        match reader
            .read_event_into(&mut buf)
            .map_err(|e| xml_error(&first, e))?
        {
            Event::Start(e) if e.local_name().as_ref() == b"row" => rows.push(Vec::new()),
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == b"c" => {
                col = attr(&e, b"r").map_or(0, |r| column_index(&r));
                kind = attr(&e, b"t").unwrap_or_default();
                value.clear();
            }
            Event::Start(e) if matches!(e.local_name().as_ref(), b"v" | b"t") => in_value = true,
            Event::End(e) if matches!(e.local_name().as_ref(), b"v" | b"t") => in_value = false,
            Event::Text(t) if in_value => {
                value.push_str(&t.decode().map_err(|e| xml_error(&first, e))?)
            }
            Event::GeneralRef(r) if in_value => value.push_str(entity(&r)),
            Event::End(e) if e.local_name().as_ref() == b"c" => {
                let text = if kind == "s" {
                    value
                        .trim()
                        .parse::<usize>()
                        .ok()
                        .and_then(|i| shared.get(i))
                        .cloned()
                        .unwrap_or_default()
                } else {
                    value.clone()
                };
                if let Some(row) = rows.last_mut()
                    && col < 256
                {
                    if row.len() <= col {
                        row.resize(col + 1, String::new());
                    }
                    row[col] = text;
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Ok(rows)
}

fn entity(r: &[u8]) -> &'static str {
    match r {
        b"amp" => "&",
        b"lt" => "<",
        b"gt" => ">",
        b"quot" => "\"",
        b"apos" => "'",
        _ => "",
    }
}

/// "C12" → 2.
fn column_index(r: &str) -> usize {
    r.chars()
        .take_while(char::is_ascii_alphabetic)
        .fold(0usize, |acc, c| {
            acc * 26 + (c.to_ascii_uppercase() as usize - 'A' as usize + 1)
        })
        .saturating_sub(1)
}

/// Rows of a CSV text: ',' or ';' separated (whichever the first line uses more), quotes doubled.
pub fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let first = text.lines().next().unwrap_or_default();
    let sep = if first.matches(';').count() > first.matches(',').count() {
        ';'
    } else {
        ','
    };
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut cell = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                cell.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            c if c == sep && !quoted => row.push(std::mem::take(&mut cell)),
            '\r' if !quoted => {}
            '\n' if !quoted => {
                row.push(std::mem::take(&mut cell));
                rows.push(std::mem::take(&mut row));
            }
            c => cell.push(c),
        }
    }
    if !cell.is_empty() || !row.is_empty() {
        row.push(cell);
        rows.push(row);
    }
    rows
}

/// A task sheet as '|' text from its header row on; a sheet without a header row naming the task
/// and lead columns is refused.
fn grid_text(rows: &[Vec<String>]) -> Result<String, ParseError> {
    let clean =
        |r: &Vec<String>| -> Vec<String> { r.iter().map(|c| theodoi_text::clean(c)).collect() };
    let at = rows
        .iter()
        .take(30)
        .position(|r| crate::table::header(&clean(r)).is_some())
        .ok_or(ParseError::NoHeaderRow)?;
    let mut out = String::new();
    for r in &rows[at..] {
        let cells: Vec<String> = clean(r).into_iter().map(|c| c.replace('|', "/")).collect();
        if cells.iter().all(String::is_empty) {
            continue;
        }
        out.push_str("| ");
        out.push_str(&cells.join(" | "));
        out.push_str(" |\n");
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_letters() {
        assert_eq!(roman(4), "IV");
        assert_eq!(roman(12), "XII");
        assert_eq!(letter(5), "đ");
        assert_eq!(column_index("C12"), 2);
        assert_eq!(column_index("AA1"), 26);
    }

    #[test]
    fn csv() {
        let rows = csv_rows("STT;Nội dung;Chủ trì\n1;\"Rà soát; cập nhật\";Sở Tư pháp\r\n");
        assert_eq!(rows[1], ["1", "Rà soát; cập nhật", "Sở Tư pháp"]);
        assert!(matches!(
            grid_text(&csv_rows("a,b\n1,2\n")),
            Err(ParseError::NoHeaderRow)
        ));
    }

    #[test]
    fn refusals() {
        // A file that names an encryption dictionary but cannot be opened: said to be protected.
        assert!(matches!(
            to_text(b"%PDF-1.7 /Encrypt 1 0 R", None),
            Err(ParseError::Pdf(crate::pdf::PdfError::Encrypted))
        ));
        assert!(matches!(
            to_text(b"%PDF-1.7 /XObject /Image", None),
            Err(ParseError::Pdf(crate::pdf::PdfError::Damaged(_)))
        ));
        let ole = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0];
        assert!(matches!(
            to_text(&ole, Some("kh.doc")),
            Err(ParseError::Legacy { save_as: "docx" })
        ));
        assert!(matches!(
            to_text(b"PK\x03\x04garbage", None),
            Err(ParseError::Office(_))
        ));
    }
}
