//! Chỉ tiêu and phân tổ: the figures a report carries, defined as data by the coordinator, and
//! the checks a value passes at entry.
//!
//! A value is one whole, non-negative count of an indicator, either its total or one category of
//! one breakdown dimension (sex, ethnicity, …). Values are kept in long form — (indicator,
//! dimension, category) — with the total as the empty dimension, so aggregation is a sum and the
//! breakdown checks are sums too.

use serde::{Deserialize, Serialize};
use theodoi_text::Message;

/// Phân tổ: a breakdown dimension and its categories.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dimension {
    /// Giới tính.
    Sex,
    /// Dân tộc: Kinh and the 53 minority groups.
    Ethnicity,
    /// Dân tộc, grouped: Kinh / minorities.
    EthnicGroup,
    /// Tôn giáo.
    Religion,
    /// Nhóm tuổi.
    AgeGroup,
    /// Khuyết tật.
    Disability,
    /// Nhóm yếu thế. A person may belong to several, so categories may overlap.
    VulnerableGroup,
}

pub const ALL_DIMENSIONS: [Dimension; 7] = [
    Dimension::Sex,
    Dimension::Ethnicity,
    Dimension::EthnicGroup,
    Dimension::Religion,
    Dimension::AgeGroup,
    Dimension::Disability,
    Dimension::VulnerableGroup,
];

