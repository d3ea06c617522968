//! The headings treaty bodies file their recommendations under, in Vietnamese. Concluding
//! observations are published in English; until a translation is imported, a Vietnamese page
//! shows the heading in the words Vietnamese official translations use for it, and the
//! procedural headings (dissemination, follow-up, the next report) are known as such: their
//! paragraphs ask the State to report to the Committee, not a city's bodies to act.

use theodoi_text::fold;

/// English headings (compared folded, so case and punctuation do not matter) with their
/// Vietnamese.
const GLOSSARY: &[(&str, &str)] = &[
    (
        "constitutional and legal framework within which the covenant is implemented",
        "Khung hiến pháp và pháp luật thực thi Công ước",
    ),
    (
        "constitutional and legal framework",
        "Khung hiến pháp và pháp luật",
    ),
    (
        "implementation of the committee's views under the optional protocol",
        "Thực hiện các quyết định của Ủy ban theo Nghị định thư không bắt buộc",
    ),
    (
        "national human rights institution",
        "Cơ quan nhân quyền quốc gia",
    ),
    ("anti-corruption measures", "Phòng, chống tham nhũng"),
    ("corruption", "Phòng, chống tham nhũng"),
    ("non-discrimination", "Không phân biệt đối xử"),
    (
        "discrimination on the basis of sexual orientation and gender identity",
        "Phân biệt đối xử vì xu hướng tính dục và bản dạng giới",
    ),
    (
        "sexual orientation and gender identity",
        "Xu hướng tính dục và bản dạng giới",
    ),
    ("equality between men and women", "Bình đẳng nam nữ"),
    ("gender equality", "Bình đẳng giới"),
    ("violence against women", "Bạo lực đối với phụ nữ"),
    (
        "violence against women, including domestic violence",
        "Bạo lực đối với phụ nữ, kể cả bạo lực gia đình",
    ),
    ("gender-based violence", "Bạo lực trên cơ sở giới"),
    ("domestic violence", "Bạo lực gia đình"),
    (
        "rights of persons with disabilities",
        "Quyền của người khuyết tật",
    ),
    ("states of emergency", "Tình trạng khẩn cấp"),
    ("counter-terrorism", "Chống khủng bố"),
    ("counter-terrorism measures", "Các biện pháp chống khủng bố"),
    ("right to life", "Quyền sống"),
    ("death penalty", "Hình phạt tử hình"),
    ("enforced disappearances", "Cưỡng bức mất tích"),
    (
        "prohibition of torture and other cruel, inhuman or degrading treatment or punishment",
        "Cấm tra tấn và các hình thức đối xử hoặc trừng phạt tàn ác, vô nhân đạo hoặc hạ nhục",
    ),
    (
        "prohibition of torture and ill-treatment",
        "Cấm tra tấn và đối xử tàn ác",
    ),
    ("torture and ill-treatment", "Tra tấn và đối xử tàn ác"),
    ("deaths in custody", "Tử vong khi bị tạm giữ, tạm giam"),
    (
        "liberty and security of person",
        "Quyền tự do và an toàn cá nhân",
    ),
    (
        "treatment of persons deprived of their liberty",
        "Đối xử với người bị tước tự do",
    ),
    ("conditions of detention", "Điều kiện giam giữ"),
    (
        "elimination of slavery, servitude and trafficking in persons",
        "Xóa bỏ nô lệ, lao động khổ sai và mua bán người",
    ),
    ("trafficking in persons", "Mua bán người"),
    ("forced labour", "Lao động cưỡng bức"),
    ("freedom of movement", "Quyền tự do đi lại"),
    (
        "treatment of aliens, including refugees and asylum seekers",
        "Đối xử với người nước ngoài, kể cả người tị nạn và người xin tị nạn",
    ),
    (
        "refugees and asylum seekers",
        "Người tị nạn và người xin tị nạn",
    ),
    ("access to justice", "Tiếp cận công lý"),
    (
        "access to justice, independence of the judiciary and fair trial",
        "Tiếp cận công lý, tính độc lập của tư pháp và xét xử công bằng",
    ),
    (
        "independence of the judiciary",
        "Tính độc lập của cơ quan tư pháp",
    ),
    ("administration of justice", "Hoạt động tư pháp"),
    ("right to a fair trial", "Quyền được xét xử công bằng"),
    (
        "independence of the judiciary and fair trial",
        "Tính độc lập của tư pháp và xét xử công bằng",
    ),
    ("juvenile justice", "Tư pháp người chưa thành niên"),
    ("right to privacy", "Quyền riêng tư"),
    (
        "surveillance and right to privacy",
        "Giám sát và quyền riêng tư",
    ),
    (
        "freedom of conscience and religious belief",
        "Quyền tự do lương tâm và tín ngưỡng, tôn giáo",
    ),
    (
        "freedom of religion or belief",
        "Quyền tự do tín ngưỡng, tôn giáo",
    ),
    (
        "freedom of thought, conscience and religion",
        "Quyền tự do tư tưởng, lương tâm và tôn giáo",
    ),
    (
        "freedom of opinion and expression",
        "Quyền tự do chính kiến và ngôn luận",
    ),
    ("freedom of expression", "Quyền tự do ngôn luận"),
    ("right of peaceful assembly", "Quyền hội họp hòa bình"),
    (
        "freedom of peaceful assembly",
        "Quyền tự do hội họp hòa bình",
    ),
    ("freedom of association", "Quyền tự do lập hội"),
    ("human rights defenders", "Người bảo vệ nhân quyền"),
    ("rights of the child", "Quyền trẻ em"),
    ("birth registration", "Đăng ký khai sinh"),
    (
        "participation in public affairs",
        "Quyền tham gia quản lý nhà nước và xã hội",
    ),
    (
        "right to participate in public affairs",
        "Quyền tham gia quản lý nhà nước và xã hội",
    ),
    (
        "rights of minorities",
        "Quyền của người thuộc dân tộc thiểu số",
    ),
    (
        "rights of persons belonging to minorities",
        "Quyền của người thuộc dân tộc thiểu số",
    ),
    (
        "rights of persons belonging to ethnic minorities",
        "Quyền của người thuộc dân tộc thiểu số",
    ),
    (
        "rights of indigenous peoples",
        "Quyền của người dân tộc bản địa",
    ),
    (
        "dissemination and follow-up",
        "Phổ biến và theo dõi thực hiện",
    ),
    (
        "dissemination of information relating to the covenant",
        "Phổ biến thông tin về Công ước",
    ),
    ("follow-up", "Theo dõi thực hiện"),
    ("next periodic report", "Báo cáo định kỳ tiếp theo"),
];

