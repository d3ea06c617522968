//! Cơ quan, đơn vị: the bodies a plan assigns work to, as the plan names them.
//!
//! A plan names an agency in running text ("Sở Tư pháp", "TAND thành phố") or names a group
//! ("Các cơ quan, địa phương có liên quan", "Ủy ban nhân dân các xã, phường"). Groups stay groups:
//! they expand to their members only when a reporting round needs them, so a new ward joins future
//! rounds without editing the plan.

use serde::{Deserialize, Serialize};

/// Loại cơ quan: the kind of a body. For a group, the kind of its members where the group says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgencyKind {
    /// Ủy ban nhân dân thành phố (the issuer itself) or its office.
    PeopleCommittee,
    /// Sở, ban, ngành of the city.
    Department,
    /// Thanh tra.
    Inspectorate,
    /// Công an.
    Police,
    /// Tòa án nhân dân.
    Court,
    /// Viện kiểm sát nhân dân.
    Procuracy,
    /// Thi hành án dân sự.
    JudgmentEnforcement,
    /// Ủy ban Mặt trận Tổ quốc Việt Nam.
    FatherlandFront,
    /// Tổ chức chính trị - xã hội, đoàn thể, hội.
    MassOrganisation,
    /// Đoàn Luật sư.
    BarAssociation,
    /// Ủy ban nhân dân xã, phường, đặc khu.
    Commune,
    /// Bộ, ngành Trung ương.
    Central,
    /// Anything else, or a group whose members are of several kinds.
    Other,
}

impl AgencyKind {
    /// Stable code used in storage and JSON.
    pub fn code(self) -> &'static str {
        match self {
            Self::PeopleCommittee => "people_committee",
            Self::Department => "department",
            Self::Inspectorate => "inspectorate",
            Self::Police => "police",
            Self::Court => "court",
            Self::Procuracy => "procuracy",
            Self::JudgmentEnforcement => "judgment_enforcement",
            Self::FatherlandFront => "fatherland_front",
            Self::MassOrganisation => "mass_organisation",
            Self::BarAssociation => "bar_association",
            Self::Commune => "commune",
            Self::Central => "central",
            Self::Other => "other",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        ALL_KINDS.iter().copied().find(|k| k.code() == code)
    }

    /// Vietnamese label for people.
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::PeopleCommittee => "UBND thành phố",
            Self::Department => "Sở, ban, ngành",
            Self::Inspectorate => "Thanh tra",
            Self::Police => "Công an",
            Self::Court => "Tòa án",
            Self::Procuracy => "Viện kiểm sát",
            Self::JudgmentEnforcement => "Thi hành án dân sự",
            Self::FatherlandFront => "Mặt trận Tổ quốc",
            Self::MassOrganisation => "Tổ chức chính trị - xã hội, đoàn thể",
            Self::BarAssociation => "Đoàn Luật sư",
            Self::Commune => "Xã, phường",
            Self::Central => "Bộ, ngành Trung ương",
            Self::Other => "Khác",
        }
    }

    /// Bodies outside the UBND's command: the plan can only request them ("Đề nghị …").
    pub fn outside_command(self) -> bool {
        matches!(
            self,
            Self::Court
                | Self::Procuracy
                | Self::FatherlandFront
                | Self::MassOrganisation
                | Self::Central
                | Self::JudgmentEnforcement
        )
    }

    /// Classify a name by the words it starts with or contains; the order matters ("Ủy ban nhân dân
    /// các xã" is communes, "Ủy ban Mặt trận" is the Front, "Ủy ban nhân dân thành phố" is the issuer).
    pub fn classify(name: &str) -> Self {
        let k = theodoi_text::key(name);
        let has = |w: &str| k.contains(w);
        if k.starts_with("các ") && name.contains(',') {
            // "Các Sở, cơ quan, đoàn thể liên quan": a group of several kinds.
            Self::Other
        } else if has("các xã")
            || has("xã phường")
            || k.starts_with("xã ")
            || k.starts_with("phường ")
            || k.starts_with("uỷ ban nhân dân xã")
            || k.starts_with("uỷ ban nhân dân phường")
            || has("đặc khu")
            || (has("địa phương") && !has("cơ quan"))
        {
            Self::Commune
        } else if has("mặt trận tổ quốc") {
            Self::FatherlandFront
        } else if has("tổ chức chính trị")
            || has("đoàn thể")
            || has("hội liên hiệp")
            || k.starts_with("hội ")
            || has("đoàn thanh niên")
            || has("công đoàn")
        {
            Self::MassOrganisation
        } else if has("thanh tra") {
            Self::Inspectorate
        } else if has("công an") {
            Self::Police
        } else if has("toà án") {
            Self::Court
        } else if has("viện kiểm sát") {
            Self::Procuracy
        } else if has("thi hành án") {
            Self::JudgmentEnforcement
        } else if has("luật sư") {
            Self::BarAssociation
        } else if k.starts_with("bộ ") || has("trung ương") || has("chính phủ") {
            Self::Central
        } else if k.starts_with("sở ")
            || k.starts_with("các sở")
            || k.starts_with("ban ")
            || has("văn phòng uỷ ban")
        {
            Self::Department
        } else if k.starts_with("uỷ ban nhân dân") {
            Self::PeopleCommittee
        } else {
            Self::Other
        }
    }
}