/// A category: (code, Vietnamese name, English name).
pub type Category = (&'static str, &'static str, &'static str);

const SEX: &[Category] = &[("nam", "Nam", "Male"), ("nu", "Nữ", "Female")];

/// The 54 ethnic groups of Viet Nam in the order of the official list (Quyết định 121-TCTK/PPCĐ).
const ETHNICITY: &[Category] = &[
    ("kinh", "Kinh", "Kinh"),
    ("tay", "Tày", "Tay"),
    ("thai", "Thái", "Thai"),
    ("hoa", "Hoa", "Hoa"),
    ("khome", "Khơ-me", "Khmer"),
    ("muong", "Mường", "Muong"),
    ("nung", "Nùng", "Nung"),
    ("hmong", "HMông", "Hmong"),
    ("dao", "Dao", "Dao"),
    ("giarai", "Gia-rai", "Gia Rai"),
    ("ngai", "Ngái", "Ngai"),
    ("ede", "Ê-đê", "E De"),
    ("bana", "Ba-na", "Ba Na"),
    ("xodang", "Xơ-Đăng", "Xo Dang"),
    ("sanchay", "Sán Chay", "San Chay"),
    ("coho", "Cơ-ho", "Co Ho"),
    ("cham", "Chăm", "Cham"),
    ("sandiu", "Sán Dìu", "San Diu"),
    ("hre", "Hrê", "Hre"),
    ("mnong", "Mnông", "Mnong"),
    ("raglai", "Ra-glai", "Ra Glai"),
    ("xtieng", "Xtiêng", "Xtieng"),
    ("bruvankieu", "Bru-Vân Kiều", "Bru-Van Kieu"),
    ("tho", "Thổ", "Tho"),
    ("giay", "Giáy", "Giay"),
    ("cotu", "Cơ-tu", "Co Tu"),
    ("gietrieng", "Gié-Triêng", "Gie Trieng"),
    ("ma", "Mạ", "Ma"),
    ("khomu", "Khơ-mú", "Kho Mu"),
    ("co", "Co", "Co"),
    ("taoi", "Tà-ôi", "Ta Oi"),
    ("choro", "Chơ-ro", "Cho Ro"),
    ("khang", "Kháng", "Khang"),
    ("xinhmun", "Xinh-mun", "Xinh Mun"),
    ("hanhi", "Hà Nhì", "Ha Nhi"),
    ("churu", "Chu-ru", "Chu Ru"),
    ("lao", "Lào", "Lao"),
    ("lachi", "La Chí", "La Chi"),
    ("laha", "La Ha", "La Ha"),
    ("phula", "Phù Lá", "Phu La"),
    ("lahu", "La Hủ", "La Hu"),
    ("lu", "Lự", "Lu"),
    ("lolo", "Lô Lô", "Lo Lo"),
    ("chut", "Chứt", "Chut"),
    ("mang", "Mảng", "Mang"),
    ("pathen", "Pà Thẻn", "Pa Then"),
    ("colao", "Co Lao", "Co Lao"),
    ("cong", "Cống", "Cong"),
    ("boy", "Bố Y", "Bo Y"),
    ("sila", "Si La", "Si La"),
    ("pupeo", "Pu Péo", "Pu Peo"),
    ("brau", "Brâu", "Brau"),
    ("odu", "Ơ Đu", "O Du"),
    ("romam", "Rơ-măm", "Ro Mam"),
];

const ETHNIC_GROUP: &[Category] = &[
    ("kinh", "Kinh", "Kinh"),
    ("dtts", "Dân tộc thiểu số", "Ethnic minorities"),
];

const RELIGION: &[Category] = &[
    ("khong", "Không theo tôn giáo", "No religion"),
    ("phat_giao", "Phật giáo", "Buddhism"),
    ("cong_giao", "Công giáo", "Catholicism"),
    ("tin_lanh", "Tin lành", "Protestantism"),
    ("cao_dai", "Cao Đài", "Cao Dai"),
    ("hoa_hao", "Phật giáo Hòa Hảo", "Hoa Hao Buddhism"),
    ("hoi_giao", "Hồi giáo", "Islam"),
    ("khac", "Tôn giáo khác", "Other religion"),
];

const AGE_GROUP: &[Category] = &[
    ("duoi_16", "Dưới 16 tuổi", "Under 16"),
    ("16_17", "Từ 16 đến dưới 18 tuổi", "16 to 17"),
    ("18_59", "Từ 18 đến dưới 60 tuổi", "18 to 59"),
    ("tu_60", "Từ 60 tuổi trở lên", "60 and over"),
];

const DISABILITY: &[Category] = &[
    ("co", "Người khuyết tật", "With disability"),
    ("khong", "Không khuyết tật", "Without disability"),
];

/// Groups of Luật Trợ giúp pháp lý 2017, Điều 7, and others the plan names.
const VULNERABLE_GROUP: &[Category] = &[
    ("tre_em", "Trẻ em", "Children"),
    ("nguoi_cao_tuoi", "Người cao tuổi", "Older persons"),
    (
        "nguoi_khuyet_tat",
        "Người khuyết tật",
        "Persons with disabilities",
    ),
    (
        "dtts_dbkk",
        "Người DTTS ở vùng đặc biệt khó khăn",
        "Minorities in extremely difficult areas",
    ),
    ("ho_ngheo", "Người thuộc hộ nghèo", "Poor households"),
    (
        "nguoi_co_cong",
        "Người có công với cách mạng",
        "Persons of merit",
    ),
    (
        "nan_nhan_bao_luc",
        "Nạn nhân bạo lực gia đình, mua bán người",
        "Victims of domestic violence or trafficking",
    ),
    ("nhiem_hiv", "Người nhiễm HIV", "Persons living with HIV"),
];

impl Dimension {
    pub fn code(self) -> &'static str {
        match self {
            Self::Sex => "sex",
            Self::Ethnicity => "ethnicity",
            Self::EthnicGroup => "ethnic_group",
            Self::Religion => "religion",
            Self::AgeGroup => "age_group",
            Self::Disability => "disability",
            Self::VulnerableGroup => "vulnerable_group",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        ALL_DIMENSIONS.into_iter().find(|d| d.code() == s.trim())
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            Self::Sex => "Giới tính",
            Self::Ethnicity => "Dân tộc",
            Self::EthnicGroup => "Kinh / dân tộc thiểu số",
            Self::Religion => "Tôn giáo",
            Self::AgeGroup => "Nhóm tuổi",
            Self::Disability => "Khuyết tật",
            Self::VulnerableGroup => "Nhóm yếu thế",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Self::Sex => "Sex",
            Self::Ethnicity => "Ethnicity",
            Self::EthnicGroup => "Kinh / ethnic minorities",
            Self::Religion => "Religion",
            Self::AgeGroup => "Age group",
            Self::Disability => "Disability",
            Self::VulnerableGroup => "Vulnerable group",
        }
    }

    pub fn categories(self) -> &'static [Category] {
        match self {
            Self::Sex => SEX,
            Self::Ethnicity => ETHNICITY,
            Self::EthnicGroup => ETHNIC_GROUP,
            Self::Religion => RELIGION,
            Self::AgeGroup => AGE_GROUP,
            Self::Disability => DISABILITY,
            Self::VulnerableGroup => VULNERABLE_GROUP,
        }
    }

    pub fn category(self, code: &str) -> Option<&'static Category> {
        self.categories().iter().find(|c| c.0 == code)
    }

    /// Whether each person falls in exactly one category, so the categories add up to the total.
    pub fn exhaustive(self) -> bool {
        self != Self::VulnerableGroup
    }

    /// Whether the categories are sensitive personal data (Nghị định 13/2023): published only as
    /// aggregates, small cells suppressed.
    pub fn sensitive(self) -> bool {
        matches!(
            self,
            Self::Ethnicity | Self::EthnicGroup | Self::Religion | Self::Disability
        )
    }
}

