//! A message for people, in Vietnamese and English. Domain and store errors build one of these
//! (or an enum that gives one), and whoever shows it picks the reader's language; nothing is
//! ever shown as "tiếng Việt / English" in one string.

use std::fmt;

/// A reader's language: Vietnamese (the default) or English.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    #[default]
    Vi,
    En,
}

impl Lang {
    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "vi" => Some(Self::Vi),
            "en" => Some(Self::En),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::Vi => "vi",
            Self::En => "en",
        }
    }
}

/// One message in both languages. `Display` writes the Vietnamese, for the command line and logs.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Message {
    pub vi: String,
    pub en: String,
}

impl Message {
    pub fn new(vi: impl Into<String>, en: impl Into<String>) -> Self {
        Self {
            vi: vi.into(),
            en: en.into(),
        }
    }

    /// The message in `lang`.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Vi => &self.vi,
            Lang::En => &self.en,
        }
    }

    /// Several messages, one per line, in each language.
    pub fn lines(messages: impl IntoIterator<Item = Message>) -> Self {
        let (vi, en): (Vec<String>, Vec<String>) =
            messages.into_iter().map(|m| (m.vi, m.en)).unzip();
        Self {
            vi: vi.join("\n"),
            en: en.join("\n"),
        }
    }

    /// The same message after a context in each language, joined by ": " ("Hạn báo cáo: …").
    pub fn after(self, vi: &str, en: &str) -> Self {
        Self {
            vi: format!("{vi}: {}", self.vi),
            en: format!("{en}: {}", self.en),
        }
    }
}

impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.vi)
    }
}

impl std::error::Error for Message {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_language_at_a_time() {
        let m = Message::new("Thiếu tên", "No name").after("Cơ quan", "Agency");
        assert_eq!(m.get(Lang::Vi), "Cơ quan: Thiếu tên");
        assert_eq!(m.get(Lang::En), "Agency: No name");
        assert_eq!(m.to_string(), "Cơ quan: Thiếu tên");
        assert_eq!(Lang::from_code("en"), Some(Lang::En));
        assert_eq!(Lang::from_code("fr"), None);
        assert_eq!(Lang::default().code(), "vi");
    }
}
