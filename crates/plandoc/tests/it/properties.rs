//! The parser never panics, whatever it is given.

use proptest::prelude::*;

const DOCX: &[u8] = include_bytes!("../fixtures/numbered_table.docx");
const PDF: &[u8] = include_bytes!("../fixtures/pdf/numbered_table.pdf");

fn seed_lines() -> Vec<&'static str> {
    crate::BODY.lines().chain(crate::APPENDIX.lines()).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_text_never_panics(s in "\\PC{0,400}") {
        let _ = theodoi_plandoc::parse(&s);
    }

    #[test]
    fn arbitrary_bytes_never_panic(b in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = theodoi_plandoc::parse_bytes(&b);
    }

    #[test]
    fn structural_noise_never_panics(s in "([IVX]{1,4}\\. |[0-9]{1,2}\\.|- |\\+ |Đơn vị chủ trì:|Thời gian:|Nơi nhận:|TM\\. |KT\\. |PHỤ LỤC|KẾ HOẠCH|\\(Kèm theo Kế hoạch số 1/KH-X ngày 1/1/2026\\)|Sở Tư pháp|, | và |\\n|[a-zà-ỹ ]{0,8}|[0-9/]{1,6}){0,80}") {
        let _ = theodoi_plandoc::parse(&s);
    }

    /// Seed lines shuffled, dropped and repeated: real vocabulary in broken order.
    #[test]
    fn shuffled_seed_lines_never_panic(picks in proptest::collection::vec(any::<prop::sample::Index>(), 0..200)) {
        let lines = seed_lines();
        let text: Vec<&str> = picks.iter().map(|i| lines[i.index(lines.len())]).collect();
        let _ = theodoi_plandoc::parse(&text.join("\n"));
    }

    /// Text, CSV and the structure of a table in any file type never panic.
    #[test]
    fn tables_and_csv_never_panic(s in "(\\| |STT|Nội dung|Chủ trì|Phối hợp|Thời hạn|Sản phẩm|[0-9IVX]{1,3}|Sở Tư pháp|\\(chủ trì\\)|; |\"|\n|[a-zà-ỹ ]{0,8}){0,80}") {
        let lex = theodoi_plandoc::Lexicon::builtin();
        let _ = theodoi_plandoc::parse_file(Some("t.csv"), s.as_bytes(), lex);
        let _ = theodoi_plandoc::parse_file(Some("t.txt"), s.as_bytes(), lex);
    }

    /// A DOCX cut anywhere or with bytes flipped is refused cleanly, never a panic.
    #[test]
    fn damaged_docx_never_panics(cut in 0usize..8_000, flip in 0usize..8_000, byte in any::<u8>()) {
        let mut b = DOCX.to_vec();
        if let Some(x) = b.get_mut(flip) {
            *x = byte;
        }
        b.truncate(cut.max(4));
        let _ = theodoi_plandoc::parse_file(Some("plan.docx"), &b, theodoi_plandoc::Lexicon::builtin());
    }

    /// Cutting the seed anywhere (a truncated download) never panics.
    #[test]
    fn truncated_seed_never_panics(cut in 0usize..20_000) {
        let body = crate::BODY;
        let mut at = cut.min(body.len());
        while !body.is_char_boundary(at) {
            at -= 1;
        }
        let _ = theodoi_plandoc::parse(&body[..at]);
    }
}

proptest! {
    // A PDF is read whole on every case: fewer cases keep the suite quick.
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// A PDF cut anywhere or with bytes flipped is read or refused cleanly, never a panic.
    #[test]
    fn damaged_pdf_never_panics(cut in 0usize..23_000, flip in 0usize..23_000, byte in any::<u8>()) {
        let mut b = PDF.to_vec();
        if let Some(x) = b.get_mut(flip) {
            *x = byte;
        }
        b.truncate(cut.max(5));
        let _ = theodoi_plandoc::parse_file(Some("plan.pdf"), &b, theodoi_plandoc::Lexicon::builtin());
    }

    /// Anything after "%PDF-" is refused cleanly.
    #[test]
    fn bytes_after_the_pdf_signature_never_panic(b in proptest::collection::vec(any::<u8>(), 0..600)) {
        let mut data = b"%PDF-1.7\n".to_vec();
        data.extend(b);
        let _ = theodoi_plandoc::formats::to_text(&data, Some("plan.pdf"));
    }

    /// PDF syntax in any order: objects, streams, operators, fonts.
    #[test]
    fn pdf_structure_never_panics(s in "(%PDF-1.7\n|1 0 obj|endobj|<<|>>|/Type/Catalog|/Pages 2 0 R|/Kids\\[3 0 R\\]|/Type/Page|/Contents 4 0 R|stream\n|endstream|BT|ET|/F1 12 Tf|<0001> Tj|\\[\\(a\\) -20 \\(b\\)\\] TJ|1 0 0 1 5 5 cm|q|Q|/X1 Do|0 0 10 10 re S|trailer|/Root 1 0 R|xref|startxref|%%EOF|[0-9 ]{1,6}|\n){0,60}") {
        let _ = theodoi_plandoc::formats::to_text(s.as_bytes(), Some("plan.pdf"));
    }
}