/// How an indicator's values combine over bodies and periods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Aggregation {
    /// Flows: sessions held, cases received.
    Sum,
    /// Averages of the bodies' values.
    Average,
    /// Stocks: the latest value (staff in post).
    Last,
}

impl Aggregation {
    pub fn code(self) -> &'static str {
        match self {
            Self::Sum => "sum",
            Self::Average => "average",
            Self::Last => "last",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Sum, Self::Average, Self::Last]
            .into_iter()
            .find(|a| a.code() == s.trim())
    }
}

/// Chỉ tiêu: a defined figure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndicatorDef {
    pub code: String,
    pub name: String,
    pub unit: String,
    pub aggregation: Aggregation,
    pub dimensions: Vec<Dimension>,
    pub required: bool,
}

/// Why an indicator definition is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IndicatorError {
    #[error("mã chỉ tiêu \"{0}\" chỉ gồm chữ hoa A–Z, số và dấu _ (1–32 ký tự)")]
    Code(String),
    #[error("chỉ tiêu {0} thiếu tên hoặc đơn vị tính")]
    Name(String),
    #[error("chỉ tiêu {0} dùng cả \"Dân tộc\" và \"Kinh / dân tộc thiểu số\"; chọn một")]
    TwoEthnicities(String),
}

impl IndicatorError {
    /// The refusal in both languages (`Display` is the Vietnamese).
    pub fn message(&self) -> Message {
        let en = match self {
            Self::Code(c) => format!(
                "the indicator code \"{c}\" takes capital letters A–Z, digits and _ (1–32 characters)"
            ),
            Self::Name(c) => format!("indicator {c} needs a name and a unit"),
            Self::TwoEthnicities(c) => {
                format!("indicator {c} uses both ethnicity breakdowns; choose one")
            }
        };
        Message::new(self.to_string(), en)
    }
}

impl IndicatorDef {
    pub fn validate(&self) -> Result<(), IndicatorError> {
        let ok = !self.code.is_empty()
            && self.code.len() <= 32
            && self
                .code
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
        if !ok {
            return Err(IndicatorError::Code(self.code.clone()));
        }
        if self.name.trim().is_empty() || self.unit.trim().is_empty() {
            return Err(IndicatorError::Name(self.code.clone()));
        }
        if self.dimensions.contains(&Dimension::Ethnicity)
            && self.dimensions.contains(&Dimension::EthnicGroup)
        {
            return Err(IndicatorError::TwoEthnicities(self.code.clone()));
        }
        Ok(())
    }
}

