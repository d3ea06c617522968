//! A page's content stream played through: where each character is drawn, at what size, and the
//! straight lines drawn (table rules). Only what text extraction needs: no colours, no clipping,
//! and images are skipped.

use super::cmap::{self, ToUnicode};
use lopdf::content::Content;
use lopdf::{Dictionary, Document, Object, ObjectId};
use std::collections::HashMap;
use std::rc::Rc;

/// Most a stream (a page's content, a font's map, a form) may unpack to.
const MAX_STREAM_BYTES: usize = 64 * 1024 * 1024;
/// Most all the streams of a document may unpack to together: a form drawn a thousand times is
/// unpacked a thousand times.
const MAX_TOTAL_BYTES: usize = 512 * 1024 * 1024;
/// Most operators played in a document. A 1 000-page plan has a few million; a form drawing a
/// form drawing a form … has no end without it.
const MAX_OPERATIONS: usize = 40_000_000;
/// Forms inside forms.
const MAX_FORM_DEPTH: u8 = 8;
/// Characters kept per page: a page of small print has 10 000.
const MAX_GLYPHS: usize = 400_000;

/// One character drawn, in page space turned so that the text runs left to right (x right, y up).
#[derive(Debug, Clone)]
pub struct Glyph {
    /// Left end of the baseline.
    pub x: f32,
    pub y: f32,
    /// Advance width.
    pub w: f32,
    /// Font size on the page.
    pub size: f32,
    pub text: String,
}

/// A straight horizontal or vertical line drawn (a table rule), `x0 <= x1`, `y0 <= y1`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Segment {
    pub x0: f32,
    pub y0: f32,
    pub x1: f32,
    pub y1: f32,
}

/// What a page draws.
#[derive(Debug, Default)]
pub struct Page {
    pub glyphs: Vec<Glyph>,
    pub segments: Vec<Segment>,
    /// Characters whose code maps to no text (a font without a Unicode map).
    pub undecodable: usize,
}

/// Why a document could not be played through.
#[derive(Debug)]
pub enum Stop {
    /// Past the limits on unpacked bytes or operators.
    TooMuch,
}

/// Budgets and fonts shared by the pages of one document.
#[derive(Default)]
pub struct Reader {
    fonts: HashMap<FontKey, Rc<Font>>,
    operations: usize,
    unpacked: usize,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum FontKey {
    Object(ObjectId),
    /// A font dictionary written inside the resources: keyed by its address, stable while the
    /// document lives.
    Inline(usize),
}

#[derive(Clone, Copy, Debug)]
struct M([f32; 6]);

impl M {
    const ID: M = M([1.0, 0.0, 0.0, 1.0, 0.0, 0.0]);

    /// `self` then `o` (row vectors, as PDF writes matrices).
    fn then(self, o: M) -> M {
        let [a, b, c, d, e, f] = self.0;
        let [a2, b2, c2, d2, e2, f2] = o.0;
        M([
            a * a2 + b * c2,
            a * b2 + b * d2,
            c * a2 + d * c2,
            c * b2 + d * d2,
            e * a2 + f * c2 + e2,
            e * b2 + f * d2 + f2,
        ])
    }

    fn apply(self, x: f32, y: f32) -> (f32, f32) {
        let [a, b, c, d, e, f] = self.0;
        (x * a + y * c + e, x * b + y * d + f)
    }