const ALL_KINDS: &[AgencyKind] = &[
    AgencyKind::PeopleCommittee,
    AgencyKind::Department,
    AgencyKind::Inspectorate,
    AgencyKind::Police,
    AgencyKind::Court,
    AgencyKind::Procuracy,
    AgencyKind::JudgmentEnforcement,
    AgencyKind::FatherlandFront,
    AgencyKind::MassOrganisation,
    AgencyKind::BarAssociation,
    AgencyKind::Commune,
    AgencyKind::Central,
    AgencyKind::Other,
];

/// An agency or group as one plan names it: the text as written (cleaned, never rewritten), its
/// kind, whether it is a group that expands to members, and whether the plan can only request it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgencyMention {
    pub name: String,
    pub kind: AgencyKind,
    pub group: bool,
    pub requested_only: bool,
}

impl AgencyMention {
    /// Build a mention from a name as written. `requested` is true where the plan says "Đề nghị …".
    pub fn new(name: &str, requested: bool) -> Self {
        let name = theodoi_text::clean(name);
        let kind = AgencyKind::classify(&name);
        Self {
            group: is_group(&name),
            kind,
            requested_only: requested,
            name,
        }
    }

    /// The stable code this name resolves to (see [`agency_code`]).
    pub fn code(&self) -> String {
        agency_code(&self.name)
    }
}

/// A name that stands for several bodies: "Các Sở, ngành", "UBND các xã, phường", "các cơ quan liên
/// quan", "các tổ chức chính trị - xã hội".
pub fn is_group(name: &str) -> bool {
    let k = theodoi_text::key(name);
    k.starts_with("các ")
        || k.contains(" các ")
        || k.contains("liên quan")
        || k.starts_with("những ")
}

/// A group whose members depend on the task ("các cơ quan liên quan", "các cơ quan, đơn vị có liên
/// quan", "các Sở, ngành liên quan"): the coordinator names its members per task, and until then it
/// stands for nobody. Other groups ("UBND các xã, phường") mean the same bodies in every task.
pub fn is_vague_group(name: &str) -> bool {
    is_group(name) && theodoi_text::fold(name).contains("lien quan")
}

/// A stable code for a name: its diacritic-free key with '-' between words ("so-tu-phap"). Both
/// tone-mark styles and the usual abbreviations give one code; display keeps the source text.
pub fn agency_code(name: &str) -> String {
    let folded = theodoi_text::fold(name);
    let mut code = String::with_capacity(folded.len());
    for c in folded.chars() {
        if c.is_ascii_alphanumeric() {
            code.push(c);
        } else if !code.ends_with('-') && !code.is_empty() {
            code.push('-');
        }
    }
    code.trim_end_matches('-').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds() {
        let cases: &[(&str, AgencyKind, bool)] = &[
            ("Sở Tư pháp", AgencyKind::Department, false),
            ("Sở Văn hoá và Thể thao", AgencyKind::Department, false),
            ("Thanh tra thành phố", AgencyKind::Inspectorate, false),
            ("Công an thành phố", AgencyKind::Police, false),
            ("TAND thành phố", AgencyKind::Court, false),
            (
                "Viện Kiểm sát nhân dân thành phố",
                AgencyKind::Procuracy,
                false,
            ),
            (
                "Thi hành án dân sự thành phố",
                AgencyKind::JudgmentEnforcement,
                false,
            ),
            (
                "Ủy ban Mặt trận Tổ quốc Việt Nam thành phố",
                AgencyKind::FatherlandFront,
                false,
            ),
            (
                "các tổ chức chính trị - xã hội",
                AgencyKind::MassOrganisation,
                true,
            ),
            ("Đoàn Luật sư thành phố", AgencyKind::BarAssociation, false),
            ("Ủy ban nhân dân các xã, phường", AgencyKind::Commune, true),
            (
                "Các cơ quan, địa phương có liên quan",
                AgencyKind::Other,
                true,
            ),
            (
                "Các Sở, cơ quan, đoàn thể liên quan",
                AgencyKind::Other,
                true,
            ),
            ("Bộ Tư pháp", AgencyKind::Central, false),
            (
                "Ủy ban nhân dân thành phố",
                AgencyKind::PeopleCommittee,
                false,
            ),
        ];
        for (name, kind, group) in cases {
            let m = AgencyMention::new(name, false);
            assert_eq!((m.kind, m.group), (*kind, *group), "{name}");
        }
    }

    #[test]
    fn vague_groups() {
        for name in [
            "Các cơ quan liên quan",
            "các cơ quan, đơn vị có liên quan",
            "Các Sở, ngành liên quan",
            "các cơ quan, địa phương có liên quan",
        ] {
            assert!(is_vague_group(name), "{name}");
        }
        for name in [
            "UBND các xã, phường",
            "Các Sở, ngành",
            "Sở Tư pháp",
            "Các tổ chức chính trị - xã hội",
        ] {
            assert!(!is_vague_group(name), "{name}");
        }
    }

    #[test]
    fn codes_unify_spellings() {
        assert_eq!(
            agency_code("Sở Văn hoá và Thể thao"),
            "so-van-hoa-va-the-thao"
        );
        assert_eq!(
            agency_code("Sở Văn hóa và Thể thao"),
            "so-van-hoa-va-the-thao"
        );
        assert_eq!(
            agency_code("TAND thành phố"),
            agency_code("Tòa án nhân dân thành phố")
        );
        assert_eq!(agency_code("Sở Tư pháp."), "so-tu-phap");
        for k in ALL_KINDS {
            assert_eq!(AgencyKind::from_code(k.code()), Some(*k));
        }
    }
}