/// The starter set for a plan on the ICCPR recommendations: communication, training, complaints
/// and denunciations (with what the previous period carried over and what was resolved on time, so
/// the plausibility rules can compare them), legal aid, state compensation, inspections.
pub fn starter_set() -> Vec<IndicatorDef> {
    use Aggregation::{Last, Sum};
    use Dimension::{AgeGroup, Disability, EthnicGroup, Religion, Sex, VulnerableGroup};
    let def =
        |code: &str, name: &str, unit: &str, agg, dims: &[Dimension], required| IndicatorDef {
            code: code.into(),
            name: name.into(),
            unit: unit.into(),
            aggregation: agg,
            dimensions: dims.to_vec(),
            required,
        };
    vec![
        def(
            "VB_TRIEN_KHAI",
            "Văn bản chỉ đạo, triển khai đã ban hành",
            "văn bản",
            Sum,
            &[],
            true,
        ),
        def(
            "TT_BUOI",
            "Buổi tuyên truyền, phổ biến về quyền dân sự, chính trị",
            "buổi",
            Sum,
            &[],
            true,
        ),
        def(
            "TT_NGUOI",
            "Lượt người tham dự tuyên truyền, phổ biến",
            "lượt người",
            Sum,
            &[Sex, EthnicGroup],
            true,
        ),
        def(
            "TT_BUOI_DTTS",
            "Buổi tuyên truyền ở vùng sâu, vùng xa, vùng đồng bào dân tộc thiểu số",
            "buổi",
            Sum,
            &[],
            false,
        ),
        def(
            "TT_NGUOI_DTTS",
            "Người dân tộc thiểu số được tuyên truyền, phổ biến",
            "người",
            Sum,
            &[Sex, Religion],
            false,
        ),
        def("TH_LOP", "Lớp tập huấn, bồi dưỡng", "lớp", Sum, &[], true),
        def(
            "TH_CAN_BO",
            "Lượt cán bộ, công chức được tập huấn",
            "lượt người",
            Sum,
            &[Sex, EthnicGroup],
            true,
        ),
        def(
            "TCD_LUOT",
            "Lượt tiếp công dân",
            "lượt",
            Sum,
            &[Sex, EthnicGroup],
            false,
        ),
        def(
            "KN_NHAN",
            "Đơn khiếu nại đã tiếp nhận",
            "đơn",
            Sum,
            &[],
            false,
        ),
        def(
            "KN_KY_TRUOC",
            "Đơn khiếu nại kỳ trước chuyển sang",
            "đơn",
            Sum,
            &[],
            false,
        ),
        def(
            "KN_GIAI_QUYET",
            "Vụ việc khiếu nại đã giải quyết",
            "vụ việc",
            Sum,
            &[],
            false,
        ),
        def(
            "KN_DUNG_HAN",
            "Vụ việc khiếu nại giải quyết đúng thời hạn",
            "vụ việc",
            Sum,
            &[],
            false,
        ),
        def("TC_NHAN", "Đơn tố cáo đã tiếp nhận", "đơn", Sum, &[], false),
        def(
            "TC_KY_TRUOC",
            "Đơn tố cáo kỳ trước chuyển sang",
            "đơn",
            Sum,
            &[],
            false,
        ),
        def(
            "TC_GIAI_QUYET",
            "Vụ việc tố cáo đã giải quyết",
            "vụ việc",
            Sum,
            &[],
            false,
        ),
        def(
            "TC_DUNG_HAN",
            "Vụ việc tố cáo giải quyết đúng thời hạn",
            "vụ việc",
            Sum,
            &[],
            false,
        ),
        def(
            "TGPL_VU_VIEC",
            "Vụ việc trợ giúp pháp lý",
            "vụ việc",
            Sum,
            &[Sex, EthnicGroup, VulnerableGroup],
            false,
        ),
        def(
            "TGPL_NGUOI",
            "Người được trợ giúp pháp lý",
            "người",
            Sum,
            &[Sex, AgeGroup, Disability],
            false,
        ),
        def(
            "TGPL_CAN_BO",
            "Trợ giúp viên pháp lý, luật sư tham gia trợ giúp pháp lý",
            "người",
            Last,
            &[Sex],
            false,
        ),
        def(
            "BT_THU_LY",
            "Vụ việc bồi thường nhà nước đã thụ lý",
            "vụ việc",
            Sum,
            &[],
            false,
        ),
        def(
            "BT_GIAI_QUYET",
            "Vụ việc bồi thường nhà nước đã giải quyết",
            "vụ việc",
            Sum,
            &[],
            false,
        ),
        def(
            "BT_SO_TIEN",
            "Số tiền bồi thường đã chi trả",
            "triệu đồng",
            Sum,
            &[],
            false,
        ),
        def(
            "TTR_CUOC",
            "Cuộc thanh tra, kiểm tra việc thực hiện",
            "cuộc",
            Sum,
            &[],
            false,
        ),
        def(
            "TTR_KIEN_NGHI",
            "Kiến nghị xử lý sau thanh tra, kiểm tra",
            "kiến nghị",
            Sum,
            &[],
            false,
        ),
    ]
}