/// The Vietnamese of a treaty body's heading, when it is one of the usual ones; `None` for
/// a heading already in Vietnamese or one the glossary does not know.
pub fn theme_vi(theme: &str) -> Option<&'static str> {
    let f = fold(theme.trim().trim_end_matches('.'));
    GLOSSARY
        .iter()
        .find(|(en, _)| fold(en) == f)
        .map(|(_, vi)| *vi)
}

/// The Vietnamese of a document's usual English title: "Concluding observations on the fourth
/// periodic report of Viet Nam" → "Nhận xét kết luận về báo cáo định kỳ lần thứ tư của Việt Nam";
/// `None` for another title.
pub fn title_vi(title: &str) -> Option<String> {
    const ORDINALS: [(&str, &str); 10] = [
        ("initial", "ban đầu"),
        ("second", "định kỳ lần thứ hai"),
        ("third", "định kỳ lần thứ ba"),
        ("fourth", "định kỳ lần thứ tư"),
        ("fifth", "định kỳ lần thứ năm"),
        ("sixth", "định kỳ lần thứ sáu"),
        ("seventh", "định kỳ lần thứ bảy"),
        ("eighth", "định kỳ lần thứ tám"),
        ("ninth", "định kỳ lần thứ chín"),
        ("tenth", "định kỳ lần thứ mười"),
    ];
    let f = fold(title);
    if let Some(rest) = f.strip_prefix("concluding observations on the ") {
        let (ordinal, rest) = rest.split_once(' ')?;
        let rest = rest
            .strip_prefix("periodic report of ")
            .or_else(|| rest.strip_prefix("report of "))?;
        let (_, which) = ORDINALS.iter().find(|(en, _)| *en == ordinal)?;
        return Some(format!(
            "Nhận xét kết luận về báo cáo {which} của {}",
            country_vi(rest)?
        ));
    }
    if let Some(rest) =
        f.strip_prefix("report of the working group on the universal periodic review")
    {
        let country = rest.trim_start_matches([' ', ':', '-']);
        return Some(format!(
            "Báo cáo của Nhóm công tác về Cơ chế rà soát định kỳ phổ quát: {}",
            country_vi(country)?
        ));
    }
    None
}