    fn translate(x: f32, y: f32) -> M {
        M([1.0, 0.0, 0.0, 1.0, x, y])
    }
}

#[derive(Clone)]
struct State {
    ctm: M,
    font: Option<Rc<Font>>,
    size: f32,
    char_space: f32,
    word_space: f32,
    scale: f32,
    leading: f32,
    rise: f32,
}

impl Default for State {
    fn default() -> Self {
        State {
            ctm: M::ID,
            font: None,
            size: 0.0,
            char_space: 0.0,
            word_space: 0.0,
            scale: 1.0,
            leading: 0.0,
            rise: 0.0,
        }
    }
}

/// A glyph before the page is turned upright: its position and direction in page space.
struct Raw {
    x: f32,
    y: f32,
    dx: f32,
    dy: f32,
    w: f32,
    size: f32,
    text: String,
}

/// Widths of a font's glyphs, in text space units per 1 000 (or per the Type 3 font matrix).
enum Widths {
    Simple {
        first: u32,
        widths: Vec<f32>,
        missing: f32,
    },
    Cid {
        widths: HashMap<u32, f32>,
        default: f32,
    },
}

struct Font {
    /// Type 0 (composite) fonts use codes of more than one byte.
    composite: bool,
    to_unicode: Option<ToUnicode>,
    /// A simple font's encoding, code by code, for fonts without a ToUnicode map.
    encoding: Vec<Option<String>>,
    widths: Widths,
    /// Glyph space to text space (1/1000 except for Type 3 fonts).
    unit: f32,
}

impl Font {
    fn width(&self, code: u32) -> f32 {
        let w = match &self.widths {
            Widths::Simple {
                first,
                widths,
                missing,
            } => code
                .checked_sub(*first)
                .and_then(|i| widths.get(usize::try_from(i).ok()?))
                .copied()
                .unwrap_or(*missing),
            Widths::Cid { widths, default } => widths.get(&code).copied().unwrap_or(*default),
        };
        w * self.unit
    }

    /// Split a string into (code, code length, text).
    fn codes(&self, bytes: &[u8]) -> Vec<(u32, u8, Option<String>)> {
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            let rest = bytes.get(i..).unwrap_or_default();
            let len = if self.composite {
                self.to_unicode
                    .as_ref()
                    .and_then(|m| m.code_len(rest))
                    .unwrap_or(2)
            } else {
                1
            };
            let n = usize::from(len).min(rest.len()).max(1);
            let code = rest
                .get(..n)
                .unwrap_or_default()
                .iter()
                .fold(0u32, |a, &b| (a << 8) | u32::from(b));
            let text = self
                .to_unicode
                .as_ref()
                .and_then(|m| m.get(len, code))
                .or_else(|| {
                    (!self.composite)
                        .then(|| {
                            self.encoding
                                .get(usize::try_from(code).ok()?)
                                .cloned()
                                .flatten()
                        })
                        .flatten()
                });
            out.push((code, len, text));
            i += n;
        }
        out
    }
}

fn num(o: &Object) -> Option<f32> {
    match o {
        Object::Integer(i) => Some(*i as f32),
        Object::Real(r) if r.is_finite() => Some(*r),
        _ => None,
    }
}

fn nums<const N: usize>(ops: &[Object]) -> Option<[f32; N]> {
    let mut out = [0.0; N];
    if ops.len() < N {
        return None;
    }
    for (o, v) in ops.iter().rev().take(N).zip(out.iter_mut().rev()) {
        *v = num(o)?;
    }
    Some(out)
}

fn deref<'a>(doc: &'a Document, o: &'a Object) -> Option<&'a Object> {
    doc.dereference(o).ok().map(|(_, o)| o)
}

fn dict<'a>(doc: &'a Document, o: &'a Object) -> Option<&'a Dictionary> {
    deref(doc, o)?.as_dict().ok()
}

fn get<'a>(doc: &'a Document, d: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
    deref(doc, d.get(key).ok()?)
}

/// A page's resource dictionaries, nearest first.
pub fn page_resources(doc: &Document, page: ObjectId) -> Vec<&Dictionary> {
    let mut out = Vec::new();
    if let Ok((own, ids)) = doc.get_page_resources(page) {
        out.extend(own);
        out.extend(ids.into_iter().filter_map(|id| doc.get_dictionary(id).ok()));
    }
    out
}