/// Largest count accepted: beyond any real figure, well inside i64.
pub const MAX_COUNT: i64 = 1_000_000_000_000;

/// Why one entered value is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValueError {
    #[error("\"{0}\" không phải là số")]
    NotANumber(String),
    #[error("{0} là số âm; số liệu phải là số nguyên không âm")]
    Negative(String),
    #[error("{0} không phải là số nguyên")]
    Fractional(String),
    #[error("{0} quá lớn")]
    TooLarge(String),
}

impl ValueError {
    /// The refusal in both languages (`Display` is the Vietnamese).
    pub fn message(&self) -> Message {
        let en = match self {
            Self::NotANumber(v) => format!("\"{v}\" is not a number"),
            Self::Negative(v) => format!("{v} is negative; counts are whole and non-negative"),
            Self::Fractional(v) => format!("{v} is not a whole number"),
            Self::TooLarge(v) => format!("{v} is too large"),
        };
        Message::new(self.to_string(), en)
    }
}

/// Read a count as entered: blank is no value; thousands separators (1.234 or 1,234 or spaces)
/// are accepted only in groups of three, so "2.5" is a fraction, not 25.
pub fn parse_count(raw: &str) -> Result<Option<i64>, ValueError> {
    let s = raw.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let (neg, digits) = match s.strip_prefix('-') {
        Some(rest) => (true, rest.trim()),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let grouped = digits.split(['.', ',', ' ', '\u{a0}']).collect::<Vec<_>>();
    let plain: String = if grouped.len() > 1
        && grouped[0].len() <= 3
        && !grouped[0].is_empty()
        && grouped[1..].iter().all(|g| g.len() == 3)
    {
        grouped.concat()
    } else if grouped.len() > 1 {
        let looks_numeric = digits
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | ','));
        return Err(if looks_numeric && !neg {
            ValueError::Fractional(s.to_string())
        } else if looks_numeric {
            ValueError::Negative(s.to_string())
        } else {
            ValueError::NotANumber(s.to_string())
        });
    } else {
        digits.to_string()
    };
    if plain.is_empty() || !plain.chars().all(|c| c.is_ascii_digit()) {
        return Err(ValueError::NotANumber(s.to_string()));
    }
    if neg && plain.chars().any(|c| c != '0') {
        return Err(ValueError::Negative(s.to_string()));
    }
    match plain.parse::<i64>() {
        Ok(v) if v <= MAX_COUNT => Ok(Some(v)),
        _ => Err(ValueError::TooLarge(s.to_string())),
    }
}

/// One indicator's entered values in a report: the total and the categories given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IndicatorValues {
    pub total: Option<i64>,
    pub cells: Vec<(Dimension, String, i64)>,
}

/// What is wrong with one indicator's values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BreakdownError {
    #[error("{indicator}: có số liệu phân tổ nhưng chưa có tổng")]
    NoTotal { indicator: String },
    #[error(
        "{indicator}: tổng theo {} là {sum}, khác tổng số {total}",
        dimension.label_vi()
    )]
    SumMismatch {
        indicator: String,
        dimension: Dimension,
        sum: i64,
        total: i64,
    },
    #[error("{indicator}: {} ({value}) lớn hơn tổng số {total}", category.1)]
    CellExceeds {
        indicator: String,
        category: &'static Category,
        value: i64,
        total: i64,
    },
    /// `code` ("sex.x") is kept for the log; people are told which indicator.
    #[error("{indicator}: có số liệu theo một phân tổ không áp dụng cho chỉ tiêu này")]
    UnknownCategory { indicator: String, code: String },
    #[error("{indicator}: chỉ tiêu bắt buộc chưa có số liệu")]
    Missing { indicator: String },
}

