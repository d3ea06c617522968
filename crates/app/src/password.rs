//! Passwords as Argon2id PHC strings, the policy a new password meets, and the random tokens and
//! one-time passwords accounts need.

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier, phc::PasswordHash};

/// The shortest password an account may have.
pub const MIN_PASSWORD_CHARS: usize = 12;
/// The longest: a long sentence fits; megabytes are not hashed.
pub const MAX_PASSWORD_CHARS: usize = 256;

/// Why a password is refused (Vietnamese first, English beside it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordProblem {
    /// Empty or spaces only.
    Blank,
    TooShort,
    TooLong,
    /// On the list of the commonest passwords, a keyboard or number run, one character or a
    /// short piece repeated, or the account's own name.
    Common,
}

impl PasswordProblem {
    pub fn vi(self) -> String {
        match self {
            Self::Blank => "Mật khẩu không được để trống hoặc chỉ có dấu cách.".into(),
            Self::TooShort => format!(
                "Mật khẩu cần ít nhất {MIN_PASSWORD_CHARS} ký tự (không tính dấu cách ở đầu và cuối). Một câu dài dễ nhớ là lựa chọn tốt."
            ),
            Self::TooLong => format!("Mật khẩu dài tối đa {MAX_PASSWORD_CHARS} ký tự."),
            Self::Common => "Mật khẩu này quá phổ biến hoặc dễ đoán (một mật khẩu thường gặp, một dãy phím hay dãy số, ký tự lặp lại, hoặc tên đăng nhập). Hãy chọn một câu dài chỉ bạn biết.".into(),
        }
    }

    pub fn en(self) -> String {
        match self {
            Self::Blank => "The password cannot be empty or spaces only.".into(),
            Self::TooShort => format!(
                "The password needs at least {MIN_PASSWORD_CHARS} characters (spaces at either end not counted); a long sentence is a good choice."
            ),
            Self::TooLong => format!("The password takes at most {MAX_PASSWORD_CHARS} characters."),
            Self::Common => "This password is too common or easy to guess (a well-known password, a keyboard or number run, a repeated character, or the user name). Choose a long sentence only you know.".into(),
        }
    }

    /// Both languages, for a command line or a log.
    pub fn message(self) -> String {
        format!("{} / {}", self.vi(), self.en())
    }
}

/// The commonest passwords, reduced as [`check_password`] reduces what is typed (no marks, lower
/// case, letters only): the words people build passwords on, in Vietnamese and English, so
/// "MatKhau@2026" and "password1234" are refused alike. Drawn from published lists of leaked
/// passwords and the words of this office's work.
const COMMON: &[&str] = &[
    "password",
    "passw",
    "pass",
    "passwd",
    "passpass",
    "matkhau",
    "matkhaumoi",
    "matkhaucu",
    "mk",
    "admin",
    "administrator",
    "quantri",
    "quantrivien",
    "root",
    "user",
    "nguoidung",
    "guest",
    "test",
    "tester",
    "thunghiem",
    "thuthu",
    "demo",
    "theodoi",
    "theodoidemo",
    "login",
    "dangnhap",
    "welcome",
    "chaomung",
    "xinchao",
    "hello",
    "helloworld",
    "iloveyou",
    "anhyeuem",
    "emyeuanh",
    "yeuem",
    "yeuanh",
    "loveyou",
    "qwerty",
    "qwertyuiop",
    "qwertyu",
    "asdf",
    "asdfgh",
    "asdfghjkl",
    "zxcvbnm",
    "qazwsx",
    "qazwsxedc",
    "qazwsxedcrfv",
    "zaqwsx",
    "zaqwsxcde",
    "qweasd",
    "qweasdzxc",
    "qwe",
    "asd",
    "abc",
    "abcd",
    "abcde",
    "abcdef",
    "abcabc",
    "aaa",
    "vietnam",
    "vietnamese",
    "hanoi",
    "haiphong",
    "saigon",
    "hochiminh",
    "danang",
    "sotuphap",
    "tuphap",
    "stp",
    "ubnd",
    "ubndthanhpho",
    "thanhpho",
    "congan",
    "kehoach",
    "baocao",
    "letmein",
    "monkey",
    "dragon",
    "football",
    "baseball",
    "sunshine",
    "princess",
    "trustno",
    "secret",
    "changeme",
    "default",
    "master",
    "superman",
    "batman",
    "starwars",
    "khongbiet",
    "batky",
    "tenlagi",
    "google",
    "facebook",
    "zalo",
    "samsung",
    "iphone",
    "computer",
    "internet",
    "freedom",
    "whatever",
    "shadow",
    "michael",
    "killer",
];

/// Runs on a keyboard or in counting, any stretch of which is easy to guess.
const RUNS: &[&str] = &[
    "012345678901234567890123456789",
    "987654321098765432109876543210",
    "abcdefghijklmnopqrstuvwxyz",
    "zyxwvutsrqponmlkjihgfedcba",
    "qwertyuiopasdfghjklzxcvbnm",
    "mnbvcxzlkjhgfdsapoiuytrewq",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
    "1q2w3e4r5t6y7u8i9o0p",
    "q1w2e3r4t5y6u7i8o9p0",
    "qazwsxedcrfvtgbyhnujmikolp",
];