fn lookup<'a>(
    doc: &'a Document,
    resources: &[&'a Dictionary],
    category: &[u8],
    name: &[u8],
) -> Option<(&'a Object, FontKey)> {
    resources.iter().find_map(|r| {
        let cat = dict(doc, r.get(category).ok()?)?;
        let entry = cat.get(name).ok()?;
        let key = match entry {
            Object::Reference(id) => FontKey::Object(*id),
            other => FontKey::Inline(std::ptr::from_ref(other) as usize),
        };
        Some((deref(doc, entry)?, key))
    })
}

impl Reader {
    fn unpack(&mut self, stream: &lopdf::Stream) -> Result<Vec<u8>, Stop> {
        let data = stream
            .get_plain_content_with_limit(MAX_STREAM_BYTES)
            .or_else(|e| match e {
                lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded {
                    ..
                }) => Err(Stop::TooMuch),
                // A stream whose filter fails is read as it is, as viewers do.
                _ => Ok(stream.content.clone()),
            })?;
        self.unpacked = self.unpacked.saturating_add(data.len());
        if self.unpacked > MAX_TOTAL_BYTES {
            return Err(Stop::TooMuch);
        }
        Ok(data)
    }

    fn font(&mut self, doc: &Document, d: &Dictionary, key: FontKey) -> Result<Rc<Font>, Stop> {
        if let Some(f) = self.fonts.get(&key) {
            return Ok(f.clone());
        }
        let font = Rc::new(self.load_font(doc, d)?);
        self.fonts.insert(key, font.clone());
        Ok(font)
    }

    fn load_font(&mut self, doc: &Document, d: &Dictionary) -> Result<Font, Stop> {
        let subtype = get(doc, d, b"Subtype")
            .and_then(|o| o.as_name().ok())
            .unwrap_or_default();
        let to_unicode = match get(doc, d, b"ToUnicode").and_then(|o| o.as_stream().ok()) {
            Some(s) => Some(cmap::parse(&self.unpack(s)?)),
            None => None,
        };
        if subtype == b"Type0" {
            let descendant = get(doc, d, b"DescendantFonts")
                .and_then(|o| o.as_array().ok())
                .and_then(|a| a.first())
                .and_then(|o| dict(doc, o));
            let default = descendant
                .and_then(|f| get(doc, f, b"DW"))
                .and_then(num)
                .unwrap_or(1000.0);
            let mut widths = HashMap::new();
            if let Some(w) = descendant
                .and_then(|f| get(doc, f, b"W"))
                .and_then(|o| o.as_array().ok())
            {
                cid_widths(doc, w, &mut widths);
            }
            return Ok(Font {
                composite: true,
                to_unicode,
                encoding: Vec::new(),
                widths: Widths::Cid { widths, default },
                unit: 0.001,
            });
        }
        let first = get(doc, d, b"FirstChar")
            .and_then(|o| o.as_i64().ok())
            .and_then(|v| u32::try_from(v).ok())
            .unwrap_or(0);
        let widths: Vec<f32> = get(doc, d, b"Widths")
            .and_then(|o| o.as_array().ok())
            .map(|a| {
                a.iter()
                    .take(65_536)
                    .map(|o| deref(doc, o).and_then(num).unwrap_or(0.0))
                    .collect()
            })
            .unwrap_or_default();
        let missing = get(doc, d, b"FontDescriptor")
            .and_then(|o| o.as_dict().ok())
            .and_then(|fd| get(doc, fd, b"MissingWidth"))
            .and_then(num)
            // Standard fonts come without widths: half an em is near the average letter.
            .unwrap_or(if widths.is_empty() { 500.0 } else { 0.0 });
        let unit = if subtype == b"Type3" {
            get(doc, d, b"FontMatrix")
                .and_then(|o| o.as_array().ok())
                .and_then(|a| a.first())
                .and_then(num)
                .filter(|v| v.is_finite() && *v != 0.0)
                .unwrap_or(0.001)
        } else {
            0.001
        };
        let encoding = match d.get_font_encoding(doc) {
            Ok(enc) => (0u8..=255)
                .map(|b| {
                    enc.bytes_to_string(&[b])
                        .ok()
                        .filter(|s| !s.is_empty() && !s.contains('\u{FFFD}'))
                })
                .collect(),
            Err(_) => Vec::new(),
        };
        Ok(Font {
            composite: false,
            to_unicode,
            encoding,
            widths: Widths::Simple {
                first,
                widths,
                missing,
            },
            unit,
        })
    }

    /// Play a page's content.
    pub fn page(&mut self, doc: &Document, page: ObjectId) -> Result<Page, Stop> {
        let mut data = Vec::new();
        for id in doc.get_page_contents(page) {
            if let Ok(s) = doc.get_object(id).and_then(Object::as_stream) {
                data.extend(self.unpack(s)?);
                data.push(b'\n');
            }
        }
        let resources = page_resources(doc, page);
        let mut run = Run {
            doc,
            reader: self,
            state: State::default(),
            stack: Vec::new(),
            tm: M::ID,
            tlm: M::ID,
            path: Vec::new(),
            current: (0.0, 0.0),
            start: (0.0, 0.0),
            raw: Vec::new(),
            segments: Vec::new(),
            undecodable: 0,
        };
        run.play(&data, &resources, 0)?;
        let Run {
            raw,
            segments,
            undecodable,
            ..
        } = run;
        Ok(upright(raw, segments, undecodable))
    }
}