impl BreakdownError {
    /// What is wrong in both languages (`Display` is the Vietnamese).
    pub fn message(&self) -> Message {
        let en = match self {
            Self::NoTotal { indicator } => {
                format!("{indicator}: a breakdown is given without a total")
            }
            Self::SumMismatch {
                indicator,
                dimension,
                sum,
                total,
            } => format!(
                "{indicator}: the {} breakdown adds up to {sum}, not the total {total}",
                dimension.label_en()
            ),
            Self::CellExceeds {
                indicator,
                category,
                value,
                total,
            } => format!(
                "{indicator}: {} ({value}) exceeds the total {total}",
                category.2
            ),
            Self::UnknownCategory { indicator, .. } => {
                format!("{indicator}: figures by a breakdown that does not apply to this indicator")
            }
            Self::Missing { indicator } => {
                format!("{indicator}: a required indicator has no value")
            }
        };
        Message::new(self.to_string(), en)
    }
}

/// Check one indicator's values: categories belong to the indicator's breakdowns, no category
/// exceeds the total, and an exhaustive breakdown that is filled in adds up to the total.
/// `complete` also asks for a required indicator's total (at approval, not on every save).
pub fn check_values(
    def: &IndicatorDef,
    v: &IndicatorValues,
    complete: bool,
) -> Vec<BreakdownError> {
    let mut out = Vec::new();
    // Messages name the indicator as people know it; its code is for exports.
    let indicator = def.name.clone();
    for (dim, code, _) in &v.cells {
        if !def.dimensions.contains(dim) || dim.category(code).is_none() {
            out.push(BreakdownError::UnknownCategory {
                indicator: indicator.clone(),
                code: format!("{}.{code}", dim.code()),
            });
        }
    }
    let Some(total) = v.total else {
        if !v.cells.is_empty() {
            out.push(BreakdownError::NoTotal { indicator });
        } else if complete && def.required {
            out.push(BreakdownError::Missing { indicator });
        }
        return out;
    };
    for dim in &def.dimensions {
        let cells: Vec<&(Dimension, String, i64)> =
            v.cells.iter().filter(|(d, _, _)| d == dim).collect();
        if cells.is_empty() {
            continue;
        }
        for (_, code, value) in &cells {
            if *value > total
                && let Some(c) = dim.category(code)
            {
                out.push(BreakdownError::CellExceeds {
                    indicator: indicator.clone(),
                    category: c,
                    value: *value,
                    total,
                });
            }
        }
        let sum: i64 = cells.iter().map(|(_, _, v)| *v).sum();
        if dim.exhaustive() && sum != total {
            out.push(BreakdownError::SumMismatch {
                indicator: indicator.clone(),
                dimension: *dim,
                sum,
                total,
            });
        }
    }
    out
}