fn country_vi(folded: &str) -> Option<&'static str> {
    matches!(folded.trim(), "viet nam" | "vietnam").then_some("Việt Nam")
}

/// Whether a heading files procedural paragraphs — spreading the document, following it up
/// with the Committee, the date of the next report — which ask for no task of a plan.
pub fn is_procedural(theme: &str) -> bool {
    let f = fold(theme);
    [
        "dissemination",
        "follow-up",
        "follow up",
        "next periodic report",
        "pho bien va theo doi",
        "theo doi thuc hien",
        "bao cao dinh ky tiep theo",
    ]
    .iter()
    .any(|w| f.contains(w))
}

/// Why a procedural paragraph needs no task, as the register records it.
pub const PROCEDURAL_REASON: &str =
    "Khuyến nghị về thủ tục (phổ biến, theo dõi, báo cáo với Ủy ban)";
/// The same in English, for English pages.
pub const PROCEDURAL_REASON_EN: &str =
    "A procedural recommendation (dissemination, follow-up, reporting to the Committee)";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usual_headings_read_in_vietnamese_whatever_their_case() {
        assert_eq!(
            theme_vi("Non-discrimination"),
            Some("Không phân biệt đối xử")
        );
        assert_eq!(
            theme_vi("Right to a fair trial."),
            Some("Quyền được xét xử công bằng")
        );
        assert_eq!(theme_vi("RIGHT TO LIFE"), Some("Quyền sống"));
        assert_eq!(theme_vi("Quyền sống"), None);
        assert_eq!(theme_vi("Something new"), None);
    }

    #[test]
    fn every_glossary_heading_finds_its_own_vietnamese() {
        for (en, vi) in GLOSSARY {
            let first = GLOSSARY.iter().find(|(e, _)| fold(e) == fold(en));
            assert_eq!(first.map(|(_, v)| v), Some(vi), "{en} is listed twice");
            assert_eq!(theme_vi(&en.to_uppercase()), Some(*vi), "{en}");
        }
    }

    #[test]
    fn usual_titles_read_in_vietnamese() {
        assert_eq!(
            title_vi("Concluding observations on the fourth periodic report of Viet Nam")
                .as_deref(),
            Some("Nhận xét kết luận về báo cáo định kỳ lần thứ tư của Việt Nam")
        );
        assert_eq!(
            title_vi("Report of the Working Group on the Universal Periodic Review: Viet Nam")
                .as_deref(),
            Some("Báo cáo của Nhóm công tác về Cơ chế rà soát định kỳ phổ quát: Việt Nam")
        );
        assert_eq!(
            title_vi("Concluding observations on the fourth periodic report of Chile"),
            None
        );
        assert_eq!(title_vi("Something else"), None);
    }

    #[test]
    fn procedural_headings_in_both_languages() {
        assert!(is_procedural("D. Dissemination and follow-up"));
        assert!(is_procedural("Dissemination and follow-up"));
        assert!(is_procedural("Phổ biến và theo dõi"));
        assert!(is_procedural("Next periodic report"));
        assert!(!is_procedural("Right to life"));
        assert!(!is_procedural("Quyền được xét xử công bằng"));
    }
}