fn cid_widths(doc: &Document, w: &[Object], out: &mut HashMap<u32, f32>) {
    let mut i = 0;
    while let Some(first) = w.get(i).and_then(|o| deref(doc, o)).and_then(num) {
        let first = first.max(0.0) as u32;
        match w.get(i + 1).and_then(|o| deref(doc, o)) {
            Some(Object::Array(list)) => {
                for (k, v) in list.iter().enumerate().take(65_536) {
                    if let Some(v) = deref(doc, v).and_then(num) {
                        out.insert(first.saturating_add(k as u32), v);
                    }
                }
                i += 2;
            }
            Some(o) => {
                let Some(last) = num(o) else { return };
                let Some(v) = w.get(i + 2).and_then(|o| deref(doc, o)).and_then(num) else {
                    return;
                };
                let last = (last.max(0.0) as u32).min(first.saturating_add(65_535));
                for c in first..=last {
                    out.insert(c, v);
                }
                i += 3;
            }
            None => return,
        }
        if out.len() > 200_000 {
            return;
        }
    }
}

struct Run<'a, 'r> {
    doc: &'a Document,
    reader: &'r mut Reader,
    state: State,
    stack: Vec<State>,
    tm: M,
    tlm: M,
    path: Vec<(f32, f32, f32, f32)>,
    current: (f32, f32),
    start: (f32, f32),
    raw: Vec<Raw>,
    segments: Vec<Segment>,
    undecodable: usize,
}

impl Run<'_, '_> {
    fn play(&mut self, data: &[u8], resources: &[&Dictionary], depth: u8) -> Result<(), Stop> {
        // Operators are played until the first that cannot be parsed: what came before stands.
        for op in Content::decode_iter(data) {
            let Ok(op) = op else { break };
            self.reader.operations += 1;
            if self.reader.operations > MAX_OPERATIONS {
                return Err(Stop::TooMuch);
            }
            self.operation(&op.operator, &op.operands, resources, depth)?;
        }
        Ok(())
    }