/// Whether a value stands out against the same body's earlier values of the indicator: more than
/// three times their mean (and at least 10 more), or under a third of it when the mean is at
/// least 10. Flagged for the reviewer, never refused.
pub fn is_outlier(value: i64, history: &[i64]) -> bool {
    if history.is_empty() {
        return false;
    }
    let n = i64::try_from(history.len()).unwrap_or(i64::MAX);
    let mean = history.iter().sum::<i64>() / n;
    (value > mean.saturating_mul(3) && value - mean >= 10) || (mean >= 10 && value * 3 < mean)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn category_lists() {
        assert_eq!(Dimension::Ethnicity.categories().len(), 54);
        for d in ALL_DIMENSIONS {
            let mut codes: Vec<&str> = d.categories().iter().map(|c| c.0).collect();
            codes.sort_unstable();
            codes.dedup();
            assert_eq!(codes.len(), d.categories().len(), "{d:?} codes are unique");
            assert_eq!(Dimension::parse(d.code()), Some(d));
        }
    }

    #[test]
    fn starter_set_is_valid() {
        let set = starter_set();
        assert_eq!(set.len(), 24);
        for i in &set {
            assert_eq!(i.validate(), Ok(()), "{}", i.code);
        }
    }

    #[test]
    fn counts() {
        assert_eq!(parse_count(""), Ok(None));
        assert_eq!(parse_count(" 12 "), Ok(Some(12)));
        assert_eq!(parse_count("1.234"), Ok(Some(1234)));
        assert_eq!(parse_count("1 234 567"), Ok(Some(1_234_567)));
        assert_eq!(parse_count("-0"), Ok(Some(0)));
        assert!(matches!(parse_count("-3"), Err(ValueError::Negative(_))));
        assert!(matches!(parse_count("2.5"), Err(ValueError::Fractional(_))));
        assert!(matches!(
            parse_count("2,50"),
            Err(ValueError::Fractional(_))
        ));
        assert!(matches!(parse_count("1e3"), Err(ValueError::NotANumber(_))));
        assert!(matches!(
            parse_count("mười"),
            Err(ValueError::NotANumber(_))
        ));
        assert!(matches!(
            parse_count("99999999999999999999"),
            Err(ValueError::TooLarge(_))
        ));
    }

    fn def(dims: &[Dimension]) -> IndicatorDef {
        IndicatorDef {
            code: "TT_NGUOI".into(),
            name: "Người tham dự".into(),
            unit: "người".into(),
            aggregation: Aggregation::Sum,
            dimensions: dims.to_vec(),
            required: true,
        }
    }

    #[test]
    fn breakdowns_add_up() {
        let d = def(&[Dimension::Sex, Dimension::VulnerableGroup]);
        let ok = IndicatorValues {
            total: Some(10),
            cells: vec![
                (Dimension::Sex, "nam".into(), 4),
                (Dimension::Sex, "nu".into(), 6),
                (Dimension::VulnerableGroup, "tre_em".into(), 3),
                (Dimension::VulnerableGroup, "ho_ngheo".into(), 9),
            ],
        };
        assert_eq!(check_values(&d, &ok, true), vec![]);
        let short = IndicatorValues {
            total: Some(10),
            cells: vec![(Dimension::Sex, "nam".into(), 4)],
        };
        assert!(matches!(
            check_values(&d, &short, false).as_slice(),
            [BreakdownError::SumMismatch {
                sum: 4,
                total: 10,
                ..
            }]
        ));
        let over = IndicatorValues {
            total: Some(5),
            cells: vec![(Dimension::VulnerableGroup, "tre_em".into(), 6)],
        };
        assert!(matches!(
            check_values(&d, &over, false).as_slice(),
            [BreakdownError::CellExceeds {
                value: 6,
                total: 5,
                ..
            }]
        ));
        let no_total = IndicatorValues {
            total: None,
            cells: vec![(Dimension::Sex, "nam".into(), 1)],
        };
        assert!(matches!(
            check_values(&d, &no_total, false).as_slice(),
            [BreakdownError::NoTotal { .. }]
        ));
        let foreign = IndicatorValues {
            total: Some(1),
            cells: vec![(Dimension::Religion, "khong".into(), 1)],
        };
        assert!(matches!(
            check_values(&d, &foreign, false).as_slice(),
            [BreakdownError::UnknownCategory { .. }]
        ));
        assert!(check_values(&d, &IndicatorValues::default(), false).is_empty());
        assert!(matches!(
            check_values(&d, &IndicatorValues::default(), true).as_slice(),
            [BreakdownError::Missing { .. }]
        ));
    }

    #[test]
    fn outliers() {
        assert!(!is_outlier(100, &[]));
        assert!(!is_outlier(25, &[10, 12, 8]));
        assert!(is_outlier(100, &[10, 12, 8]));
        assert!(is_outlier(1, &[30, 30]));
        assert!(!is_outlier(4, &[1]), "small numbers vary a lot");
    }
}

/// One figure summed over a round's accepted reports: an indicator's total (dimension "") or
/// one category of a breakdown. The store returns it and the report crate uses it as it is.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub indicator_id: i64,
    pub dimension: String,
    pub category: String,
    pub sum: i64,
    pub average: f64,
    /// Bodies whose accepted report carries this figure.
    pub bodies: i64,
}
