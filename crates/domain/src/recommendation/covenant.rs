//! The International Covenant on Civil and Political Rights (ICCPR; Công ước quốc tế về các quyền
//! dân sự và chính trị): its substantive articles 1–27 with short titles in Vietnamese and
//! English, as data. Part IV (articles 28–45, the Committee itself) and the final clauses are
//! not rights a recommendation is filed under, so references stop at 27.

/// The Covenant's name in Vietnamese, for headings.
pub const NAME_VI: &str = "Công ước quốc tế về các quyền dân sự và chính trị";
/// The Covenant's name in English.
pub const NAME_EN: &str = "International Covenant on Civil and Political Rights";
/// The highest article a recommendation can concern.
pub const LAST_ARTICLE: u8 = 27;

/// One article: its number and conventional short titles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Article {
    pub number: u8,
    pub title_vi: &'static str,
    pub title_en: &'static str,
}

const fn a(number: u8, title_vi: &'static str, title_en: &'static str) -> Article {
    Article {
        number,
        title_vi,
        title_en,
    }
}

/// Articles 1–27, in order: `ARTICLES[n - 1].number == n`.
pub const ARTICLES: [Article; 27] = [
    a(1, "Quyền dân tộc tự quyết", "Right of self-determination"),
    a(
        2,
        "Nghĩa vụ tôn trọng và bảo đảm các quyền, không phân biệt đối xử; quyền được khắc phục hiệu quả",
        "Obligation to respect and ensure rights without discrimination; effective remedy",
    ),
    a(
        3,
        "Quyền bình đẳng giữa nam và nữ",
        "Equal rights of men and women",
    ),
    a(
        4,
        "Hạn chế quyền trong tình trạng khẩn cấp",
        "Derogation in a public emergency",
    ),
    a(
        5,
        "Không được giải thích Công ước để hủy bỏ hoặc hạn chế quyền",
        "No interpretation destroying or limiting rights",
    ),
    a(6, "Quyền sống", "Right to life"),
    a(
        7,
        "Cấm tra tấn, đối xử hoặc trừng phạt tàn ác, vô nhân đạo hoặc hạ nhục",
        "Prohibition of torture and cruel, inhuman or degrading treatment or punishment",
    ),
    a(
        8,
        "Cấm nô lệ, nô dịch và lao động cưỡng bức",
        "Prohibition of slavery, servitude and forced labour",
    ),
    a(
        9,
        "Quyền tự do và an toàn cá nhân",
        "Right to liberty and security of person",
    ),
    a(
        10,
        "Đối xử nhân đạo với người bị tước tự do",
        "Humane treatment of persons deprived of their liberty",
    ),
    a(
        11,
        "Không bị bỏ tù vì không thực hiện được nghĩa vụ hợp đồng",
        "No imprisonment for inability to fulfil a contractual obligation",
    ),
    a(
        12,
        "Quyền tự do đi lại và tự do cư trú",
        "Freedom of movement and of residence",
    ),
    a(
        13,
        "Bảo đảm đối với người nước ngoài bị trục xuất",
        "Safeguards against the expulsion of aliens",
    ),
    a(14, "Quyền được xét xử công bằng", "Right to a fair trial"),
    a(
        15,
        "Không áp dụng hồi tố luật hình sự",
        "No retroactive criminal law",
    ),
    a(
        16,
        "Quyền được công nhận tư cách con người trước pháp luật",
        "Recognition as a person before the law",
    ),
    a(
        17,
        "Quyền được bảo vệ đời tư, gia đình, nhà ở và thư tín",
        "Right to privacy, family, home and correspondence",
    ),
    a(
        18,
        "Quyền tự do tư tưởng, tín ngưỡng và tôn giáo",
        "Freedom of thought, conscience and religion",
    ),
    a(
        19,
        "Quyền tự do ý kiến và biểu đạt",
        "Freedom of opinion and expression",
    ),
    a(
        20,
        "Cấm tuyên truyền chiến tranh và cổ vũ hận thù dân tộc, chủng tộc, tôn giáo",
        "Prohibition of propaganda for war and advocacy of national, racial or religious hatred",
    ),
    a(21, "Quyền hội họp hòa bình", "Right of peaceful assembly"),
    a(22, "Quyền tự do lập hội", "Freedom of association"),
    a(
        23,
        "Bảo vệ gia đình và quyền kết hôn",
        "Protection of the family and the right to marry",
    ),
    a(24, "Quyền của trẻ em", "Rights of the child"),
    a(
        25,
        "Quyền tham gia quản lý nhà nước, bầu cử và ứng cử",
        "Right to take part in public affairs, to vote and to be elected",
    ),
    a(26, "Bình đẳng trước pháp luật", "Equality before the law"),
    a(
        27,
        "Quyền của người thuộc các nhóm thiểu số",
        "Rights of persons belonging to minorities",
    ),
];

/// Article `n`, when the Covenant has one between 1 and 27.
pub fn article(n: u8) -> Option<&'static Article> {
    ARTICLES.get(usize::from(n).checked_sub(1)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn articles_are_numbered_in_order_with_both_titles() {
        for (i, art) in ARTICLES.iter().enumerate() {
            assert_eq!(usize::from(art.number), i + 1);
            assert!(!art.title_vi.is_empty() && !art.title_en.is_empty());
        }
        assert_eq!(article(6).map(|a| a.title_vi), Some("Quyền sống"));
        assert_eq!(
            article(14).map(|a| a.title_en),
            Some("Right to a fair trial")
        );
        assert_eq!(
            article(26).map(|a| a.title_vi),
            Some("Bình đẳng trước pháp luật")
        );
        assert_eq!(article(0), None);
        assert_eq!(article(28), None);
    }
}