    fn operation(
        &mut self,
        operator: &str,
        operands: &[Object],
        resources: &[&Dictionary],
        depth: u8,
    ) -> Result<(), Stop> {
        let s = &mut self.state;
        match operator {
            "q" if self.stack.len() < 256 => self.stack.push(s.clone()),
            "Q" => {
                if let Some(prev) = self.stack.pop() {
                    self.state = prev;
                }
            }
            "cm" => {
                if let Some(m) = nums::<6>(operands) {
                    s.ctm = M(m).then(s.ctm);
                }
            }
            "BT" => {
                self.tm = M::ID;
                self.tlm = M::ID;
            }
            "Tf" => {
                if let (Some(Object::Name(name)), Some(size)) =
                    (operands.first(), operands.get(1).and_then(num))
                {
                    s.size = size;
                    s.font = match lookup(self.doc, resources, b"Font", name) {
                        Some((o, key)) => match o.as_dict() {
                            Ok(d) => Some(self.reader.font(self.doc, d, key)?),
                            Err(_) => None,
                        },
                        None => None,
                    };
                }
            }
            "Tc" => s.char_space = operands.first().and_then(num).unwrap_or(0.0),
            "Tw" => s.word_space = operands.first().and_then(num).unwrap_or(0.0),
            "Tz" => s.scale = operands.first().and_then(num).unwrap_or(100.0) / 100.0,
            "TL" => s.leading = operands.first().and_then(num).unwrap_or(0.0),
            "Ts" => s.rise = operands.first().and_then(num).unwrap_or(0.0),
            "Td" => {
                if let Some([x, y]) = nums::<2>(operands) {
                    self.next_line(x, y);
                }
            }
            "TD" => {
                if let Some([x, y]) = nums::<2>(operands) {
                    s.leading = -y;
                    self.next_line(x, y);
                }
            }
            "Tm" => {
                if let Some(m) = nums::<6>(operands) {
                    self.tm = M(m);
                    self.tlm = M(m);
                }
            }
            "T*" => {
                let l = s.leading;
                self.next_line(0.0, -l);
            }
            "Tj" => {
                if let Some(Ok(b)) = operands.first().map(Object::as_str) {
                    self.show(b);
                }
            }
            "'" => {
                let l = s.leading;
                self.next_line(0.0, -l);
                if let Some(Ok(b)) = operands.first().map(Object::as_str) {
                    self.show(b);
                }
            }
            "\"" => {
                if let [aw, ac, text] = operands {
                    s.word_space = num(aw).unwrap_or(0.0);
                    s.char_space = num(ac).unwrap_or(0.0);
                    let l = s.leading;
                    self.next_line(0.0, -l);
                    if let Ok(b) = text.as_str() {
                        self.show(b);
                    }
                }
            }
            "TJ" => {
                if let Some(Ok(items)) = operands.first().map(Object::as_array) {
                    for item in items {
                        match item {
                            Object::String(b, _) => self.show(b),
                            other => {
                                if let Some(n) = num(other) {
                                    let st = &self.state;
                                    let tx = -n / 1000.0 * st.size * st.scale;
                                    self.tm = M::translate(tx, 0.0).then(self.tm);
                                }
                            }
                        }
                    }
                }
            }
            "m" => {
                if let Some([x, y]) = nums::<2>(operands) {
                    let p = s.ctm.apply(x, y);
                    self.current = p;
                    self.start = p;
                }
            }
            "l" => {
                if let Some([x, y]) = nums::<2>(operands) {
                    let p = s.ctm.apply(x, y);
                    self.path.push((self.current.0, self.current.1, p.0, p.1));
                    self.current = p;
                }
            }
            "c" | "v" | "y" => {
                if let Some([x, y]) = nums::<2>(operands) {
                    // A curve is no rule; the path goes on from its end.
                    self.current = s.ctm.apply(x, y);
                }
            }
            "h" => {
                self.path
                    .push((self.current.0, self.current.1, self.start.0, self.start.1));
                self.current = self.start;
            }
            "re" => {
                if let Some([x, y, w, h]) = nums::<4>(operands) {
                    let ctm = s.ctm;
                    let corners = [
                        ctm.apply(x, y),
                        ctm.apply(x + w, y),
                        ctm.apply(x + w, y + h),
                        ctm.apply(x, y + h),
                    ];
                    for k in 0..4 {
                        let (a, b) = (corners[k], corners[(k + 1) % 4]);
                        self.path.push((a.0, a.1, b.0, b.1));
                    }
                    self.current = corners[0];
                    self.start = corners[0];
                }
            }
            "S" | "s" | "B" | "B*" | "b" | "b*" => self.paint(true),
            "f" | "F" | "f*" => self.paint(false),
            "n" => self.path.clear(),
            "Do" => {
                if let Some(Object::Name(name)) = operands.first() {
                    self.draw_object(name, resources, depth)?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn next_line(&mut self, x: f32, y: f32) {
        self.tlm = M::translate(x, y).then(self.tlm);
        self.tm = self.tlm;
    }

    /// Keep the straight horizontal and vertical edges of a painted path. A filled shape is kept
    /// only when it is thin, as one rule along its length (Word and Chrome draw cell borders as
    /// filled rectangles or bevelled quadrilaterals): the edges of a shaded area are no rules.
    fn paint(&mut self, stroked: bool) {
        let path = std::mem::take(&mut self.path);
        let thin = |(x0, y0, x1, y1): &(f32, f32, f32, f32)| {
            (x0 - x1).abs() <= 0.5 || (y0 - y1).abs() <= 0.5
        };
        if !stroked {
            let (mut lo_x, mut lo_y, mut hi_x, mut hi_y) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
            for &(x0, y0, x1, y1) in &path {
                lo_x = lo_x.min(x0).min(x1);
                hi_x = hi_x.max(x0).max(x1);
                lo_y = lo_y.min(y0).min(y1);
                hi_y = hi_y.max(y0).max(y1);
            }
            if path.is_empty() || (hi_x - lo_x > 2.5 && hi_y - lo_y > 2.5) {
                return;
            }
            // The thin rectangle is one rule along its long side, through its middle.
            let seg = if hi_x - lo_x >= hi_y - lo_y {
                let y = (lo_y + hi_y) / 2.0;
                Segment {
                    x0: lo_x,
                    y0: y,
                    x1: hi_x,
                    y1: y,
                }
            } else {
                let x = (lo_x + hi_x) / 2.0;
                Segment {
                    x0: x,
                    y0: lo_y,
                    x1: x,
                    y1: hi_y,
                }
            };
            self.segments.push(seg);
            return;
        }
        for p @ &(x0, y0, x1, y1) in &path {
            if thin(p) && ((x0 - x1).abs() >= 1.0 || (y0 - y1).abs() >= 1.0) {
                self.segments.push(Segment {
                    x0: x0.min(x1),
                    y0: y0.min(y1),
                    x1: x0.max(x1),
                    y1: y0.max(y1),
                });
            }
        }
    }

    fn draw_object(
        &mut self,
        name: &[u8],
        resources: &[&Dictionary],
        depth: u8,
    ) -> Result<(), Stop> {
        let doc = self.doc;
        let Some((Object::Stream(stream), _)) = lookup(doc, resources, b"XObject", name) else {
            return Ok(());
        };
        match get(doc, &stream.dict, b"Subtype").and_then(|o| o.as_name().ok()) {
            Some(b"Form") if depth < MAX_FORM_DEPTH => {
                let data = self.reader.unpack(stream)?;
                let matrix = get(doc, &stream.dict, b"Matrix")
                    .and_then(|o| o.as_array().ok())
                    .and_then(|a| nums::<6>(a))
                    .map_or(M::ID, M);
                let own = get(doc, &stream.dict, b"Resources").and_then(|o| o.as_dict().ok());
                let res: Vec<&Dictionary> = match own {
                    Some(d) => vec![d],
                    None => resources.to_vec(),
                };
                let saved = (self.state.clone(), self.tm, self.tlm, self.stack.len());
                self.state.ctm = matrix.then(self.state.ctm);
                self.play(&data, &res, depth + 1)?;
                self.state = saved.0;
                self.tm = saved.1;
                self.tlm = saved.2;
                self.stack.truncate(saved.3);
            }
            _ => {}
        }
        Ok(())
    }

    fn show(&mut self, bytes: &[u8]) {
        let Some(font) = self.state.font.clone() else {
            return;
        };
        let st = &self.state;
        let (size, scale) = (st.size, st.scale);
        for (code, len, text) in font.codes(bytes) {
            let w0 = font.width(code);
            let m = self.tm.then(self.state.ctm);
            let trm = M([size * scale, 0.0, 0.0, size, 0.0, self.state.rise]).then(m);
            let [a, b, c, d, e, f] = trm.0;
            let advance = w0 * size * scale;
            let page_w = advance * (m.0[0].hypot(m.0[1]));
            let page_size = c.hypot(d);
            if self.raw.len() < MAX_GLYPHS
                && [a, b, e, f, page_w, page_size]
                    .iter()
                    .all(|v| v.is_finite())
                && page_size > 0.0
            {
                match text {
                    Some(t) if !t.is_empty() && !t.chars().all(|c| c == '\u{FFFD}') => {
                        self.push(Raw {
                            x: e,
                            y: f,
                            dx: a,
                            dy: b,
                            w: page_w,
                            size: page_size,
                            text: t,
                        });
                    }
                    _ => self.undecodable += 1,
                }
            }
            let space = if len == 1 && code == 32 {
                self.state.word_space
            } else {
                0.0
            };
            let tx = (w0 * size + self.state.char_space + space) * scale;
            self.tm = M::translate(tx, 0.0).then(self.tm);
        }
    }

    fn push(&mut self, g: Raw) {
        // A combining mark drawn as a glyph of its own belongs to the letter before it, wherever
        // the font placed it.
        if g.text.chars().all(is_combining)
            && let Some(prev) = self.raw.last_mut()
        {
            prev.text.push_str(&g.text);
            return;
        }
        self.raw.push(g);
    }
}

fn is_combining(c: char) -> bool {
    unicode_normalization::char::is_combining_mark(c)
}

/// Turn the page so that most of its text runs left to right; text in other directions (a
/// stamp, a margin note written upwards) is left out.
fn upright(raw: Vec<Raw>, segments: Vec<Segment>, undecodable: usize) -> Page {
    let quarter = |g: &Raw| -> u8 {
        if g.dx.abs() >= g.dy.abs() {
            if g.dx >= 0.0 { 0 } else { 2 }
        } else if g.dy > 0.0 {
            1
        } else {
            3
        }
    };
    let mut counts = [0usize; 4];
    for g in &raw {
        counts[usize::from(quarter(g))] += g.text.chars().filter(|c| !c.is_whitespace()).count();
    }
    let q = (0u8..4)
        .max_by_key(|&q| (counts[usize::from(q)], std::cmp::Reverse(q)))
        .unwrap_or(0);
    let turn = |x: f32, y: f32| -> (f32, f32) {
        match q {
            1 => (y, -x),
            2 => (-x, -y),
            3 => (-y, x),
            _ => (x, y),
        }
    };
    let glyphs = raw
        .into_iter()
        .filter(|g| quarter(g) == q)
        .map(|g| {
            let (x, y) = turn(g.x, g.y);
            Glyph {
                x,
                y,
                w: g.w,
                size: g.size,
                text: g.text,
            }
        })
        .collect();
    let segments = segments
        .into_iter()
        .map(|s| {
            let (ax, ay) = turn(s.x0, s.y0);
            let (bx, by) = turn(s.x1, s.y1);
            Segment {
                x0: ax.min(bx),
                y0: ay.min(by),
                x1: ax.max(bx),
                y1: ay.max(by),
            }
        })
        .collect();
    Page {
        glyphs,
        segments,
        undecodable,
    }
}