/// Whether `password` may be set for the account `username`: not blank, 12 to 256 characters
/// (ends trimmed), and not among the commonest — reduced to its letters and digits without marks,
/// it is not a common word with digits or symbols around it, not a run on the keyboard or in
/// counting, not one short piece repeated, and not the user name.
pub fn check_password(password: &str, username: &str) -> Result<(), PasswordProblem> {
    let trimmed = password.trim();
    if trimmed.is_empty() {
        return Err(PasswordProblem::Blank);
    }
    let n = trimmed.chars().count();
    if n < MIN_PASSWORD_CHARS {
        return Err(PasswordProblem::TooShort);
    }
    if password.chars().count() > MAX_PASSWORD_CHARS {
        return Err(PasswordProblem::TooLong);
    }
    let reduce = |s: &str| -> String {
        theodoi_text::fold_chars(s)
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect()
    };
    let plain = reduce(trimmed);
    let letters: String = plain.chars().filter(char::is_ascii_alphabetic).collect();
    let name = reduce(username);
    let common = COMMON.contains(&letters.as_str())
        || (letters.is_empty() && plain.len() < MIN_PASSWORD_CHARS)
        || RUNS
            .iter()
            .any(|r| plain.len() >= 4 && r.contains(plain.as_str()))
        || repeats(&plain)
        || (!name.is_empty()
            && ((plain.contains(&name) && plain.len() < name.len() + 6) || letters == name));
    if common {
        return Err(PasswordProblem::Common);
    }
    Ok(())
}

/// One piece of at most four characters, repeated ("aaaaaaaaaaaa", "123123123123", "abababab…").
fn repeats(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && (1..=4.min(b.len() / 2))
            .any(|k| b.len().is_multiple_of(k) && b.chunks(k).all(|c| c == &b[..k]))
}

/// Hash a password as an Argon2id PHC string.
pub fn hash_password(password: &str) -> anyhow::Result<String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("hashing a password: {e}"))
}

/// Check a password against a stored hash; a malformed hash never matches.
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// `bytes` random bytes as hex, from the operating system's generator.
pub fn random_token(bytes: usize) -> anyhow::Result<String> {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    Ok(hex::encode(buf))
}

/// A readable one-time password: 16 characters without look-alikes (no 0/O, 1/l/I), drawn again
/// in the unlikely case it falls foul of [`check_password`].
pub fn one_time_password() -> anyhow::Result<String> {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    loop {
        let mut buf = [0u8; 16];
        getrandom::fill(&mut buf).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
        let p: String = buf
            .iter()
            .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
            .collect();
        if check_password(&p, "").is_ok() {
            return Ok(p);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_refuses_blank_short_common_and_the_name() {
        for (p, problem) in [
            ("", PasswordProblem::Blank),
            ("            ", PasswordProblem::Blank),
            ("\t \n  ", PasswordProblem::Blank),
            ("ngắn quá", PasswordProblem::TooShort),
            ("  abc  ", PasswordProblem::TooShort),
            ("password1234", PasswordProblem::Common),
            ("Password@2026", PasswordProblem::Common),
            ("MậtKhẩu@2026!", PasswordProblem::Common),
            ("matkhau123456", PasswordProblem::Common),
            ("123456789012", PasswordProblem::Common),
            ("1234567890123", PasswordProblem::Common),
            ("098765432109", PasswordProblem::Common),
            ("111111111111", PasswordProblem::Common),
            ("123123123123", PasswordProblem::Common),
            ("qwertyuiop12", PasswordProblem::Common),
            ("1q2w3e4r5t6y", PasswordProblem::Common),
            ("abc123456789", PasswordProblem::Common),
            ("anhyeuem1234", PasswordProblem::Common),
            ("theodoi-demo-2026", PasswordProblem::Common),
            ("Nguyen.An2026", PasswordProblem::Common),
        ] {
            assert_eq!(check_password(p, "nguyen.an"), Err(problem), "{p:?}");
        }
        assert_eq!(
            check_password(&"x".repeat(MAX_PASSWORD_CHARS + 1), "a"),
            Err(PasswordProblem::TooLong)
        );
        for ok in [
            "một mật khẩu mới đủ dài",
            "mật khẩu thử nghiệm 2026",
            "Cây đa đầu làng 1975",
            "x7Kp2mQ9zR4t",
            "correct horse battery staple",
        ] {
            assert_eq!(check_password(ok, "nguyen.an"), Ok(()), "{ok:?}");
        }
        assert!(PasswordProblem::Common.message().starts_with("Mật khẩu"));
        for _ in 0..50 {
            let p = one_time_password().unwrap_or_default();
            assert_eq!(check_password(&p, "admin"), Ok(()), "{p}");
        }
    }

    #[test]
    fn hashes_verify_and_differ() {
        let a = hash_password("một mật khẩu dài").unwrap_or_default();
        let b = hash_password("một mật khẩu dài").unwrap_or_default();
        assert!(a.starts_with("$argon2id$"));
        assert_ne!(a, b, "salted");
        assert!(verify_password("một mật khẩu dài", &a));
        assert!(!verify_password("mật khẩu khác", &a));
        assert!(!verify_password("một mật khẩu dài", "not a hash"));
    }
}
